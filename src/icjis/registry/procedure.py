"""Acts of the register of crimes from the decision on a report to the indictment (module A).

Article numbers are those of the Criminal Procedure Code of 28.10.2021 No. 129: refusal to open a
case (154) and its cancellation (154(4)); suspicion (43) and charge (240-245); joining and
splitting cases (141-142); sending a case by jurisdiction (157, 159, 160(2)); suspension and
resumption (246-249); termination (257-258) and reopening (260); term extensions by the competent
prosecutor (153(3), 162(4)-(5)); the indictment and the prosecutor's decisions on it (256,
261-263).

Each `decide` checks the procedure against the case as it stands under the stream lock and
returns everything its projector needs; each projector reads only its event (and the rows earlier
events built), so `icjis rebuild-projections --check` replays it exactly. A case that is closed
accepts nothing but a prosecutor's reopening.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

import pydantic
from django.db.models import QuerySet

from icjis.core import numbering
from icjis.core.access import restrict
from icjis.core.acts import Context, Reaction, act_kind, lock_head_existing
from icjis.core.canonical import iso
from icjis.core.ledger import lock_head
from icjis.core.models import Case, CaseOfficer, CaseParticipant, CaseUnit, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound
from icjis.legal.catalogues import CATEGORIES, CatalogueError, lookup
from icjis.legal.models import Deadline
from icjis.registry.acts import CRIMINAL_CODES, LOCAL, case_of
from icjis.registry.models import CaseLink, Charge

STAGE_NAMES = {
    "registered": "registered, not yet assigned",
    "pre_investigation": "under the pre-investigation check",
    "investigation": "under investigation",
    "prosecution": "with the prosecutor for the indictment",
    "trial": "at trial",
    "appeal": "on appeal",
    "execution": "in execution",
}
DEFENDANT_ROLES = ("suspect", "accused")
INVESTIGATIVE_UNIT_KINDS = frozenset({"police", "investigation"})
# CPC 162(4)-(5): the longest total investigation term each level of prosecutor may set.
EXTENSION_LIMITS = {"district": 4, "region": 6, "national": 9}
EXTENSION_REFUSALS = {
    "district": "A district prosecutor may extend the investigation to at most 4 months; "
    "ask the prosecutor of the oblast or city.",
    "region": "An oblast or city prosecutor may extend the investigation to at most 6 months; "
    "ask a Deputy Prosecutor General (CPC 162(5)).",
    "national": "A Deputy Prosecutor General may extend the investigation to at most 9 months; "
    "beyond that only the Prosecutor General may, within the limitation period (CPC 162(5)).",
}
CHECK_EXTENDED_DAYS = 20  # CPC 153(3)

Text = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)
]
PersonId = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=16)
]


# --- shared preconditions and projection helpers ------------------------------------------------


def _case(ctx: Context) -> Case:
    assert ctx.case is not None
    return ctx.case


def require_stage(case: Case, allowed: Iterable[str], what: str) -> None:
    """Refuse unless the case is at one of the `allowed` stages; for a closed case, say how it
    closed and whether a prosecutor's reopening can bring it back."""
    allowed = tuple(allowed)
    if case.stage in allowed:
        return
    if case.stage == "closed":
        decision = case.details.get("decision", "closed")
        if decision == "joined":
            raise Conflict(
                f"The case was joined into case {case.details.get('joined_into')}; "
                "record this in that case."
            )
        if decision in ("refused", "terminated"):
            raise Conflict(
                f"The case is closed ({decision}); nothing more can be recorded in it unless a "
                "prosecutor reopens it."
            )
        raise Conflict(f"The case is closed ({decision}); nothing more can be recorded in it.")
    wanted = " or ".join(STAGE_NAMES.get(s, s) for s in allowed)
    now = STAGE_NAMES.get(case.stage, case.stage)
    raise Conflict(f"{what} needs a case {wanted}; this one is {now}.")


