"""Act kinds of the signed message exchange with other agencies' systems (module N).

- `exchange.member.register` (the administrator) admits another agency's system as a member:
  its code, the Ed25519 public key its messages are signed with, the services it may use and
  the unit of ours that registers what it sends; `exchange.member.suspend` stops it.
- `exchange.message.receive` is performed by the system for each message that arrives at
  `POST /api/v1/exchange/messages`, on the sender's stream `member/<code>`. It is refused, with
  nothing written, unless the sender is an active member, the signature verifies with its key,
  the message is addressed to us, for a service the member may use, not sent in the future (five
  minutes of clock drift allowed), with a body the service accepts. The event keeps the whole
  envelope with its signature, so anyone can check later what the sender signed. A message is
  received once: its id in the sender's system is the idempotency key, so a retry gets the
  first receipt and the same id with another content is refused.
- The service `crime-report` (a report of a crime transferred from another body, CPC 147(1),
  150) registers the report at the member's unit by the system, in the same transaction
  (`registry.report.register`, channel `transfer`, its reference `<member>/<their number>`).
- The service `case-status` answers where a report the member sent stands (its case, stage,
  dates and the unit holding it: what the applicant reads on the public status page), the read
  logged as the member's; the answer is in the signed receipt and kept in the event.
- The service `field-act` carries one entry of a field node's journal: the act is performed by
  the officer who recorded it, in the same transaction, its refusal kept if it is refused
  (`exchange.field`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.access import SYSTEM_USER, log_read
from icjis.core.acts import Context, Outcome, Reaction, act_kind, perform
from icjis.core.canonical import dumps, iso, sha256_hex
from icjis.core.ledger import SYSTEM
from icjis.core.models import Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, say
from icjis.exchange.envelope import RECEIVER, content_sha256, verifies
from icjis.exchange.field import EARLIEST, FieldAct, check_order, perform_entry
from icjis.exchange.models import FieldEntry, Member, Message, Transfer
from icjis.legal.counting import local_date
from icjis.registry.acts import Place
from icjis.registry.receipts import responsible_unit

Service = Literal["crime-report", "case-status", "field-act"]
MemberCode = pydantic.Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$", description="e.g. GKNB-CASES")
DRIFT = timedelta(minutes=5)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")
"""How far ahead of our clock a sender's clock may run."""


def member_stream(code: str) -> str:
    return f"member/{code}"


def _member_stream_of(data: Any) -> str:
    return member_stream(data.code)


# --- members -------------------------------------------------------------------------------


