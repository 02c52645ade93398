"""The field node's journal: record an act while the link is down, send the journal when it is
up (module N).

An entry is checked here as far as the node can check it alone — the officer's role allows the
act, its data is what the act's schema takes — and kept with the node's clock, chained to the
entry before by hash. `send` offers every entry not yet received to the central system, in
order, each as a `field-act` message signed with the node's key, and keeps each answer: the act
performed there (its event and case), or refused there (its reason; the entry is received and
kept all the same), or the message rejected, or no answer. It stops at the first entry not
received, since the central system takes a journal only in order; what was not sent is sent
next time, and a message sent twice is received once.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from icjis.core import clock
from icjis.core.acts import KINDS, ActKind
from icjis.core.canonical import dumps, iso
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.exchange.envelope import RECEIVER, sign
from icjis.exchange.field import entry_hash
from icjis.exchange.management.commands.exchange import load_key
from icjis.field.models import Answer, JournalEntry

RECEIVED = ("performed", "refused")  # answers after which an entry is not sent again
TIMEOUT = 20  # seconds to wait for the central system's answer to one entry


def kinds_for(user: Any) -> list[ActKind]:
    """The acts the officer may record on the node: those their roles allow, but the system's."""
    roles = set(user.roles)
    return [k for k in KINDS.values() if roles & k.roles and k.roles != {"system"}]


