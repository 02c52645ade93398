"""Joining and splitting cases (CPC 141-142)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import numbering
from icjis.core.access import case_for_act
from icjis.core.acts import Context, Reaction, act_kind, lock_head_existing
from icjis.core.ledger import lock_head
from icjis.core.models import Case, CaseOfficer, CaseParticipant, CaseUnit, Event, Unit
from icjis.core.refusals import Conflict, Invalid, say
from icjis.registry.acts import LOCAL
from icjis.registry.common import (
    DEFENDANT_ROLES,
    STAGE_NAMES,
    GroundsIn,
    PersonId,
    Text,
    _active,
    _case,
    _charge_record,
    _move,
    _participant,
    _start_charge,
    refuse_closed,
    require_assigned,
    require_stage,
)
from icjis.registry.models import CaseLink

# --- joining and splitting cases ----------------------------------------------------------------


class JoinIn(GroundsIn):
    other: str = pydantic.Field(min_length=1, max_length=20, description="the case absorbed")


class SplitIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    persons: list[PersonId] = pydantic.Field(
        default_factory=list, max_length=50, description="suspects or accused split off"
    )
    summary: Text


class JoinedIntoIn(GroundsIn):
    into: str = pydantic.Field(min_length=1, max_length=20)


class SplitFromIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    from_case: str
    number: str
    year: int
    seq: int
    unit: str
    investigator: str
    summary: str
    header: dict[str, Any]
    persons: list[dict[str, Any]]


def _copy_people(
    event: Event, case: Case, participants: list[dict[str, Any]], charges: list[dict[str, Any]]
) -> None:
    for p in participants:
        CaseParticipant.objects.get_or_create(
            case=case, person_id=p["person"], role=p["role"], defaults={"since": event.recorded_at}
        )
    for c in charges:
        same = {k: c[k] for k in ("kind", "article", "part")}
        if not _active(case, c["person"]).filter(**same).exists():
            _start_charge(event, case, c["kind"], c["person"], c)


def _apply_join(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    CaseLink.objects.create(
        case=case, other_id=data["other"], kind="absorbed", at=event.recorded_at
    )
    _copy_people(event, case, data["participants"], data["charges"])


def _join_reaction(ctx: Context, event: Event, data: dict[str, Any]) -> Iterable[Reaction]:
    into = {"into": _case(ctx).number, "grounds": data["grounds"]}
    return [Reaction("registry.case.joined_into", into, case=data["other"])]


@act_kind(
    "registry.case.join",
    schema=JoinIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 141",
    apply=_apply_join,
    reactions=(_join_reaction,),
    title="Join another case into this one",
)
def join_case(ctx: Context) -> dict[str, Any]:
    """Records that another opened case is joined into this one (co-offenders, or several
    offences of one accused): its participants and charges come over, and it closes as joined
    (CPC 141). The other case must be one the actor may act on."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("Joining cases"))
    require_assigned(ctx, gettext_noop("join cases into it"))
    number = numbering.normalise(ctx.input.other)
    if number is None:
        raise Invalid(
            say("That is not a case number."), fields={"other": gettext_noop("not a case number")}
        )
    if number == case.number:
        raise Invalid(
            say("A case cannot be joined into itself."),
            fields={"other": gettext_noop("the same case")},
        )
    lock_head_existing(f"case/{number}")  # its participants must not change while copied
    other = case_for_act(ctx.user, number)
    if other.stage != "investigation":
        # As require_stage says it, with the other case's number in the sentence.
        refuse_closed(other)
        raise Conflict(
            say(
                "Joining case %(number)s needs a case under investigation; this one is %(now)s.",
                number=number,
                now=STAGE_NAMES.get(other.stage, other.stage),
            )
        )
    participants = CaseParticipant.objects.filter(case=other).order_by("person_id", "role")
    return {
        "other": number,
        "grounds": ctx.input.grounds,
        "participants": [{"person": p.person_id, "role": p.role} for p in participants],
        "charges": [_charge_record(c) for c in _active(other)],
    }


def _apply_joined_into(event: Event, data: dict[str, Any]) -> None:
    case = _move(
        event,
        {"decision": "joined", "joined_into": data["into"]},
        drop=("suspended", "suspension"),
        stage="closed",
    )
    _active(case).update(ended_at=event.recorded_at)
    CaseLink.objects.create(
        case=case, other_id=data["into"], kind="joined_into", at=event.recorded_at
    )