def require_assigned(ctx: Context, what: str) -> None:
    """An investigator acts only on cases assigned to them (a prosecutor by supervision)."""
    if ctx.actor.role != "investigator":
        return
    if not CaseOfficer.objects.filter(
        case=_case(ctx), role="investigator", username=ctx.user.username
    ).exists():
        raise Forbidden(
            f"Only the investigator assigned to this case may {what}; ask the head of the unit "
            "to assign it to you."
        )


def require_running(case: Case, what: str) -> None:
    if case.details.get("suspended"):
        raise Conflict(f"The investigation is suspended; resume it before you {what}.")


def _participant(case: Case, person: str) -> set[str]:
    roles = set(
        CaseParticipant.objects.filter(case=case, person_id=person).values_list("role", flat=True)
    )
    if not roles:
        raise Invalid(
            f"{person} is not a participant of this case; add the person first "
            "(registry.participant.add).",
            fields={"person": "not in the case"},
        )
    return roles


def _active(case: Case, person: str | None = None, kind: str | None = None) -> QuerySet[Charge]:
    """The charges and suspicions in force in the case (of one person, of one kind)."""
    rows = Charge.objects.filter(case=case, ended_at__isnull=True)
    if person is not None:
        rows = rows.filter(person_id=person)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.order_by("start_seq", "person_id", "article")


def _charge_record(row: Charge) -> dict[str, Any]:
    keys = ("kind", "article", "part", "code", "category")
    return {"person": row.person_id, **{k: getattr(row, k) for k in keys}}


def qualify(case: Case, article: str, part: int | None) -> dict[str, Any]:
    """An article (and part) of the criminal code that applies to the case, from its catalogue."""
    code = case.criminal_code or CRIMINAL_CODES.get(case.legislation_set, "kg-cc-2021")
    try:
        offence = lookup(code, article, part)
    except CatalogueError as exc:
        raise Invalid(str(exc), fields={"article": "not in the code"}) from None
    if offence.repealed:
        raise Invalid(
            f"Article {offence.article} of {code} is repealed.", fields={"article": "repealed"}
        )
    if offence.part is None and len(offence.parts) > 1:
        raise Invalid(
            f"Article {offence.article} has parts {', '.join(p or '' for p in offence.parts)}; "
            "say which.",
            fields={"part": "required for this article"},
        )
    return {
        "article": offence.article,
        "part": int(offence.part) if offence.part and offence.part.isdigit() else part,
        "code": code,
        "category": offence.category or "",
        "title": offence.title,
    }


def _start_charge(event: Event, case: Case, kind: str, person: str, q: dict[str, Any]) -> None:
    Charge.objects.create(
        case=case,
        person_id=person,
        kind=kind,
        article=q["article"],
        part=q["part"],
        code=q["code"],
        category=q["category"] or "",
        since=event.recorded_at,
        start_seq=event.seq,
    )


def _move(
    event: Event, changes: dict[str, Any] | None = None, drop: Iterable[str] = (), **fields: Any
) -> Case:
    """Update the case header (stage, details …) and its last movement, from one event."""
    case = case_of(event)
    details = {k: v for k, v in case.details.items() if k not in set(drop)}
    details.update(changes or {})
    Case.objects.filter(pk=case.pk).update(
        details=details, last_movement_at=event.recorded_at, **fields
    )
    return case


class GroundsIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    grounds: Text


# --- refusal to open a case and reopening -------------------------------------------------------


class RefuseIn(GroundsIn):
    without_check: Literal["no_documented_amount", "civil_law_dispute"] | None = pydantic.Field(
        default=None, description="CPC 154(1)(1) or (2): refused within 24 hours without a check"
    )


def _apply_refuse(event: Event, data: dict[str, Any]) -> None:
    refusal = {"grounds": data["grounds"], "without_check": data["without_check"]}
    _move(
        event,
        {"decision": "refused", "refusal": {**refusal, "at": iso(event.recorded_at)}},
        stage="closed",
    )


