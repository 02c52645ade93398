"""API routes of the signed message exchange (mounted under /api/v1 by icjis.urls).

`POST /exchange/messages` takes a signed envelope from a member's system; it needs no bearer
token, since the signature is the sender's credential, and answers with a receipt signed with
the system's key. `GET /exchange/key` gives that key's public half; `GET /exchange/members`
lists the members to the administrator and the auditor."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema, Status

from icjis.core import acts
from icjis.core.canonical import dumps, iso
from icjis.core.checkpoints import public_key_hex, signing_key
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.exchange.acts import intake
from icjis.exchange.envelope import RECEIVER
from icjis.exchange.models import Member

router = Router(tags=["exchange"])


class EnvelopeIn(Schema):
    """The envelope as the sender's system sends it (`exchange.envelope`); checked by the act,
    which refuses any field it does not know."""

    id: Any = None
    sender: Any = None
    receiver: Any = None
    service: Any = None
    sent_at: Any = None
    body: Any = None
    signature: Any = None


def receipt(outcome: acts.Outcome) -> dict[str, Any]:
    """What we answer a message with, signed with the system's key: the message and the SHA-256
    of what was signed, when it was received, the event that received it, the case its report
    was registered as, and for a field node's entry what its act recorded or why it was refused.
    A retry
    gets the same receipt (Ed25519 signatures are deterministic)."""
    answer = outcome.as_json()
    event = answer["event"]
    case = next(
        (
            r["result"].get("case")
            for r in answer["reactions"]
            if r["event"]["kind"] == "registry.report.register"
        ),
        None,
    )
    key = signing_key()
    body = {
        "message": answer["result"]["message"],
        "content_sha256": answer["result"]["content_sha256"],
        "sender": event["stream"].removeprefix("member/"),
        "receiver": RECEIVER,
        "received_at": event["recorded_at"],
        "event": {"stream": event["stream"], "seq": event["seq"], "hash": event["hash"]},
        "case": case,
        "key": public_key_hex(key),
    }
    if "status" in answer["result"]:
        body["status"] = answer["result"]["status"]  # where the report asked about stands
    if "field" in answer["result"]:
        body["field"] = answer["result"]["field"]  # the entry's act recorded, or its refusal
    return {**body, "signature": base64.b64encode(key.sign(dumps(body).encode())).decode()}


def _not_a_number(name: str) -> None:
    raise Invalid(say("The message holds %(value)s, which is not a JSON number.", value=name))


@router.post(
    "/exchange/messages",
    auth=None,
    response={200: dict, 201: dict, 400: dict, 403: dict, 409: dict},
)
def receive_message(request: HttpRequest, envelope: EnvelopeIn) -> Any:
    """Receive a signed message from a member's system: 201 with a signed receipt; 200 with the
    same receipt for a retry of a message received already; 400/403/409 with {error, message},
    and nothing recorded. The envelope: `id` (its id in the sender's system), `sender` (the
    member's code), `receiver` ("ICJIS"), `service`, `sent_at` (ISO 8601 with its offset),
    `body`, and `signature`: Ed25519 over the envelope without its signature in canonical JSON
    (sorted keys, no whitespace, UTF-8), base64."""
    # The JSON as sent, every field of it: what the signature covers is checked by the act.
    data = json.loads(request.body, parse_constant=_not_a_number)
    if not isinstance(data, dict):
        raise Invalid(say("The act's data must be a JSON object."))
    outcome = intake(data)
    return Status(200 if outcome.stored is not None else 201, receipt(outcome))


@router.get("/exchange/key", auth=None)
def receipt_key(request: HttpRequest) -> dict[str, str]:
    """The public half of the key our receipts are signed with (raw Ed25519, hex)."""
    return {"receiver": RECEIVER, "algorithm": "Ed25519", "key": public_key_hex(signing_key())}


@router.get("/exchange/members")
def members(request: HttpRequest) -> list[dict[str, Any]]:
    """The systems admitted to the exchange (for the administrator and the auditor)."""
    if not {"admin", "auditor"} & set(request.user.roles):
        raise Forbidden(say("Only the administrator and the auditor read the exchange's members."))
    return [
        {
            "code": m.code,
            "name": m.name,
            "public_key": m.public_key,
            "services": m.services,
            "unit": m.unit_id,
            "active": m.active,
            "registered_at": iso(m.registered_at),
            "messages": m.received,
        }
        for m in Member.objects.annotate(received=Count("messages")).order_by("code")
    ]
