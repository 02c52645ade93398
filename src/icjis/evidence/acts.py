"""Acts of material evidence (module E): seizure, recognition, the chain of custody, disposal.

The investigator records an item seized at an inspection, a search, a seizure or presented on
request (CPC 173(1)), with the hour the protocol states, the place and the seal; the item is
then in the investigator's hands. The decision recognising it as material evidence says where it
is kept (CPC 86(2), 173(2), 87(2)). Every change of hands is two acts: the holder hands it over
(to whom, for what, under which seal) and the addressee receives it, stating the seal seen and
whether it was intact. A seal that is broken or not the one handed over is recorded as found —
the receipt is not refused, since the item is in the receiver's hands — and the item is flagged
as tampered, with an alert to the prosecutor and the head of the case's unit. Disposal under a
verdict, a termination, an investigator's decision to return it or a court's ruling (CPC 86(4),
87) ends the chain.

Every act names the item by its id ("EV-<case>-<seq>"); the item must belong to the act's case.
Only the official who holds an item (or to whom it is on its way) may act on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.access import restrict
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Case, Event, User
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.evidence.models import Custody, Item
from icjis.registry.acts import case_of
from icjis.registry.common import require_assigned

HOLDERS = (
    "investigator",
    "evidence_custodian",
    "expert",
    "prosecutor",
    "court_clerk",
    "judge",
)
"""The officials who may hold an item: the investigator, the unit's evidence room, a forensic
expert, the prosecutor and the court."""
SEIZE_STAGES = ("pre_investigation", "investigation")
RECOGNISE_STAGES = ("pre_investigation", "investigation", "trial")
PRE_TRIAL = ("pre_investigation", "investigation")
IN_FORCE = ("execution", "closed")
"""A verdict's decision on the evidence is carried out once it is in force (CPC 87(1))."""

Category = Literal[
    "instrument",
    "trace",
    "object",
    "money",
    "valuables",
    "document",
    "electronic_media",
    "drugs",
    "weapon",
    "perishable",
    "bulky",
    "other",
]
MUST_BE_SEALED = ("electronic_media", "drugs", "weapon", "money", "valuables")
"""Items handed over only under seal: electronic media (CPC 87(2)(8)(a)), drugs and dangerous
items (87(2)(4)), weapons, money and valuables (87(2)(6)-(7))."""
ItemId = pydantic.Field(min_length=4, max_length=48, pattern=r"^EV-[0-9A-Za-z-]+$")
Seal = pydantic.Field(default="", max_length=64, pattern=r"^[\w./№ -]*$", description="seal number")


def _link(event: Event, item: Item, kind: str, **fields: Any) -> None:
    Custody.objects.create(
        item=item,
        seq=event.seq,
        at=event.recorded_at,
        kind=kind,
        by=event.actor,
        unit=event.actor_unit,
        **fields,
    )


def _item(ctx: Context, item_id: str, statuses: tuple[str, ...] = ("held",)) -> Item:
    """The item of the act's case, locked; refused unless it is in one of `statuses`."""
    assert ctx.case is not None
    found = Item.objects.select_for_update().filter(pk=item_id, case=ctx.case).first()
    if found is None:
        raise Invalid(
            say("There is no item %(item)s in this case.", item=item_id),
            fields={"item": gettext_noop("not in the case")},
        )
    if found.status not in statuses:
        if found.status == "disposed":
            message = say("Item %(item)s has been disposed of.", item=item_id)
        elif found.status == "in_transit":
            message = say(
                "Item %(item)s has been handed over to %(to)s and is not yet received.",
                item=item_id,
                to=found.transit_to,
            )
        else:
            message = say("Item %(item)s is held by %(holder)s.", item=item_id, holder=found.holder)
        raise Conflict(message)
    return found


def _held_by_actor(ctx: Context, item: Item) -> None:
    if item.holder != ctx.actor.username:
        raise Forbidden(
            say(
                "Item %(item)s is held by %(holder)s, not by you.", item=item.id, holder=item.holder
            )
        )


def _stage(ctx: Context, stages: tuple[str, ...]) -> None:
    assert ctx.case is not None
    if ctx.case.stage not in stages:
        raise Conflict(say("The case is %(stage)s; this cannot be done now.", stage=ctx.case.stage))


# --- seizure ------------------------------------------------------------------------------------