@act_kind(
    "registry.case.refuse",
    schema=RefuseIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 153(2), 154",
    apply=_apply_refuse,
    title="Refuse to open a criminal case",
)
def refuse_case(ctx: Context) -> dict[str, Any]:
    """Records the decision not to open a criminal case on the report, with its grounds (CPC
    153(2), 154). Without a check, within 24 hours, where the report concerns a financial matter
    with no documented amount or a civil-law dispute (154(1)(1)-(2), 154(2)). The applicant may
    appeal within 10 days (154(3)); a prosecutor may cancel the refusal (154(4))."""
    require_stage(_case(ctx), ("registered", "pre_investigation"), "A refusal to open a case")
    require_assigned(ctx, "refuse to open the case")
    return {"grounds": ctx.input.grounds, "without_check": ctx.input.without_check}


def _apply_reopen(event: Event, data: dict[str, Any]) -> None:
    _move(
        event,
        {"reopened": {"at": iso(event.recorded_at), "cancels": data["cancels"]}},
        drop=("decision", "refusal", "termination"),
        stage=data["stage"],
    )


@act_kind(
    "registry.case.reopen",
    schema=GroundsIn,
    roles=("prosecutor",),
    legal_basis="CPC 154(4), 260",
    apply=_apply_reopen,
    title="Cancel a refusal or termination and reopen the case",
)
def reopen_case(ctx: Context) -> dict[str, Any]:
    """Records the prosecutor's cancellation of a refusal to open a case, which sends the report
    back for an additional check (CPC 154(4)), or of a termination, which resumes the
    investigation (CPC 260(1))."""
    case = _case(ctx)
    decision = case.details.get("decision")
    if case.stage != "closed":
        now = STAGE_NAMES.get(case.stage, case.stage)
        raise Conflict(f"The case is {now}; there is nothing to reopen.")
    if decision == "joined":
        raise Conflict(
            f"The case was joined into case {case.details.get('joined_into')} (CPC 141); "
            "it continues there."
        )
    if decision not in ("refused", "terminated"):
        raise Conflict("Only a refusal to open a case or a termination can be cancelled.")
    stage = "pre_investigation" if decision == "refused" else "investigation"
    return {"grounds": ctx.input.grounds, "cancels": decision, "stage": stage}


# --- suspicion, charge, requalification ---------------------------------------------------------


class PersonIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId = pydantic.Field(description="person id")


class ChargeIn(PersonIn):
    article: str = pydantic.Field(min_length=1, max_length=16, description="e.g. 205 or 152-1")
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


