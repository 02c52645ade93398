"""Acts recorded on a field node, as the central system receives them (module N).

A field node (`icjis.field`) is an office's own small install for when the power or the link
fails: its officers record acts there, each in the node's journal with the node's clock, chained
by hash and signed with the node's key; when the link returns the node sends them, in order, as
`field-act` messages of the exchange. The node is a member of the exchange (`exchange.member.
register`) whose unit is the office's.

Here each entry is performed as the act it is, by the officer who recorded it — an active
officer of the node's unit, within that officer's roles and scope, checked now, as for any act
— with the server's clock as its time of recording and the node's as its claimed time (unless
the act claims a time of its own, such as the hour of a detention). An entry the act refuses is
not lost: the message is received all the same, and its event keeps the refusal beside the
signed entry, for the office to redo or answer. Entries come in their journal's order, none
missing, each naming the hash of the one before, so a node cannot drop or rewrite one unseen; an
entry may name the case a report of an earlier entry registered (`field:<seq>`), whose number
the node did not know.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pydantic
from django.db import DatabaseError, OperationalError
from django.utils.translation import gettext_noop

from icjis.core.acts import perform
from icjis.core.canonical import dumps, sha256_hex
from icjis.core.models import User
from icjis.core.refusals import Conflict, Forbidden, Invalid, Refusal, Said, say
from icjis.exchange.models import FieldEntry, Member

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # no message or act of the registers is older
EARLIER = re.compile(r"^field:([1-9][0-9]{0,8})$")
NOT_IN_THE_FIELD = frozenset({"admin", "integration", "auditor", "analyst", "ombudsperson"})
"""Roles whose holders act at the centre only: an entry of theirs from a node is refused, so a
node's key, stolen, cannot administer the system."""
FIELD_MODULES_EXCLUDED = ("exchange.", "analytics.", "core.")
"""Acts a node does not carry: the exchange's own, the statistics', the platform's."""
log = logging.getLogger(__name__)


class FieldAct(pydantic.BaseModel):
    """The body of a `field-act` message: one entry of a node's journal."""

    model_config = pydantic.ConfigDict(extra="forbid")
    seq: int = pydantic.Field(ge=1, le=999_999_999, description="its place in the journal")
    officer: str = pydantic.Field(min_length=1, max_length=64, description="who recorded it")
    kind: str = pydantic.Field(min_length=3, max_length=100, description="the act")
    case: str | None = pydantic.Field(
        default=None,
        max_length=64,
        description="the case's number, or field:<seq> for the report an earlier entry registered",
    )
    data: dict[str, Any]
    recorded_at: str = pydantic.Field(
        min_length=10, max_length=40, description="when, by the node's clock (ISO 8601)"
    )
    prev_hash: str = pydantic.Field(pattern=r"^([0-9a-f]{64})?$", description="the entry before")
    hash: str = pydantic.Field(pattern=r"^[0-9a-f]{64}$", description="of this entry")


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash of a journal entry: SHA-256 of its canonical JSON without the hash itself."""
    return sha256_hex(dumps({k: v for k, v in entry.items() if k != "hash"}))


def said(refusal: Refusal) -> dict[str, Any]:
    """A refusal as a record keeps it: its code and sentence, with the sentence's template and
    values (`Said.as_json`) so that a page can say it again in its reader's language."""
    message = refusal.message
    kept = message.as_json() if isinstance(message, Said) else {}
    return {"error": refusal.code, "message": str(message), **kept}


def check_order(member: Member, entry: FieldAct) -> FieldEntry | None:
    """The entry is the next of the node's journal and names the hash of the one before, and
    its own hash is that of its content: else the message is refused, nothing recorded. The
    entry received before it, if any."""
    last = FieldEntry.objects.filter(member=member).order_by("-seq").first()
    expected = (last.seq if last else 0) + 1
    if entry.seq != expected:
        raise Conflict(
            say(
                "Send entry %(expected)s of the journal of %(node)s first; this is entry %(seq)s.",
                expected=expected,
                node=member.code,
                seq=entry.seq,
            )
        )
    if entry.prev_hash != (last.hash if last else ""):
        raise Conflict(
            say(
                "Entry %(seq)s of %(node)s does not follow the entry received before it.",
                seq=entry.seq,
                node=member.code,
            ),
            fields={"body.prev_hash": gettext_noop("does not match")},
        )
    if entry.hash != entry_hash(entry.model_dump()):
        raise Invalid(
            say(
                "Entry %(seq)s of %(node)s does not match its hash.",
                seq=entry.seq,
                node=member.code,
            ),
            fields={"body.hash": gettext_noop("does not match")},
        )
    return last


def _case(member: Member, case: str | None) -> str | None:
    """The case an entry names: a number as it is, or that of the report an earlier entry of the
    node registered."""
    found = EARLIER.match(case or "")
    if found is None:
        return case
    earlier = FieldEntry.objects.filter(member=member, seq=int(found.group(1))).first()
    if earlier is None or not earlier.case:
        raise Conflict(
            say(
                "Entry %(seq)s of the journal registered no case: it was refused.",
                seq=found.group(1),
            )
        )
    return earlier.case


def _claimed(node_time: datetime, last: FieldEntry | None, now: datetime) -> datetime | None:
    """The node's time of the entry as the act's claimed time: only if it is in this century,
    not ahead of the server's, nor behind the node's entry before it (a node whose clock was
    reset); otherwise the act claims none, and the signed entry in the receiving event keeps
    what the node said."""
    if node_time < EARLIEST or node_time > now:
        return None
    if last is not None and node_time < last.recorded_on_node_at:
        return None
    return node_time


def perform_entry(
    member: Member, entry: FieldAct, last: FieldEntry | None, node_time: datetime, now: datetime
) -> dict[str, Any]:
    """Perform the entry's act as its officer (within a savepoint), `last` the entry received
    before it: what it recorded, or why it was refused. A database that fails (or a refusal of
    the server's own, 5xx) fails the whole message, for the node to send again; any other fault
    of the act is kept as its refusal, so that one bad entry does not hold up the journal."""
    out: dict[str, Any] = {"seq": entry.seq, "hash": entry.hash}
    try:
        case = _case(member, entry.case)
        officer = User.objects.filter(
            username=entry.officer, unit_id=member.unit_id, is_active=True
        ).first()
        if officer is None or NOT_IN_THE_FIELD & set(officer.roles):
            raise Forbidden(
                say(
                    "%(officer)s is not an active officer of %(unit)s, the unit of the node.",
                    officer=entry.officer,
                    unit=member.unit_id,
                )
            )
        if entry.kind.startswith(FIELD_MODULES_EXCLUDED):
            raise Forbidden(
                say("The act %(kind)s is not recorded on a field node.", kind=entry.kind)
            )
        outcome = perform(
            officer,
            entry.kind,
            entry.data,
            case=case,
            claimed_at=_claimed(node_time, last, now),
        )
    except Refusal as exc:
        if exc.status >= 500:
            raise
        return {**out, "refused": said(exc)}
    except OperationalError:
        raise
    except (DatabaseError, ValueError, TypeError, KeyError, LookupError) as exc:
        log.exception("field entry %s of %s failed", entry.seq, member.code)
        return {**out, "refused": {"error": "internal", "message": type(exc).__name__}}
    event = outcome.event
    number = outcome.as_json()["result"].get("case") or case
    return {
        **out,
        "performed": {"stream": event.stream, "seq": event.seq, "hash": event.hash},
        "case": number if isinstance(number, str) else None,
    }
