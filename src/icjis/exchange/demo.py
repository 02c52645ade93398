"""The demo's exchange: a member standing for another agency's case system is admitted with a
key kept beside the demo database (`var/keys/exchange-demo-member.pem`, so `icjis exchange
sign` can sign more messages with it), and one crime report it transfers is received, signed,
as any would be. A field node of the Bishkek police department is admitted too, its key at
`var/keys/field-demo-node.pem` for a node install to use."""

from __future__ import annotations

from django.conf import settings

from icjis.core import acts, clock
from icjis.core.checkpoints import public_key_hex
from icjis.core.models import User
from icjis.core.seeding import after_cases
from icjis.exchange.acts import intake
from icjis.exchange.envelope import RECEIVER, sign
from icjis.exchange.management.commands.exchange import load_key, make_key
from icjis.exchange.models import Member

CODE = "DEMO-GKNB"
NODE = "DEMO-FIELD"


@after_cases
def exchange_demo() -> None:
    admin = User.objects.filter(username="admin").first()
    if settings.PRODUCTION or admin is None or Member.objects.filter(pk=CODE).exists():
        return
    path = settings.LEDGER_KEY_FILE.parent / "exchange-demo-member.pem"
    path.parent.mkdir(parents=True, exist_ok=True)
    key = load_key(path) if path.exists() else make_key(path)
    member = {
        "code": CODE,
        "name": "Демо: система учёта дел другого ведомства",
        "public_key": public_key_hex(key),
        "services": ["crime-report", "case-status"],
        "unit": "GB-UVD",
    }
    acts.perform(admin, "exchange.member.register", member)
    message = {
        "id": "demo-0001",
        "sender": CODE,
        "receiver": RECEIVER,
        "service": "crime-report",
        "sent_at": clock.now().isoformat(),
        "body": {
            "reference": "ДЕМО-2026-0001",
            "summary": "Материал о мошенничестве передан по подследственности",
            "place": {"region": "KG-GB", "district": "KG-GB-LEN"},
        },
    }
    envelope = {**message, "signature": sign(message, key)}
    intake(envelope)
    # A field node of the Bishkek police department, for a second install to try (README).
    node_key_path = settings.LEDGER_KEY_FILE.parent / "field-demo-node.pem"
    node_key = load_key(node_key_path) if node_key_path.exists() else make_key(node_key_path)
    node = {
        "code": NODE,
        "name": "Демо: полевой узел УВД",
        "public_key": public_key_hex(node_key),
        "services": ["field-act"],
        "unit": "GB-UVD",
    }
    acts.perform(admin, "exchange.member.register", node)