class Qualification(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    article: str = pydantic.Field(min_length=1, max_length=16)
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


class RequalifyIn(ChargeIn):
    replaces: Qualification | None = pydantic.Field(
        default=None, description="the charge replaced, when the person has several"
    )


def _apply_suspicion(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    _start_charge(event, case, "suspicion", data["person"], data)
    CaseParticipant.objects.get_or_create(
        case=case, person_id=data["person"], role="suspect", defaults={"since": event.recorded_at}
    )


@act_kind(
    "registry.suspicion.notify",
    schema=PersonIn,
    roles=("investigator",),
    legal_basis="CPC 43(1), 44",
    apply=_apply_suspicion,
    title="Notify a person of suspicion",
)
def notify_suspicion(ctx: Context) -> dict[str, Any]:
    """Records that a participant of an opened case is a suspect under the case's qualification,
    and has been told so and of the rights of a suspect (CPC 43(1), 44)."""
    case = _case(ctx)
    require_stage(case, ("investigation",), "A notice of suspicion")
    require_assigned(ctx, "notify suspicion")
    require_running(case, "notify suspicion")
    person = ctx.input.person
    _participant(case, person)
    if _active(case, person).exists():
        raise Conflict(f"{person} is already a suspect or accused in this case.")
    return {
        "person": person,
        "article": case.article,
        "part": case.article_part,
        "code": case.criminal_code,
        "category": case.category,
    }


def _apply_charge(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    person = data["person"]
    _active(case, person, "suspicion").update(ended_at=event.recorded_at)
    _start_charge(event, case, "charge", person, data)
    # CPC 43(3): charged, the person is no longer a suspect but the accused.
    CaseParticipant.objects.filter(case=case, person_id=person, role="suspect").delete()
    CaseParticipant.objects.get_or_create(
        case=case, person_id=person, role="accused", defaults={"since": event.recorded_at}
    )


@act_kind(
    "registry.charge",
    schema=ChargeIn,
    roles=("investigator",),
    legal_basis="CPC 240-243",
    apply=_apply_charge,
    title="Charge a person",
)
def charge_person(ctx: Context) -> dict[str, Any]:
    """Records the decision to charge a participant as the accused under an article (and part)
    of the criminal code that applies to the case; the date, time and qualification go into the
    register at once (CPC 240(2), 241, 243). A charge under a further article adds to it
    (241(2)); a changed qualification is a requalification."""
    case = _case(ctx)
    require_stage(case, ("investigation",), "A charge")
    require_assigned(ctx, "charge a person")
    require_running(case, "charge a person")
    person = ctx.input.person
    _participant(case, person)
    q = qualify(case, ctx.input.article, ctx.input.part)
    if _active(case, person, "charge").filter(article=q["article"], part=q["part"]).exists():
        raise Conflict(
            f"{person} is already charged under article {q['article']} in this case; "
            "to change the qualification use registry.charge.requalify."
        )
    return {"person": person, **q}


def _apply_requalify(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    old = data["replaces"]
    _active(case, data["person"], "charge").filter(article=old["article"], part=old["part"]).update(
        ended_at=event.recorded_at
    )
    _start_charge(event, case, "charge", data["person"], data)


@act_kind(
    "registry.charge.requalify",
    schema=RequalifyIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 245(1), 262(2)",
    apply=_apply_requalify,
    title="Requalify a charge",
)
def requalify_charge(ctx: Context) -> dict[str, Any]:
    """Records a new qualification of an accused's charge, which replaces the old one: by the
    investigator during the investigation with a new decision to charge (CPC 245(1)), or by the
    prosecutor reviewing the indictment, only towards a milder one (262(2))."""
    case = _case(ctx)
    prosecutor = ctx.actor.role == "prosecutor"
    require_stage(case, ("prosecution",) if prosecutor else ("investigation",), "A requalification")
    require_assigned(ctx, "requalify a charge")
    require_running(case, "requalify a charge")
    person = ctx.input.person
    charges = list(_active(case, person, "charge"))
    if not charges:
        raise Conflict(f"{person} is not charged in this case; charge the person first.")
    if ctx.input.replaces is not None:
        wanted = ctx.input.replaces
        charges = [
            c for c in charges if c.article == wanted.article and c.part in (wanted.part, None)
        ]
        if not charges:
            raise Invalid(
                f"{person} has no charge under article {wanted.article}.",
                fields={"replaces": "no such charge"},
            )
    elif len(charges) > 1:
        raise Invalid(
            f"{person} is charged under several articles; say which one is replaced.",
            fields={"replaces": "required"},
        )
    old = charges[0]
    q = qualify(case, ctx.input.article, ctx.input.part)
    if (q["article"], q["part"]) == (old.article, old.part):
        raise Conflict("The new qualification is the same as the charge it would replace.")
    graver = (
        q["category"]
        and old.category
        and (CATEGORIES.index(q["category"]) > CATEGORIES.index(old.category))
    )
    if prosecutor and graver:
        raise Conflict(
            "Reviewing the indictment, a prosecutor may requalify only towards a milder offence "
            "(CPC 262(2)); return the case for a new charge instead."
        )
    return {"person": person, **q, "replaces": {"article": old.article, "part": old.part}}


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
    require_stage(case, ("investigation",), "Joining cases")
    require_assigned(ctx, "join cases into it")
    number = numbering.normalise(ctx.input.other)
    if number is None:
        raise Invalid("That is not a case number.", fields={"other": "not a case number"})
    if number == case.number:
        raise Invalid("A case cannot be joined into itself.", fields={"other": "the same case"})
    if not restrict(ctx.user, "act").filter(number=number).exists():
        raise NotFound(f"No case {number}, or it is not visible to you.")
    lock_head_existing(f"case/{number}")  # its participants must not change while copied
    other = Case.objects.get(number=number)
    require_stage(other, ("investigation",), f"Joining case {number}")
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
    require_stage(_case(ctx), ("investigation",), "Joining")
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
    require_stage(case, ("investigation",), "Splitting a case")
    require_assigned(ctx, "split the case")
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
        raise Conflict("Your unit does not keep a register of crimes; a case cannot be split here.")
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
        raise Conflict(f"Case number {ctx.input.number} is already in use.")
    return ctx.input.model_dump()


# --- jurisdiction -------------------------------------------------------------------------------


class TransferIn(GroundsIn):
    unit: str = pydantic.Field(min_length=1, max_length=32, description="investigative unit code")


def _apply_transfer(event: Event, data: dict[str, Any]) -> None:
    case = _move(event, unit_id=data["unit"], territory_path=data["territory_path"])
    CaseUnit.objects.filter(case=case, capacity="investigating").delete()
    CaseUnit.objects.create(case=case, unit_id=data["unit"], capacity="investigating")
    CaseOfficer.objects.filter(case=case, role="investigator").delete()


@act_kind(
    "registry.case.transfer",
    schema=TransferIn,
    roles=("prosecutor",),
    legal_basis="CPC 157(1), 159, 160(2)",
    apply=_apply_transfer,
    title="Send the case to another investigative unit",
)
def transfer_case(ctx: Context) -> dict[str, Any]:
    """Records that the prosecutor sends the report or case by jurisdiction or territory to
    another investigative unit (CPC 157(1), 159, 160(2)). That unit becomes responsible, the
    assigned investigator is released and the head of the receiving unit assigns a new one;
    supervision passes to the prosecutors of the receiving unit's territory."""
    case = _case(ctx)
    require_stage(case, ("registered", "pre_investigation", "investigation"), "A transfer")
    unit = Unit.objects.select_related("territory").filter(code=ctx.input.unit).first()
    if unit is None or unit.kind not in INVESTIGATIVE_UNIT_KINDS:
        raise Invalid(
            f"{ctx.input.unit} is not an investigative unit; see /api/v1/directory/units.",
            fields={"unit": "not an investigative unit"},
        )
    holder = (
        case.units.filter(capacity="investigating").values_list("unit_id", flat=True).first()
        or case.unit_id
    )
    if unit.code == holder:
        raise Conflict(f"The case is already with {unit.code}.")
    return {
        "unit": unit.code,
        "from_unit": holder,
        "territory_path": unit.territory.path,
        "grounds": ctx.input.grounds,
    }


# --- suspension, resumption, termination --------------------------------------------------------


class SuspendIn(GroundsIn):
    basis: Literal[
        "accused_whereabouts_unknown",
        "serious_illness",
        "offender_not_identified",
        "immunity_or_extradition",
    ] = pydantic.Field(description="the ground of CPC 246(1), items 1-4")


def _apply_suspend(event: Event, data: dict[str, Any]) -> None:
    suspension = {"basis": data["basis"], "grounds": data["grounds"], "at": iso(event.recorded_at)}
    _move(event, {"suspended": True, "suspension": suspension})


@act_kind(
    "registry.case.suspend",
    schema=SuspendIn,
    roles=("investigator",),
    legal_basis="CPC 246, 247",
    apply=_apply_suspend,
    title="Suspend the investigation",
)
def suspend_investigation(ctx: Context) -> dict[str, Any]:
    """Records the suspension of the investigation on a ground of CPC 246(1); the suspended time
    does not count towards the investigation term (162(3)). On the accused's unknown whereabouts
    or an unidentified offender, only once the term has run out (246(4))."""
    case = _case(ctx)
    require_stage(case, ("investigation",), "A suspension")
    require_assigned(ctx, "suspend the investigation")
    if case.details.get("suspended"):
        raise Conflict("The investigation is already suspended.")
    basis = ctx.input.basis
    if basis == "accused_whereabouts_unknown" and not _active(case, kind="charge").exists():
        raise Conflict("No one is charged in this case, so no accused can be in hiding.")
    if basis in ("serious_illness", "immunity_or_extradition") and not (
        CaseParticipant.objects.filter(case=case, role__in=DEFENDANT_ROLES).exists()
    ):
        raise Conflict("This ground concerns a suspect or accused; the case has none.")
    if basis in ("accused_whereabouts_unknown", "offender_not_identified"):
        term = Deadline.objects.filter(
            case=case, rule__startswith="investigation.term", state="running", due_at__gt=ctx.now
        ).first()
        if term is not None:
            raise Conflict(
                "On this ground the investigation may be suspended only once its term has run "
                f"out (CPC 246(4)); it runs until {term.due_at.astimezone(LOCAL):%d.%m.%Y}."
            )
    return {"basis": basis, "grounds": ctx.input.grounds}


def _apply_resume(event: Event, data: dict[str, Any]) -> None:
    _move(event, drop=("suspended", "suspension"))


@act_kind(
    "registry.case.resume",
    schema=GroundsIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 249",
    apply=_apply_resume,
    title="Resume the investigation",
)
def resume_investigation(ctx: Context) -> dict[str, Any]:
    """Records the resumption of a suspended investigation once its grounds have gone, by the
    investigator with the prosecutor's consent or by the prosecutor (CPC 249(1)-(2)); the term
    runs again from where it stopped (162(3))."""
    case = _case(ctx)
    require_stage(case, ("investigation",), "A resumption")
    require_assigned(ctx, "resume the investigation")
    if not case.details.get("suspended"):
        raise Conflict("The investigation is not suspended.")
    return {"grounds": ctx.input.grounds}


def _apply_terminate(event: Event, data: dict[str, Any]) -> None:
    termination = {"grounds": data["grounds"], "at": iso(event.recorded_at)}
    _move(
        event,
        {"decision": "terminated", "termination": termination},
        drop=("suspended", "suspension"),
        stage="closed",
    )


@act_kind(
    "registry.case.terminate",
    schema=GroundsIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 257, 258, 262(4)",
    apply=_apply_terminate,
    title="Terminate the case",
)
def terminate_case(ctx: Context) -> dict[str, Any]:
    """Records the termination of the case on a ground of CPC 27(1): by the investigator during
    the investigation (257, 258), or by the prosecutor reviewing the indictment (262(4)). Those
    concerned may appeal within 10 days (259); a prosecutor may reopen it (260)."""
    case = _case(ctx)
    prosecutor = ctx.actor.role == "prosecutor"
    require_stage(case, ("prosecution",) if prosecutor else ("investigation",), "A termination")
    require_assigned(ctx, "terminate the case")
    return {"grounds": ctx.input.grounds}


# --- term extensions ----------------------------------------------------------------------------


class ExtendIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    months: int | None = pydantic.Field(
        default=None, ge=2, le=240, description="new total investigation term, from the opening"
    )


def _apply_extend(event: Event, data: dict[str, Any]) -> None:
    if "months" in data:
        _move(event, {"investigation_months": data["months"]})
    else:
        _move(event, {"check_extended_days": data["check_days"]})


@act_kind(
    "registry.term.extend",
    schema=ExtendIn,
    roles=("prosecutor",),
    legal_basis="CPC 153(3), 162(4)-(5)",
    apply=_apply_extend,
    title="Extend the check or the investigation term",
)
def extend_term(ctx: Context) -> dict[str, Any]:
    """Records a prosecutor's extension: of the pre-investigation check to 20 days (CPC 153(3),
    no months given), or of the investigation to a new total of months from the opening, within
    the prosecutor's competence — district or city prosecutor 4 months, oblast and Bishkek / Osh
    city prosecutor 6, Deputy Prosecutor General 9, beyond that the Prosecutor General (162(4)-
    (5)); suspended time is excluded (162(3))."""
    case = _case(ctx)
    require_stage(case, ("pre_investigation", "investigation"), "An extension")
    months = ctx.input.months
    if case.stage == "pre_investigation":
        if months is not None:
            raise Invalid(
                "During the pre-investigation check only the check is extended, to 20 days "
                "(CPC 153(3)); leave out months.",
                fields={"months": "not during the check"},
            )
        if case.details.get("check_extended_days"):
            raise Conflict(
                "The check has already been extended to 20 days, the most CPC 153(3) allows."
            )
        return {"check_days": CHECK_EXTENDED_DAYS}
    if months is None:
        raise Invalid("Give the new total term in months.", fields={"months": "required"})
    if case.details.get("returned"):
        raise Conflict(
            "The case is back for additional investigation, whose term of at most one month is "
            "set by the prosecutor's return (CPC 262(3)); it is not extended."
        )
    current = case.details.get("investigation_months") or (
        1 if case.category == "minor_gravity" else 2
    )
    if months <= current:
        raise Conflict(
            f"The investigation term is already {current} months; an extension must set a "
            "longer total."
        )
    level = ctx.user.unit.level
    if months > EXTENSION_LIMITS.get(level, 0):
        raise Conflict(EXTENSION_REFUSALS.get(level, "Your office may not extend this term."))
    return {"months": months, "previous": current}


# --- the indictment -----------------------------------------------------------------------------


class NoInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


class ApproveIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court: str = pydantic.Field(min_length=1, max_length=32, description="court unit code")


class ReturnIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    reasons: Text


def _apply_submit(event: Event, data: dict[str, Any]) -> None:
    _move(event, drop=("returned",), stage="prosecution")


@act_kind(
    "registry.indictment.submit",
    schema=NoInput,
    roles=("investigator",),
    legal_basis="CPC 250, 256",
    apply=_apply_submit,
    title="Send the case with the indictment to the prosecutor",
)
def submit_indictment(ctx: Context) -> dict[str, Any]:
    """Records that the investigation is finished with an indictment and the case goes to the
    prosecutor (CPC 250, 256(6)), who reviews it within 5 days (261). There is no indictment
    without an accused."""
    case = _case(ctx)
    require_stage(case, ("investigation",), "An indictment")
    require_assigned(ctx, "submit the indictment")
    require_running(case, "submit the indictment")
    accused = sorted(set(_active(case, kind="charge").values_list("person_id", flat=True)))
    if not accused:
        raise Conflict("No indictment without an accused: charge at least one person first.")
    return {"accused": accused}


def _apply_approve(event: Event, data: dict[str, Any]) -> None:
    case = _move(event, stage="trial", court_id=data["court"])
    CaseUnit.objects.get_or_create(case=case, unit_id=data["court"], capacity="court")


@act_kind(
    "registry.indictment.approve",
    schema=ApproveIn,
    roles=("prosecutor",),
    legal_basis="CPC 262(1), 263",
    apply=_apply_approve,
    title="Approve the indictment and send the case to court",
)
def approve_indictment(ctx: Context) -> dict[str, Any]:
    """Records the prosecutor's approval of the indictment and the sending of the case to the
    court named (CPC 262(1), 263); the case is then at trial."""
    require_stage(_case(ctx), ("prosecution",), "Approving the indictment")
    court = Unit.objects.filter(code=ctx.input.court, kind="court").first()
    if court is None:
        raise Invalid(
            f"{ctx.input.court} is not a court of first instance; see /api/v1/directory/courts.",
            fields={"court": "not a court"},
        )
    return {"court": court.code}


def _apply_return(event: Event, data: dict[str, Any]) -> None:
    _move(event, {"returned": iso(event.recorded_at)}, stage="investigation")


@act_kind(
    "registry.indictment.return",
    schema=ReturnIn,
    roles=("prosecutor",),
    legal_basis="CPC 262(3)",
    apply=_apply_return,
    title="Return the case for additional investigation",
)
def return_indictment(ctx: Context) -> dict[str, Any]:
    """Records that the prosecutor returns the case to the investigator with written directions
    for additional investigative steps, for at most one month (CPC 262(3))."""
    require_stage(_case(ctx), ("prosecution",), "Returning the indictment")
    return {"reasons": ctx.input.reasons}