def body(entry: JournalEntry) -> dict[str, Any]:
    """The entry as the central system receives it (`exchange.field.FieldAct`)."""
    return {
        "seq": entry.seq,
        "officer": entry.officer,
        "kind": entry.kind,
        "case": entry.case or None,
        "data": entry.data,
        "recorded_at": iso(entry.recorded_at),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def record(user: Any, kind_name: str, case: str | None, data: dict[str, Any], key: str) -> int:
    """Keep an act in the journal; its seq. The same form sent twice (its key) is kept once."""
    kind = KINDS.get(kind_name)
    if kind is None or kind not in kinds_for(user):
        raise Forbidden(say("Your role does not allow the act %(kind)s.", kind=kind_name))
    if kind.target == "case" and not case:
        raise Invalid(
            say("The act %(kind)s needs the case number.", kind=kind.name),
            fields={"field_case": gettext_noop("required")},
        )
    try:
        parsed = kind.schema.model_validate(data)
    except pydantic.ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            fields.setdefault(".".join(str(p) for p in err["loc"]) or "data", err["msg"])
        where, problem = next(iter(fields.items()))
        raise Invalid(
            say("Check the field '%(field)s': %(problem)s.", field=where, problem=problem),
            fields=fields,
        ) from None
    existing = JournalEntry.objects.filter(key=key).values_list("seq", flat=True).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _append(user, kind, case, parsed.model_dump(mode="json"), key)
        except IntegrityError:
            # Another officer's entry took the seq (or this form's key) at the same moment.
            existing = JournalEntry.objects.filter(key=key).values_list("seq", flat=True).first()
            if existing is not None:
                return existing
    raise RuntimeError("the journal is too busy; try again")


def _append(user: Any, kind: ActKind, case: str | None, data: dict[str, Any], key: str) -> int:
    last = JournalEntry.objects.order_by("-seq").first()
    entry = JournalEntry(
        seq=(last.seq if last else 0) + 1,
        key=key,
        officer=user.username,
        kind=kind.name,
        case=case or "",
        data=data,
        recorded_at=clock.now().replace(microsecond=0),
        prev_hash=last.hash if last else "",
    )
    entry.hash = entry_hash(body(entry) | {"hash": ""})
    entry.save()
    return entry.seq


def state(entry: JournalEntry) -> Answer | None:
    """The last answer to an entry (None: never sent)."""
    answers = list(entry.answers.all())
    return max(answers, key=lambda a: a.pk) if answers else None


@dataclass
class Sent:
    """What one `send` did: the entries received there now, and why it stopped, if it did."""

    received: list[int] = field(default_factory=list)
    stopped: str = ""  # why, in English (the command says it; a page says `answer` again)
    stopped_at: int | None = None  # the entry it stopped at
    answer: dict[str, Any] = field(default_factory=dict)  # the error answered, if any
    waiting: int = 0


def _post(url: str, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"ICJIS_CENTRAL_URL must be an http(s) address, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - its scheme is checked above
        url,
        data=json.dumps(envelope, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


def receipt_verifies(receipt: dict[str, Any], key_hex: str) -> bool:
    """Whether the receipt is signed by the central system's key (hex)."""
    try:
        signature = base64.b64decode(str(receipt.get("signature")), validate=True)
        signed = dumps({k: v for k, v in receipt.items() if k != "signature"}).encode()
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex)).verify(signature, signed)
    except (InvalidSignature, ValueError):
        return False
    return True


def send(progress: Callable[[int, int], None] | None = None) -> Sent:
    """Offer every entry not yet received to the central system, in order (see the module)."""
    out = Sent()
    if not settings.FIELD_NODE or not settings.CENTRAL_URL:
        out.stopped = "this install is not a field node (ICJIS_FIELD_NODE, ICJIS_CENTRAL_URL)"
        return out
    pending = [e for e in JournalEntry.objects.order_by("seq") if _not_received(e)]
    out.waiting = len(pending)
    if not pending:
        return out
    key = load_key(settings.FIELD_KEY_FILE)
    url = f"{settings.CENTRAL_URL}/api/v1/exchange/messages"
    for done, entry in enumerate(pending, 1):
        message = _message(entry, key)
        try:
            status, answer = _post(url, message)
        except (OSError, ValueError) as exc:
            failed = {"error": "unreachable", "message": str(exc)[:300]}
            _answer(entry, "unreached", failed, message)
            out.stopped = f"entry {entry.seq}: the central system did not answer ({exc})"
            out.stopped_at = entry.seq
            break
        if status in (200, 201):
            if not _received(entry, answer, message):
                out.stopped = f"entry {entry.seq}: the receipt does not name it or not verify"
                out.stopped_at = entry.seq
                break
            out.received.append(entry.seq)
            out.waiting -= 1
            if progress is not None:
                progress(done, len(pending))
            continue
        outcome = "rejected" if 400 <= status < 500 else "unreached"
        out.answer = answer if isinstance(answer, dict) else {}
        _answer(entry, outcome, out.answer, message)
        out.stopped = f"entry {entry.seq}: {status} {out.answer.get('message', '')}".strip()
        out.stopped_at = entry.seq
        break
    return out


def _not_received(entry: JournalEntry) -> bool:
    last = state(entry)
    return last is None or last.status not in RECEIVED


def _message(entry: JournalEntry, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The entry's message, signed: as first sent, if it was sent before."""
    for earlier in entry.answers.order_by("pk"):
        if earlier.message:
            return dict(earlier.message)
    message = {
        "id": f"{settings.FIELD_NODE}-{entry.seq}",
        "sender": settings.FIELD_NODE,
        "receiver": RECEIVER,
        "service": "field-act",
        "sent_at": iso(clock.now()),
        "body": body(entry),
    }
    return {**message, "signature": sign(message, key)}


def _received(entry: JournalEntry, receipt: dict[str, Any], message: dict[str, Any]) -> bool:
    """Keep a receipt that names this entry (and verifies, when the central key is known)."""
    got = receipt.get("field") or {}
    if got.get("hash") != entry.hash or (
        settings.CENTRAL_KEY and not receipt_verifies(receipt, settings.CENTRAL_KEY)
    ):
        bad = {"error": "bad_receipt", "message": "the receipt does not fit"}
        _answer(entry, "rejected", bad, message)
        return False
    _answer(entry, "performed" if "performed" in got else "refused", receipt, message)
    return True


def _answer(
    entry: JournalEntry, status: str, receipt: dict[str, Any], message: dict[str, Any]
) -> None:
    Answer.objects.create(
        entry=entry, at=clock.now(), status=status, receipt=receipt, message=message
    )