@act_kind(
    "registry.case.joined_into",
    schema=JoinedIntoIn,
    roles=("system",),
    legal_basis="CPC 141",
    apply=_apply_joined_into,
    title="Case closed by joining",
)
def joined_into(ctx: Context) -> dict[str, Any]:
    """Records, in the absorbed case, that it was joined into another and is closed; its charges
    continue there (CPC 141). Performed by the system as the reaction to registry.case.join."""
    require_stage(_case(ctx), ("investigation",), gettext_noop("Joining"))
    return {"into": ctx.input.into, "grounds": ctx.input.grounds}


def _apply_split(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _move(event)
    for p in data["persons"]:
        CaseParticipant.objects.filter(
            case=case, person_id=p["id"], role__in=DEFENDANT_ROLES
        ).delete()
        _active(case, p["id"]).update(ended_at=event.recorded_at)
    return {"new_case": data["new_case"]}


def _split_reaction(ctx: Context, event: Event, data: dict[str, Any]) -> Iterable[Reaction]:
    case = _case(ctx)
    header = {
        "legislation_set": case.legislation_set,
        "rule_pack": case.rule_pack,
        "article": case.article,
        "part": case.article_part,
        "code": case.criminal_code,
        "category": case.category,
        "territory_path": case.territory_path,
    }
    record = {k: data[k] for k in ("year", "seq", "unit", "summary", "persons")}
    return [
        Reaction(
            "registry.case.split_from",
            {
                "from_case": case.number,
                "number": data["new_case"],
                "investigator": ctx.user.username,
                "header": header,
                **record,
            },
        )
    ]


@act_kind(
    "registry.case.split",
    schema=SplitIn,
    roles=("investigator",),
    legal_basis="CPC 142",
    apply=_apply_split,
    reactions=(_split_reaction,),
    title="Split off a new case",
)
def split_case(ctx: Context) -> dict[str, Any]:
    """Records that materials are split off into a new case under the investigator's unit's
    register number (CPC 142; 142(6): entered in the register at once): the persons named (an
    accused in hiding, a child, unidentified co-offenders when none are named) leave this case as
    suspects or accused and continue in the new one."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("Splitting a case"))
    require_assigned(ctx, gettext_noop("split the case"))
    persons = []
    for pid in dict.fromkeys(ctx.input.persons):
        roles = _participant(case, pid)
        persons.append(
            {
                "id": pid,
                "roles": sorted(roles),
                "charges": [_charge_record(c) for c in _active(case, pid)],
            }
        )
    unit = Unit.objects.get(code=ctx.user.unit_id)
    if not unit.register_code:
        raise Conflict(
            say("Your unit does not keep a register of crimes; a case cannot be split here.")
        )
    year = ctx.now.astimezone(LOCAL).year
    number, seq = numbering.take_number(unit, year)
    return {
        "new_case": number,
        "year": year,
        "seq": seq,
        "unit": unit.code,
        "summary": ctx.input.summary,
        "persons": persons,
    }


def _apply_split_from(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    h = data["header"]
    case = Case.objects.create(
        number=data["number"],
        stage="investigation",
        legislation_set=h["legislation_set"],
        rule_pack=h["rule_pack"],
        unit_id=data["unit"],
        territory_path=h["territory_path"],
        registered_at=event.recorded_at,
        last_movement_at=event.recorded_at,
        summary=data["summary"],
        article=h["article"],
        article_part=h["part"],
        criminal_code=h["code"],
        category=h["category"],
        details={"channel": "split", "split_from": data["from_case"]},
    )
    CaseUnit.objects.create(case=case, unit_id=data["unit"], capacity="registering")
    CaseOfficer.objects.create(
        case=case, username=data["investigator"], role="investigator", since=event.recorded_at
    )
    numbering.note_number(data["unit"], data["year"], data["seq"])
    participants = [{"person": p["id"], "role": r} for p in data["persons"] for r in p["roles"]]
    charges = [c for p in data["persons"] for c in p["charges"]]
    _copy_people(event, case, participants, charges)
    at = event.recorded_at
    CaseLink.objects.create(case=case, other_id=data["from_case"], kind="split_from", at=at)
    CaseLink.objects.create(case_id=data["from_case"], other=case, kind="split_into", at=at)
    return {"case": case.number}


@act_kind(
    "registry.case.split_from",
    schema=SplitFromIn,
    roles=("system",),
    legal_basis="CPC 142",
    target="new",
    apply=_apply_split_from,
    title="Case split off from another",
)
def split_from(ctx: Context) -> dict[str, Any]:
    """Opens, under its own register number, the case split off from another: same
    qualification, same investigator, the persons and charges that moved (CPC 142). Performed by
    the system as the reaction to registry.case.split."""
    ctx.stream = f"case/{ctx.input.number}"
    ctx.head = lock_head(ctx.stream)
    if ctx.head.seq != 0:
        raise Conflict(say("Case number %(number)s is already in use.", number=ctx.input.number))
    return ctx.input.model_dump()