class RegisterMember(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    code: str = MemberCode
    name: str = pydantic.Field(min_length=3, max_length=200)
    public_key: str = pydantic.Field(
        pattern=r"^[0-9a-f]{64}$", title="Public key", description="the raw Ed25519 public key, hex"
    )
    services: list[Service] = pydantic.Field(min_length=1, max_length=8)
    unit: str = pydantic.Field(
        min_length=2, max_length=32, description="our unit that registers what it sends"
    )


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Member.objects.create(
        code=data["code"],
        name=data["name"],
        public_key=data["public_key"],
        services=data["services"],
        unit_id=data["unit"],
        registered_at=event.recorded_at,
    )
    return {"member": data["code"]}


@act_kind(
    "exchange.member.register",
    schema=RegisterMember,
    roles=("admin",),
    legal_basis="CPC 146(3)",
    target="stream",
    stream_for=_member_stream_of,
    apply=_apply_register,
    title="Admit another agency's system to the exchange",
)
def register_member(ctx: Context) -> dict[str, Any]:
    """Admits another agency's system: the key its messages are signed with, the services it
    may use, and the unit of ours (one that keeps a register) that registers what it sends. The
    bodies that transmit information to the Unified Register do so through it (CPC 146(3))."""
    data = ctx.input
    if Member.objects.filter(pk=data.code).exists():
        raise Conflict(say("Member %(member)s is already admitted.", member=data.code))
    unit = Unit.objects.filter(code=data.unit).first()
    if unit is None or not unit.register_code:
        raise Invalid(
            say("%(unit)s is not a unit that keeps a register.", unit=data.unit),
            fields={"unit": gettext_noop("keeps no register")},
        )
    return {**data.model_dump(), "services": sorted(set(data.services))}


class SuspendMember(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    code: str = MemberCode
    reason: str = pydantic.Field(min_length=3, max_length=500)


def _apply_suspend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Member.objects.filter(pk=data["code"]).update(active=False)
    return {"member": data["code"]}


@act_kind(
    "exchange.member.suspend",
    schema=SuspendMember,
    roles=("admin",),
    legal_basis="CPC 146(3)",
    target="stream",
    stream_for=_member_stream_of,
    apply=_apply_suspend,
    title="Suspend a system from the exchange",
)
def suspend_member(ctx: Context) -> dict[str, Any]:
    """Stops accepting messages from a member (its key compromised, its agreement ended), with
    the reason; what it sent before stays as received."""
    found = Member.objects.filter(pk=ctx.input.code).first()
    if found is None:
        raise NotFound(say("There is no member %(member)s.", member=ctx.input.code))
    if not found.active:
        raise Conflict(say("Member %(member)s is suspended already.", member=found.code))
    return ctx.input.model_dump()


class RekeyMember(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    code: str = MemberCode
    public_key: str = pydantic.Field(
        pattern=r"^[0-9a-f]{64}$", title="Public key", description="the new key, hex"
    )
    reason: str = pydantic.Field(min_length=3, max_length=500)


def _apply_rekey(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Member.objects.filter(pk=data["code"]).update(public_key=data["public_key"])
    return {"member": data["code"]}


@act_kind(
    "exchange.member.rekey",
    schema=RekeyMember,
    roles=("admin",),
    legal_basis="CPC 146(3)",
    target="stream",
    stream_for=_member_stream_of,
    apply=_apply_rekey,
    title="Give a system of the exchange a new key",
)
def rekey_member(ctx: Context) -> dict[str, Any]:
    """Replaces an active member's key (a planned rotation, or a suspension lifted with a new
    key made): from now on its messages are checked with the new key, and those signed with the
    old one are refused, retries of earlier messages too. Each message received keeps the key
    it was checked with."""
    found = Member.objects.filter(pk=ctx.input.code).first()
    if found is None:
        raise NotFound(say("There is no member %(member)s.", member=ctx.input.code))
    if found.public_key == ctx.input.public_key:
        raise Conflict(say("Member %(member)s already has this key.", member=found.code))
    return {**ctx.input.model_dump(), "previous": found.public_key}


# --- messages ------------------------------------------------------------------------------


class CrimeReport(pydantic.BaseModel):
    """The body of a `crime-report` message."""

    model_config = pydantic.ConfigDict(extra="forbid")
    reference: str = pydantic.Field(
        min_length=1, max_length=40, description="the report's number in the sender's system"
    )
    summary: str = pydantic.Field(min_length=3, max_length=4000)
    place: Place
    occurred_at: pydantic.AwareDatetime | None = None


class CaseStatus(pydantic.BaseModel):
    """The body of a `case-status` message: which of the member's reports."""

    model_config = pydantic.ConfigDict(extra="forbid")
    reference: str = pydantic.Field(
        min_length=1, max_length=40, description="the report's number in the sender's system"
    )


BODIES: dict[str, type[pydantic.BaseModel]] = {
    "crime-report": CrimeReport,
    "case-status": CaseStatus,
    "field-act": FieldAct,
}


class Envelope(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    id: str = pydantic.Field(
        min_length=1, max_length=64, pattern=r"^[\w.:-]+$", description="its id in the sender's"
    )
    sender: str = MemberCode
    receiver: str = pydantic.Field(min_length=1, max_length=32)
    service: Service
    sent_at: str = pydantic.Field(
        min_length=10,
        max_length=40,
        title="Sent at",
        description="ISO 8601 with its offset, as the sender's clock",
    )
    body: dict[str, Any]
    signature: str = pydantic.Field(min_length=1, max_length=200, description="Ed25519, base64")


def _envelope_stream_of(data: Any) -> str:
    return member_stream(data.sender)


def _apply_receive(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    envelope = data["envelope"]
    Message.objects.create(
        member_id=envelope["sender"],
        message_id=envelope["id"],
        seq=event.seq,
        service=envelope["service"],
        sent_at=datetime.fromisoformat(data["sent_at"].replace("Z", "+00:00")),
        received_at=event.recorded_at,
        body_sha256=data["body_sha256"],
    )
    result = {"message": envelope["id"], "content_sha256": content_sha256(envelope)}
    if "status" in data:
        result["status"] = data["status"]
    field = data.get("field")
    if field is not None:
        body = envelope["body"]
        performed = field.get("performed") or {}
        FieldEntry.objects.create(
            member_id=envelope["sender"],
            seq=body["seq"],
            hash=body["hash"],
            message_id=envelope["id"],
            officer=body["officer"],
            kind=body["kind"],
            case=field.get("case") or "",
            recorded_on_node_at=datetime.fromisoformat(data["node_time"].replace("Z", "+00:00")),
            received_at=event.recorded_at,
            event_stream=performed.get("stream", ""),
            event_seq=performed.get("seq"),
            refusal=field.get("refused") or {},
        )
        result["field"] = field
    return result


def sent_at(text: str, earliest: datetime | None = EARLIEST) -> datetime | None:
    """The sender's time, if it is an ISO 8601 moment with its offset (not before `earliest`:
    by default, in this century)."""
    if not RFC3339.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or (earliest is not None and moment < earliest):
        return None
    return moment


def _register_transferred(ctx: Context, event: Event, data: dict[str, Any]) -> list[Reaction]:
    envelope = data["envelope"]
    if envelope["service"] != "crime-report":
        return []
    body = envelope["body"]
    report = {
        "channel": "transfer",
        "summary": body["summary"],
        "place": body["place"],
        "occurred_at": body.get("occurred_at"),
        "reference": f"{envelope['sender']}/{body['reference']}",
        "unit": data["unit"],
    }
    return [Reaction("registry.report.register", report)]


@act_kind(
    "exchange.message.receive",
    schema=Envelope,
    roles=("system",),
    legal_basis="CPC 146(3), 147(1)",
    target="stream",
    stream_for=_envelope_stream_of,
    apply=_apply_receive,
    reactions=(_register_transferred,),
    title="Receive a signed message from another agency's system",
)
def receive(ctx: Context) -> dict[str, Any]:
    """Receives a message if its sender is an active member, its signature verifies with the
    member's key, it is addressed to us, for a service the member may use, not sent in the
    future, and its body is what the service takes; the whole envelope is kept."""
    message = ctx.input
    member = Member.objects.filter(pk=message.sender).first()
    if member is None or not member.active:
        raise Forbidden(
            say("%(sender)s is not an active member of the exchange.", sender=message.sender)
        )
    # Every field is kept as the JSON value sent (the time as text), so this is what was signed.
    envelope = message.model_dump(mode="json")
    if not verifies(envelope, member.public_key):
        raise Forbidden(
            say(
                "The signature does not verify with the key registered for %(sender)s.",
                sender=member.code,
            ),
            fields={"signature": gettext_noop("does not verify")},
        )
    if message.receiver != RECEIVER:
        raise Invalid(
            say(
                "The message is addressed to %(receiver)s, not to this system.",
                receiver=message.receiver,
            ),
            fields={"receiver": gettext_noop("not us")},
        )
    if message.service not in member.services:
        raise Forbidden(
            say(
                "%(sender)s may not use the service %(service)s.",
                sender=member.code,
                service=message.service,
            ),
            fields={"service": gettext_noop("not allowed")},
        )
    # A field node's entry is "sent" at its own time by the node's clock, which may be wrong:
    # it is only ever a claim (`exchange.field`), so neither its age nor a lead is refused.
    field_entry = message.service == "field-act"
    sent = sent_at(message.sent_at, earliest=None if field_entry else EARLIEST)
    if sent is None:
        raise Invalid(
            say("Give the time of sending in ISO 8601, with its offset from UTC."),
            fields={"sent_at": gettext_noop("not a time")},
        )
    if sent > ctx.now + DRIFT and not field_entry:
        raise Invalid(
            say("The message says it was sent in the future."),
            fields={"sent_at": gettext_noop("future")},
        )
    try:
        body = BODIES[message.service].model_validate(message.body)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise Invalid(
            say(
                "Check the field '%(field)s': %(problem)s.",
                field=f"body.{where}",
                problem=first["msg"],
            ),
            fields={f"body.{where}": first["msg"]},
        ) from None
    if Message.objects.filter(member=member, message_id=message.id).exists():
        raise Conflict(
            say(
                "Message %(message)s of %(sender)s has been received already.",
                message=message.id,
                sender=member.code,
            )
        )
    recorded = {
        "envelope": envelope,
        "sent_at": iso(sent),  # as the projection keeps it, read once here
        "body_sha256": sha256_hex(dumps(envelope["body"])),
        "key": member.public_key,
        "unit": member.unit_id,
    }
    if isinstance(body, CrimeReport):
        reference = f"{member.code}/{body.reference.strip()}"
        earlier = Transfer.objects.filter(member=member, reference=reference).first()
        if earlier is not None:
            raise Conflict(
                say(
                    "%(sender)s has sent the report %(reference)s already: case %(case)s.",
                    sender=member.code,
                    reference=body.reference,
                    case=earlier.case_id,
                ),
                fields={"body.reference": gettext_noop("sent already")},
            )
    if isinstance(body, CaseStatus):
        recorded["status"] = case_status(member, body.reference)
    if isinstance(body, FieldAct):
        node_time = sent_at(body.recorded_at, earliest=None)
        if node_time is None or node_time > sent:
            raise Invalid(
                say("Give the time of the entry in ISO 8601, with its offset, before its sending."),
                fields={"body.recorded_at": gettext_noop("not a time")},
            )
        last = check_order(member, body)
        recorded["node_time"] = iso(node_time)
        recorded["field"] = perform_entry(member, body, last, node_time, ctx.now)
    return recorded


def case_status(member: Member, reference: str) -> dict[str, Any]:
    """Where a report the member sent stands — what its applicant may read on the public status
    page, by codes: the case, its stage, when registered, when last moved, the unit holding it
    (the court while one tries it) — and the read logged as the member's."""
    reference = reference.strip()  # as the register keeps it
    found = (
        Transfer.objects.select_related("case__unit", "case__court")
        .filter(member=member, reference=f"{member.code}/{reference}")
        .first()
    )
    if found is None:
        raise NotFound(
            say(
                "%(sender)s has sent no report with the reference %(reference)s.",
                sender=member.code,
                reference=reference,
            ),
            fields={"body.reference": gettext_noop("unknown")},
        )
    case = found.case
    reader = SimpleNamespace(
        username=f"member:{member.code}", agency_id="", unit_id=member.unit_id, roles=["system"]
    )
    log_read(reader, "case", case.number, "caseload", "shown")
    return {
        "reference": reference,
        "case": case.number,
        "stage": case.stage,
        "registered_on": local_date(case.registered_at).isoformat(),
        "last_movement_on": local_date(case.last_movement_at).isoformat(),
        "unit": responsible_unit(case).code,
    }


def _note_transfer(event: Event, data: dict[str, Any]) -> None:
    """A report registered from a member's message (by the system, channel `transfer`, its
    reference `<member>/<their number>`): remembered for the member to ask its status by. One
    report per reference (`receive` refuses a second), so a replay finds the same one."""
    if event.kind != "registry.report.register" or data.get("channel") != "transfer":
        return
    if event.actor != SYSTEM.username:
        return  # registered by hand: a reference typed by staff names no member's report
    reference = str(data.get("reference") or "")
    code = reference.partition("/")[0]
    if code and Member.objects.filter(pk=code).exists():
        Transfer.objects.get_or_create(
            member_id=code, reference=reference, defaults={"case_id": data["number"]}
        )


projections.hook(_note_transfer)


def intake(envelope: dict[str, Any]) -> Outcome:
    """Receive an envelope as the system, its sender's id the idempotency key: a retry gets the
    first answer, the same id with another content a conflict."""
    sender, message = envelope.get("sender"), envelope.get("id")
    member = Member.objects.filter(pk=sender).first() if isinstance(sender, str) else None
    # Refused before anything is locked or looked up: an unknown sender or a signature that does
    # not verify holds up no member's stream, and learns nothing of the ids received.
    if member is None:
        raise Forbidden(
            say("%(sender)s is not an active member of the exchange.", sender=str(sender)[:32])
        )
    if not verifies(envelope, member.public_key):
        raise Forbidden(
            say(
                "The signature does not verify with the key registered for %(sender)s.",
                sender=member.code,
            ),
            fields={"signature": gettext_noop("does not verify")},
        )
    key = f"exchange/{sender}/{message}" if isinstance(message, str) else None
    return perform(SYSTEM_USER, "exchange.message.receive", envelope, idempotency_key=key)


projections.tables(Transfer, FieldEntry, Message, Member)
