"""Acts of temporary detention (module B): from the hour of detention to release.

The investigator records the detention with the hour and minute it actually happened (CPC 97(2));
the system stamps when it was recorded, refuses an hour in the future and flags a gap of more
than 3 hours to the head of unit and the prosecutor (SPEC principle 2). The arrest starts the
custody clock of the rule pack (`detention.*` rules, from `detained_at`, subject = the person);
release and a custody order from the investigating judge stop it. The facility (IVS) admits the
detainee, its medic examines them on admission and on every return (CPC 44(6)), and it records
effects, cell placement, departures and returns, complaints (CPC 97(7)) and the release (CPC 100).

Every act names the detainee by `person` (a participant id of the case); the open detention of
that person in the case is the one acted on. IVS staff act only on detainees of their facility.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import pydantic
from django.db.models import Q
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Case, CaseParticipant, CaseUnit, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.detention.models import (
    HELD,
    IN_FACILITY,
    Cell,
    Complaint,
    Detention,
    EffectsItem,
    MedicalExam,
    Movement,
)
from icjis.legal.models import Deadline

LATE_RECORD = timedelta(hours=3)
"""A detention recorded more than 3 hours after the hour of detention is flagged (SPEC 2)."""
ARREST_STAGES = ("pre_investigation", "investigation")
IVS_ROLES = frozenset({"ivs_officer", "ivs_medic"})
PersonId = Annotated[
    str, pydantic.Field(min_length=1, max_length=16, description="person id in the case")
]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _case(event: Event) -> Case:
    return Case.objects.select_related("unit").get(number=event.stream.removeprefix("case/"))


def _open_detention(event: Event, data: dict[str, Any]) -> Detention:
    """The projector's view: the open detention the event's `person` names in its case."""
    return Detention.objects.exclude(status="released").get(
        case_id=event.stream.removeprefix("case/"), person_id=data["person"]
    )


def _movement(event: Event, detention: Detention, kind: str, **extra: Any) -> None:
    Movement.objects.create(
        detention=detention, seq=event.seq, at=event.recorded_at, kind=kind, by=event.actor, **extra
    )


def _detainee(ctx: Context, person: str, statuses: tuple[str, ...] = HELD) -> Detention:
    """The open detention of `person` in the act's case, if it is in one of `statuses`; IVS
    staff may act only on detainees of their own facility."""
    assert ctx.case is not None
    found = (
        Detention.objects.filter(case=ctx.case, person_id=person, status__in=HELD)
        .select_related("facility")
        .first()
    )
    if found is None:
        raise Conflict(say("%(person)s is not held in this case.", person=person))
    if ctx.actor.role in IVS_ROLES and found.facility_id != ctx.user.unit_id:
        raise Forbidden(say("%(person)s is not held in your facility.", person=person))
    if found.status not in statuses:
        # An open detention is arrested, admitted or away (HELD).
        if found.status == "arrested":
            message = say("%(person)s is arrested; this cannot be done now.", person=person)
        elif found.status == "admitted":
            message = say("%(person)s is admitted; this cannot be done now.", person=person)
        else:
            message = say("%(person)s is away; this cannot be done now.", person=person)
        raise Conflict(message)
    return found


def _own_cell(facility: str, cell: str) -> Cell:
    """A cell of `facility`, given by its number ("7") or code ("GB-IVS-07"), locked so that
    two placements cannot both take its last place."""
    found = (
        Cell.objects.select_for_update()
        .filter(Q(number=cell) | Q(code=cell), facility_id=facility)
        .first()
    )
    if found is None:
        raise Invalid(
            say("%(facility)s has no cell %(cell)s.", facility=facility, cell=cell),
            fields={"cell": gettext_noop("unknown cell")},
        )
    return found


def _check_cell_room(cell: Cell) -> None:
    taken = Detention.objects.filter(cell=cell, status__in=IN_FACILITY).count()
    if taken >= cell.capacity:
        raise Conflict(
            say(
                "Cell %(cell)s is full (%(taken)s of %(capacity)s places taken).",
                cell=cell.number,
                taken=taken,
                capacity=cell.capacity,
            )
        )


# --- arrest -------------------------------------------------------------------------------------


class Arrest(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    detained_at: pydantic.AwareDatetime = pydantic.Field(
        description="hour and minute of actual detention, with its timezone (CPC 97(2))"
    )
    place: str = pydantic.Field(min_length=1, max_length=500, description="place of detention")
    grounds: str = pydantic.Field(
        min_length=3, max_length=4000, description="grounds and motives (CPC 96(2)-(4))"
    )
    facility: str | None = pydantic.Field(
        default=None,
        max_length=32,
        description="the detention facility the detainee is taken to; by default the facility "
        "of the case's region",
    )


def _destination(case: Case, given: str | None) -> str | None:
    """The facility named, or the detention facility whose territory holds the case."""
    if given is not None:
        if not Unit.objects.filter(code=given, kind="ivs").exists():
            raise Invalid(
                say("%(facility)s is not a detention facility.", facility=given),
                fields={"facility": gettext_noop("unknown")},
            )
        return given
    covering = [
        u
        for u in Unit.objects.filter(kind="ivs").select_related("territory")
        if case.territory_path.startswith(u.territory.path)
    ]
    covering.sort(key=lambda u: (-len(u.territory.path), u.code))
    return covering[0].code if covering else None


def _apply_arrest(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case(event)
    detained_at = _moment(data["detained_at"])
    detention = Detention.objects.create(
        id=f"D-{case.number}-{event.seq}",
        case=case,
        person_id=data["person"],
        start_seq=event.seq,
        detained_at=detained_at,
        recorded_at=event.recorded_at,
        late_record=data["late_record"],
        place=data["place"],
        grounds=data["grounds"],
        arrested_by=event.actor,
        facility_id=data["facility"],
        status="arrested",
    )
    _movement(event, detention, "arrest")
    if data["becomes_suspect"]:
        CaseParticipant.objects.get_or_create(
            case=case, person_id=data["person"], role="suspect", defaults={"since": detained_at}
        )
    if data["facility"]:
        CaseUnit.objects.get_or_create(case=case, unit_id=data["facility"], capacity="detention")
    Case.objects.filter(pk=case.pk).update(last_movement_at=event.recorded_at)
    if data["late_record"]:
        gap = event.recorded_at - detained_at
        hours, minutes = divmod(int(gap.total_seconds()) // 60, 60)
        raise_alert(
            event,
            1,
            kind="detention.late_record",
            unit=case.unit,
            roles=["prosecutor", "unit_head"],
            case=case,
            subject=data["person"],
            message=say(
                "The detention of %(person)s in case %(case)s was recorded %(hours)s h "
                "%(minutes)s min after the hour of detention (more than 3 h).",
                person=data["person"],
                case=case.number,
                hours=hours,
                minutes=f"{minutes:02d}",
            ),
        )
    return {"detention": detention.id, "person": data["person"], "facility": data["facility"]}


@act_kind(
    "detention.arrest",
    schema=Arrest,
    roles=("investigator",),
    legal_basis="CPC 96, 97(1)-(5); Constitution 59(4)-(5)",
    apply=_apply_arrest,
    title="Detain a suspect",
    claimed_time=True,
)
def arrest(ctx: Context) -> dict[str, Any]:
    """Records the detention of a suspect (CPC 96) with the hour and minute of actual detention,
    the place and the grounds (CPC 97(2)). The hour may not lie in the future; the system keeps
    its own recording time beside it and flags a gap of more than 3 hours to the head of unit and
    the prosecutor. A participant who is not yet a suspect becomes one. Starts the custody clock:
    court before 45 h (a child: 21 h), release at 48 h (24 h) without a custody order, the copy of
    the record to the prosecutor within 12 h (CPC 97(4)-(5), 100(2); Constitution 59(4))."""
    case = ctx.case
    assert case is not None
    data = ctx.input
    if case.stage not in ARREST_STAGES:
        raise Conflict(
            say("The case is %(stage)s; a suspect cannot be detained in it now.", stage=case.stage)
        )
    roles = set(
        CaseParticipant.objects.filter(case=case, person_id=data.person).values_list(
            "role", flat=True
        )
    )
    if not roles:
        raise Invalid(
            say(
                "%(person)s is not a participant of this case; add them first.", person=data.person
            ),
            fields={"person": gettext_noop("not in the case")},
        )
    if data.detained_at > ctx.now:
        raise Invalid(
            say("The hour of detention cannot lie in the future."),
            fields={"detained_at": gettext_noop("future")},
        )
    if Detention.objects.filter(case=case, person_id=data.person, status__in=HELD).exists():
        raise Conflict(say("%(person)s is already held in this case.", person=data.person))
    ctx.claimed_at = data.detained_at
    return {
        "person": data.person,
        "detained_at": iso(data.detained_at),
        "place": data.place,
        "grounds": data.grounds,
        "facility": _destination(case, data.facility),
        "late_record": ctx.now - data.detained_at > LATE_RECORD,
        "becomes_suspect": not roles & {"suspect", "accused"},
    }


# --- admission, medical examination, effects ---------------------------------------------------


class Admit(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    facility: str = pydantic.Field(min_length=1, max_length=32, description="facility unit code")
    cell: str | None = pydantic.Field(default=None, max_length=48, description="cell number")


def _apply_admit(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    detention.status = "admitted"
    detention.facility_id = data["facility"]
    detention.cell_id = data["cell"]
    detention.admitted_at = event.recorded_at
    detention.exam_due = True
    detention.save()
    _movement(event, detention, "admit", cell_id=data["cell"])
    CaseUnit.objects.get_or_create(
        case_id=detention.case_id, unit_id=data["facility"], capacity="detention"
    )
    return {"detention": detention.id, "facility": data["facility"], "cell": data["cell"]}


@act_kind(
    "detention.admit",
    schema=Admit,
    roles=("ivs_officer",),
    legal_basis="CPC 101(1); CPC 44(6)",
    apply=_apply_admit,
    title="Admit a detainee to the facility",
)
def admit(ctx: Context) -> dict[str, Any]:
    """Admits a detained suspect to a temporary detention facility, where detainees are held
    (CPC 101(1)), optionally into a cell; refused when the facility or the cell is full. The
    medical examination is then due (CPC 44(6)). The facility's staff see the case from here on."""
    data = ctx.input
    if data.facility != ctx.user.unit_id:
        raise Forbidden(say("You can admit detainees only to your own facility."))
    facility = Unit.objects.select_for_update().filter(code=data.facility, kind="ivs").first()
    if facility is None:
        raise Invalid(
            say("%(facility)s is not a detention facility.", facility=data.facility),
            fields={"facility": gettext_noop("unknown")},
        )
    detention = Detention.objects.filter(
        case=ctx.case, person_id=data.person, status__in=HELD
    ).first()
    if detention is None:
        raise Conflict(say("%(person)s is not held in this case.", person=data.person))
    if detention.status == "admitted":
        raise Conflict(
            say(
                "%(person)s is already admitted at %(facility)s.",
                person=data.person,
                facility=detention.facility_id,
            )
        )
    if detention.status != "arrested":  # away under escort
        raise Conflict(
            say(
                "%(person)s is already away at %(facility)s.",
                person=data.person,
                facility=detention.facility_id,
            )
        )
    taken = Detention.objects.filter(facility=facility, status__in=IN_FACILITY).count()
    if facility.capacity is not None and taken >= facility.capacity:
        raise Conflict(
            say(
                "%(facility)s is full (%(taken)s of %(capacity)s places taken); take the "
                "detainee to another facility.",
                facility=facility.code,
                taken=taken,
                capacity=facility.capacity,
            )
        )
    cell = None
    if data.cell:
        cell = _own_cell(facility.code, data.cell)
        _check_cell_room(cell)
    return {"person": data.person, "facility": facility.code, "cell": cell.code if cell else None}