class Seize(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    description: str = pydantic.Field(
        min_length=3, max_length=2000, description="what the item is, as the protocol describes it"
    )
    category: Category
    obtained: Literal["scene_inspection", "search", "seizure", "presented", "other"] = (
        pydantic.Field(description="how the item was obtained (CPC 173(1))")
    )
    place: str = pydantic.Field(min_length=1, max_length=500, description="where it was taken")
    seized_at: pydantic.AwareDatetime = pydantic.Field(
        description="hour and minute stated in the protocol, with its timezone"
    )
    seal: str = Seal
    location: str = pydantic.Field(
        min_length=1, max_length=200, description="where the item is kept now"
    )


def _apply_seize(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    item = Item.objects.create(
        id=data["item"],
        case=case,
        number=data["number"],
        seized_seq=event.seq,
        description=data["description"],
        category=data["category"],
        obtained=data["obtained"],
        place=data["place"],
        seized_at=datetime.fromisoformat(data["seized_at"].replace("Z", "+00:00")),
        recorded_at=event.recorded_at,
        seized_by=event.actor,
        seal=data["seal"],
        holder=event.actor,
        holder_unit=event.actor_unit,
        location=data["location"],
        status="held",
    )
    _link(event, item, "seized", seal=data["seal"], location=data["location"])
    return {"item": item.id, "number": item.number}


@act_kind(
    "evidence.item.seize",
    schema=Seize,
    roles=("investigator",),
    legal_basis="CPC 86(1)-(2), 173(1)",
    apply=_apply_seize,
    title="Record a seized item",
    claimed_time=True,
)
def seize(ctx: Context) -> dict[str, Any]:
    """Records an item found at an inspection, taken at a search or a seizure, or presented on
    request (CPC 173(1)): its description, kind, place and the hour the protocol states (not in
    the future), the seal put on it and where it is kept. The item is numbered within its case
    and is in the investigator's hands until handed over."""
    assert ctx.case is not None
    _stage(ctx, SEIZE_STAGES)
    require_assigned(ctx, gettext_noop("record a seized item"))
    if ctx.input.seized_at > ctx.now:
        raise Invalid(
            say("The hour of seizure cannot lie in the future."),
            fields={"seized_at": gettext_noop("future")},
        )
    assert ctx.head is not None
    ctx.claimed_at = ctx.input.seized_at
    return {
        "item": f"EV-{ctx.case.number}-{ctx.head.seq + 1}",
        "number": Item.objects.filter(case=ctx.case).count() + 1,
        "description": ctx.input.description,
        "category": ctx.input.category,
        "obtained": ctx.input.obtained,
        "place": ctx.input.place,
        "seized_at": iso(ctx.input.seized_at),
        "seal": ctx.input.seal.strip(),
        "location": ctx.input.location,
    }


# --- recognition as material evidence ----------------------------------------------------------


class Recognise(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    item: str = ItemId
    keeping: Literal["with_case", "storage", "owner"] = pydantic.Field(
        description="kept with the case, handed to storage, or left with its owner for "
        "safekeeping (CPC 86(2), 87(2), 173(2))"
    )


def _apply_recognise(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    item = Item.objects.get(pk=data["item"])
    Item.objects.filter(pk=item.pk).update(recognised_at=event.recorded_at, keeping=data["keeping"])
    _link(event, item, "recognised", note=data["keeping"])
    return {"item": item.id, "keeping": data["keeping"]}


@act_kind(
    "evidence.item.recognise",
    schema=Recognise,
    roles=("investigator", "judge"),
    legal_basis="CPC 86(2), 87(2), 173(2)",
    apply=_apply_recognise,
    title="Recognise an item as material evidence",
)
def recognise(ctx: Context) -> dict[str, Any]:
    """The decision recognising an item as material evidence and attaching it to the case, which
    also decides where it is kept (CPC 173(2)): with the case, in storage, or with its owner. The
    investigator decides before trial, the court at trial (CPC 86(2)); once only."""
    _stage(ctx, PRE_TRIAL if ctx.actor.role == "investigator" else ("trial",))
    require_assigned(ctx, gettext_noop("recognise an item as evidence"))
    item = _item(ctx, ctx.input.item, ("held", "in_transit"))
    if item.recognised_at is not None:
        raise Conflict(say("Item %(item)s is already recognised as evidence.", item=item.id))
    return {"item": item.id, "keeping": ctx.input.keeping}


# --- the chain of custody ----------------------------------------------------------------------


class HandOver(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    item: str = ItemId
    to: str = pydantic.Field(
        min_length=1, max_length=64, description="the official who receives the item (username)"
    )
    purpose: Literal["storage", "examination", "investigation", "prosecution", "court"] = (
        pydantic.Field(description="what the item is handed over for")
    )
    seal: str = Seal
    note: str = pydantic.Field(default="", max_length=1000)


def _apply_hand_over(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    item = Item.objects.get(pk=data["item"])
    Item.objects.filter(pk=item.pk).update(
        status="in_transit",
        transit_to=data["to"],
        transit_purpose=data["purpose"],
        transit_seal=data["seal"],
        seal=data["seal"],
    )
    _link(
        event,
        item,
        "handed_over",
        to=data["to"],
        purpose=data["purpose"],
        seal=data["seal"],
        note=data["note"],
    )
    return {"item": item.id, "to": data["to"]}


@act_kind(
    "evidence.item.hand_over",
    schema=HandOver,
    roles=HOLDERS,
    legal_basis="CPC 86(3), 87(1), (7)",
    apply=_apply_hand_over,
    title="Hand over an item",
)
def hand_over(ctx: Context) -> dict[str, Any]:
    """The holder hands an item over: to whom, for what (storage, examination, the investigation,
    the prosecutor, the court) and under which seal. Electronic media, drugs, weapons, money and
    valuables are handed over only under seal (CPC 87(2)). The addressee must be an official who
    may hold items and act on the case; until they receive it, the item is on its way and
    nobody can act on it."""
    assert ctx.case is not None
    item = _item(ctx, ctx.input.item)
    _held_by_actor(ctx, item)
    seal = ctx.input.seal.strip()
    if not seal and item.category in MUST_BE_SEALED:
        raise Invalid(
            say("Item %(item)s may be handed over only under seal.", item=item.id),
            fields={"seal": gettext_noop("required")},
        )
    to = ctx.input.to
    if to == ctx.actor.username:
        raise Invalid(
            say("An item cannot be handed over to its own holder."),
            fields={"to": gettext_noop("the holder")},
        )
    addressee = User.objects.filter(username=to, is_active=True).first()
    if addressee is None or not set(addressee.roles) & set(HOLDERS):
        raise Invalid(
            say("%(to)s is not an official who may hold evidence.", to=to),
            fields={"to": gettext_noop("unknown")},
        )
    if not restrict(addressee, "act").filter(pk=ctx.case.pk).exists():
        raise Conflict(say("%(to)s cannot act on this case.", to=to))
    return {
        "item": item.id,
        "to": to,
        "to_unit": addressee.unit_id,
        "purpose": ctx.input.purpose,
        "seal": seal,
        "previous_seal": item.seal,
        "note": ctx.input.note,
    }


class Receive(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    item: str = ItemId
    seal: str = Seal
    intact: bool = pydantic.Field(description="whether the seal and packing were intact")
    location: str = pydantic.Field(
        min_length=1, max_length=200, description="where the item is kept now"
    )
    note: str = pydantic.Field(default="", max_length=1000)


def _apply_receive(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    item = Item.objects.get(pk=data["item"])
    changes: dict[str, Any] = {
        "status": "held",
        "holder": event.actor,
        "holder_unit": event.actor_unit,
        "location": data["location"],
        "seal": data["seal"],
        "transit_to": "",
        "transit_purpose": "",
        "transit_seal": "",
    }
    if data["tampered"]:
        changes["tampered"] = True
    Item.objects.filter(pk=item.pk).update(**changes)
    _link(
        event,
        item,
        "received",
        seal=data["seal"],
        seal_intact=not data["tampered"],
        location=data["location"],
        note=data["note"],
    )
    if data["tampered"]:
        case = case_of(event)
        raise_alert(
            event,
            1,
            kind="evidence.seal",
            unit=case.unit_id,
            roles=["prosecutor", "unit_head"],
            case=case,
            subject=item.id,
            message=say(
                "Item %(item)s of case %(case)s was received by %(by)s with a seal that was "
                "broken or not the one it was handed over under.",
                item=item.id,
                case=case.number,
                by=event.actor,
            ),
        )
    return {"item": item.id, "holder": event.actor, "tampered": data["tampered"]}


@act_kind(
    "evidence.item.receive",
    schema=Receive,
    roles=HOLDERS,
    legal_basis="CPC 87(1), (4)",
    apply=_apply_receive,
    title="Receive an item",
)
def receive(ctx: Context) -> dict[str, Any]:
    """The addressee receives an item handed over to them, stating the seal they see, whether it
    and the packing were intact, and where they keep it. A broken seal, or one that is not the
    seal it was handed over under, is recorded as found: the item is flagged as tampered and the
    prosecutor and the head of the case's unit are alerted."""
    item = _item(ctx, ctx.input.item, ("in_transit",))
    if item.transit_to != ctx.actor.username:
        raise Forbidden(
            say(
                "Item %(item)s is on its way to %(to)s, not to you.",
                item=item.id,
                to=item.transit_to,
            )
        )
    seal = ctx.input.seal.strip()
    return {
        "item": item.id,
        "from": item.holder,
        "seal": seal,
        "expected_seal": item.transit_seal,
        "intact": ctx.input.intact,
        "tampered": not ctx.input.intact or seal != item.transit_seal,
        "location": ctx.input.location,
        "note": ctx.input.note,
    }


# --- disposal -----------------------------------------------------------------------------------


def _settled(case: Case, basis: str) -> bool:
    """Whether the decision a disposal names has settled the evidence: a verdict in force for
    every defendant (CPC 426(3)), or the case closed by a termination (CPC 87(1))."""
    if basis == "verdict":
        from icjis.courts.models import Verdict

        in_force = Verdict.objects.filter(court_case__case=case, state="in_force")
        return case.stage in IN_FORCE and in_force.exists()
    terminated = Event.objects.filter(stream=f"case/{case.number}", kind="registry.case.terminate")
    return case.stage == "closed" and terminated.exists()


class Dispose(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    item: str = ItemId
    outcome: Literal[
        "returned_to_owner", "destroyed", "confiscated", "to_state", "transferred", "sold"
    ]
    basis: Literal["verdict", "termination", "investigator_decision", "court_ruling"] = (
        pydantic.Field(description="the decision the disposal carries out")
    )
    reference: str = pydantic.Field(
        min_length=1, max_length=200, description="the decision's number and date"
    )
    note: str = pydantic.Field(default="", max_length=1000)


def _apply_dispose(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    item = Item.objects.get(pk=data["item"])
    Item.objects.filter(pk=item.pk).update(
        status="disposed",
        disposed_at=event.recorded_at,
        disposal=data["outcome"],
        disposal_basis=data["basis"],
        disposal_reference=data["reference"],
    )
    _link(event, item, "disposed", purpose=data["outcome"], note=data["reference"])
    return {"item": item.id, "outcome": data["outcome"]}


@act_kind(
    "evidence.item.dispose",
    schema=Dispose,
    roles=("investigator", "evidence_custodian", "court_clerk"),
    legal_basis="CPC 86(4), 87",
    apply=_apply_dispose,
    title="Dispose of an item",
)
def dispose(ctx: Context) -> dict[str, Any]:
    """The holder disposes of an item under the decision that settles it (CPC 86(4), 87): a
    verdict in force or a termination (the case executed or closed, CPC 87(1)); an investigator's
    decision before trial, which may only return the item to its owner when that does not harm
    the proof (87(2), (5)); or a ruling of the court (87(6)), naming the decision. Ends the
    chain: nobody may act on the item afterwards."""
    assert ctx.case is not None
    item = _item(ctx, ctx.input.item)
    _held_by_actor(ctx, item)
    basis, outcome = ctx.input.basis, ctx.input.outcome
    if basis in ("verdict", "termination") and not _settled(ctx.case, basis):
        raise Conflict(
            say(
                "The case is %(stage)s; a decision on the evidence is carried out once it is "
                "in force.",
                stage=ctx.case.stage,
            )
        )
    if basis == "investigator_decision":
        _stage(ctx, PRE_TRIAL)
        if outcome != "returned_to_owner":
            raise Invalid(
                say("An investigator's decision may only return an item to its owner."),
                fields={"outcome": gettext_noop("needs a court's ruling")},
            )
    return {
        "item": item.id,
        "outcome": outcome,
        "basis": basis,
        "reference": ctx.input.reference,
        "note": ctx.input.note,
    }