class Exam(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    injuries: bool = pydantic.Field(description="injuries found")
    notes: str = pydantic.Field(default="", max_length=4000)


# The occasions of a medical examination as the prosecutor's alert says them.
OCCASIONS = {
    "admission": say("admission"),
    "return": say("return"),
    "other": say("other"),
}


def _apply_exam(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    MedicalExam.objects.create(
        detention=detention,
        seq=event.seq,
        examined_at=event.recorded_at,
        examined_by=event.actor,
        occasion=data["occasion"],
        injuries=data["injuries"],
        notes=data["notes"],
    )
    Detention.objects.filter(pk=detention.pk).update(exam_due=False)
    if data["injuries"]:
        raise_alert(
            event,
            1,
            kind="detention.injuries",
            unit=detention.facility_id or detention.case.unit_id,
            roles=["prosecutor"],
            case=detention.case,
            subject=data["person"],
            message=say(
                "Injuries found on the medical examination (%(occasion)s) of %(person)s at "
                "%(facility)s, case %(case)s: review the examination record (CPC 44(6)).",
                occasion=OCCASIONS.get(data["occasion"], data["occasion"]),
                person=data["person"],
                facility=detention.facility_id,
                case=detention.case_id,
            ),
        )
    return {"detention": detention.id, "injuries": data["injuries"]}


@act_kind(
    "detention.medical_exam",
    schema=Exam,
    roles=("ivs_medic",),
    legal_basis="CPC 44(1)(17), 44(6), 97(6); Constitution 59(5)",
    apply=_apply_exam,
    title="Record a medical examination",
)
def medical_exam(ctx: Context) -> dict[str, Any]:
    """Records the medical examination of a detainee by the facility's medic, compulsory on every
    delivery to the facility (CPC 44(6)); injuries found are reported to the prosecutor as an
    item to review."""
    data = ctx.input
    detention = _detainee(ctx, data.person, ("admitted",))
    if not detention.exams.exists():
        occasion = "admission"
    else:
        occasion = "return" if detention.exam_due else "other"
    return {
        "person": data.person,
        "injuries": data.injuries,
        "notes": data.notes,
        "occasion": occasion,
    }


class Item(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    description: str = pydantic.Field(min_length=1, max_length=300)
    quantity: int = pydantic.Field(default=1, ge=1, le=100_000)


class Effects(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    items: list[Item] = pydantic.Field(min_length=1, max_length=100)


def _apply_effects(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    EffectsItem.objects.bulk_create(
        [
            EffectsItem(
                detention=detention,
                seq=event.seq,
                line=n,
                description=item["description"],
                quantity=item["quantity"],
                recorded_at=event.recorded_at,
                recorded_by=event.actor,
            )
            for n, item in enumerate(data["items"], start=1)
        ]
    )
    return {"detention": detention.id, "items": len(data["items"])}


@act_kind(
    "detention.effects.record",
    schema=Effects,
    roles=("ivs_officer",),
    legal_basis="CPC 98",
    apply=_apply_effects,
    title="Record personal effects taken into keeping",
)
def record_effects(ctx: Context) -> dict[str, Any]:
    """Records the personal effects of a detainee taken into the facility's keeping (the
    results of the personal search, CPC 98); they are returned on release."""
    data = ctx.input
    _detainee(ctx, data.person, IN_FACILITY)
    return {"person": data.person, "items": [i.model_dump() for i in data.items]}


# --- placement and movements -------------------------------------------------------------------


class CellMove(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    cell: str = pydantic.Field(min_length=1, max_length=48, description="cell number")


def _apply_cell_move(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    Detention.objects.filter(pk=detention.pk).update(cell_id=data["cell"])
    _movement(event, detention, "cell_move", cell_id=data["cell"])
    return {"detention": detention.id, "cell": data["cell"]}


@act_kind(
    "detention.cell_move",
    schema=CellMove,
    roles=("ivs_officer",),
    legal_basis="CPC 101(1)",
    apply=_apply_cell_move,
    title="Place a detainee in a cell or move them",
)
def cell_move(ctx: Context) -> dict[str, Any]:
    """Places a detainee in a cell of the facility or moves them to another; refused when the
    cell is full (conditions of holding, CPC 101(1))."""
    data = ctx.input
    detention = _detainee(ctx, data.person, ("admitted",))
    assert detention.facility_id is not None
    cell = _own_cell(detention.facility_id, data.cell)
    if cell.pk == detention.cell_id:
        raise Conflict(
            say("%(person)s is already in cell %(cell)s.", person=data.person, cell=cell.number)
        )
    _check_cell_room(cell)
    return {"person": data.person, "cell": cell.code}


class Depart(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    purpose: Literal["court", "investigation", "hospital"]


def _apply_depart(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    Detention.objects.filter(pk=detention.pk).update(status="away", away_purpose=data["purpose"])
    _movement(event, detention, "depart", purpose=data["purpose"])
    return {"detention": detention.id, "purpose": data["purpose"]}


@act_kind(
    "detention.depart",
    schema=Depart,
    roles=("ivs_officer",),
    legal_basis="CPC 97(5), 101(1)",
    apply=_apply_depart,
    title="Detainee leaves the facility under escort",
)
def depart(ctx: Context) -> dict[str, Any]:
    """Records that a detainee left the facility under escort — to court (CPC 97(5)), for an
    investigative action or to hospital; the place in the facility is kept."""
    data = ctx.input
    _detainee(ctx, data.person, ("admitted",))
    return {"person": data.person, "purpose": data.purpose}


class Return(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId


def _apply_return(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    _movement(event, detention, "return", purpose=detention.away_purpose)
    Detention.objects.filter(pk=detention.pk).update(
        status="admitted", away_purpose="", exam_due=True
    )
    return {"detention": detention.id}


@act_kind(
    "detention.return",
    schema=Return,
    roles=("ivs_officer",),
    legal_basis="CPC 101(1), 44(6)",
    apply=_apply_return,
    title="Detainee returns to the facility",
)
def return_(ctx: Context) -> dict[str, Any]:
    """Records the detainee's return to the facility; a medical examination is due again, as on
    every delivery to the facility (CPC 44(6))."""
    data = ctx.input
    _detainee(ctx, data.person, ("away",))
    return {"person": data.person}


# --- release and complaints --------------------------------------------------------------------

RELEASE_GROUNDS = Literal[
    "suspicion_not_confirmed",  # CPC 100(1)(1)
    "term_expired",  # CPC 100(1)(2), 100(2)
    "custody_not_needed",  # CPC 100(1)(3): incl. the court ordering no custody
    "unlawful_detention",  # CPC 100(1)(4): arts. 96-97 not complied with
]


class Release(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    grounds: RELEASE_GROUNDS = pydantic.Field(description="ground of release under CPC 100")
    note: str = pydantic.Field(default="", max_length=4000)


def _apply_release(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    detention.status = "released"
    detention.away_purpose = ""
    detention.released_at = event.recorded_at
    detention.release_grounds = data["grounds"]
    detention.release_note = data["note"]
    detention.released_by = event.actor
    detention.save()
    EffectsItem.objects.filter(detention=detention, returned_at__isnull=True).update(
        returned_at=event.recorded_at
    )
    _movement(event, detention, "release", purpose=data["grounds"])
    Case.objects.filter(pk=detention.case_id).update(last_movement_at=event.recorded_at)
    return {  # the release certificate (CPC 100(4))
        "detention": detention.id,
        "person": detention.person_id,
        "detained_by": detention.arrested_by,
        "detained_at": iso(detention.detained_at),
        "place": detention.place,
        "grounds_of_detention": detention.grounds,
        "released_at": iso(event.recorded_at),
        "release_grounds": data["grounds"],
    }


@act_kind(
    "detention.release",
    schema=Release,
    roles=("ivs_officer", "investigator"),
    legal_basis="CPC 100(1)-(4); Constitution 59(4)",
    apply=_apply_release,
    title="Release a detainee",
)
def release(ctx: Context) -> dict[str, Any]:
    """Releases a detainee by the investigator's decision (CPC 100(1)) or by the head of the
    facility when no custody order arrived within 48 hours, 24 for a child (CPC 100(2)). Meets
    the release term and ends the custody clock; effects are returned; the result is the content
    of the release certificate (CPC 100(4))."""
    data = ctx.input
    detention = _detainee(ctx, data.person)
    if ctx.actor.role == "ivs_officer" and detention.status == "arrested":
        raise Conflict(
            say("%(person)s has not been admitted to your facility.", person=data.person)
        )
    return {"person": data.person, "grounds": data.grounds, "note": data.note}


class Transfer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    to: str = pydantic.Field(
        min_length=3, max_length=200, description="the pre-trial detention facility receiving them"
    )
    note: str = pydantic.Field(default="", max_length=4000)


def _apply_transfer(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    detention.status = "released"
    detention.away_purpose = ""
    detention.released_at = event.recorded_at
    detention.release_grounds = "transferred"
    detention.release_note = f"{data['to']}. {data['note']}".strip(". ")
    detention.released_by = event.actor
    detention.save()
    EffectsItem.objects.filter(detention=detention, returned_at__isnull=True).update(
        returned_at=event.recorded_at
    )
    _movement(event, detention, "transfer", purpose=data["to"][:100])
    Case.objects.filter(pk=detention.case_id).update(last_movement_at=event.recorded_at)
    return {"detention": detention.id, "person": detention.person_id, "to": data["to"]}


@act_kind(
    "detention.transfer",
    schema=Transfer,
    roles=("ivs_officer",),
    legal_basis="CPC 101(1), 115",
    apply=_apply_transfer,
    title="Hand a remanded detainee over to a pre-trial detention facility",
)
def transfer(ctx: Context) -> dict[str, Any]:
    """Hands a detainee remanded in custody by the judge over to a pre-trial detention facility:
    the IVS holds detained suspects (CPC 101(1)), custody as a measure is served elsewhere. The
    IVS register closes the stay and frees the cell, but the person stays in custody — the
    custody term runs on and the time keeps counting towards the sentence (unlike a release,
    CPC 100). Refused without a running custody order for the person."""
    data = ctx.input
    detention = _detainee(ctx, data.person, ("admitted",))
    remanded = Deadline.objects.filter(
        case=ctx.case, rule="custody.term", subject=data.person, state="running"
    ).exists()
    if not remanded:
        raise Conflict(
            say(
                "%(person)s is not remanded in custody by a judge; a detained suspect is held in "
                "the IVS (CPC 101(1)) until released (CPC 100) or remanded.",
                person=data.person,
            )
        )
    return {"person": detention.person_id, "to": data.to, "note": data.note}


class FileComplaint(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    text: str = pydantic.Field(min_length=1, max_length=8000)
    about_violence: bool = pydantic.Field(
        default=False, description="the complaint alleges violence or ill-treatment"
    )


def _apply_complaint(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    detention = _open_detention(event, data)
    Complaint.objects.create(
        detention=detention,
        seq=event.seq,
        filed_at=event.recorded_at,
        recorded_by=event.actor,
        text=data["text"],
        about_violence=data["about_violence"],
    )
    if data["about_violence"]:
        Detention.objects.filter(pk=detention.pk).update(exam_due=True)
    raise_alert(
        event,
        1,
        kind="detention.complaint",
        unit=detention.facility_id or detention.case.unit_id,
        roles=["investigating_judge", "prosecutor"],
        case=detention.case,
        subject=data["person"],
        message=(
            say(
                "Complaint of detainee %(person)s at %(facility)s, case %(case)s alleging "
                "violence: to be sent on at once (CPC 97(7)).",
                person=data["person"],
                facility=detention.facility_id,
                case=detention.case_id,
            )
            if data["about_violence"]
            else say(
                "Complaint of detainee %(person)s at %(facility)s, case %(case)s: to be sent on "
                "at once (CPC 97(7)).",
                person=data["person"],
                facility=detention.facility_id,
                case=detention.case_id,
            )
        ),
    )
    return {"detention": detention.id}


@act_kind(
    "detention.complaint",
    schema=FileComplaint,
    roles=("ivs_officer",),
    legal_basis="CPC 97(7), 44(1)(16), 44(6)",
    apply=_apply_complaint,
    title="Record a detainee's complaint",
)
def complaint(ctx: Context) -> dict[str, Any]:
    """Records a detainee's complaint, which the head of the facility sends on at once to the
    court (CPC 97(7)); the prosecutor and the investigating judge are told. A complaint of
    violence makes a medical examination due (CPC 44(6))."""
    data = ctx.input
    _detainee(ctx, data.person, IN_FACILITY)
    return {"person": data.person, "text": data.text, "about_violence": data.about_violence}
