"""Act kinds of the probation module (module H).

Probation has four types (Law on Probation of 24.02.2017 No. 34): pre-trial, executive,
penitentiary and post-penitentiary. Intake needs no re-typing: a verdict in force with release
under probation supervision (CC 82), restriction of liberty (CC 62) or community work (CC 61),
which the probation bodies execute (Code of Criminal Sentence Enforcement (CEC) 30(2)), registers
the convict as `executive` with the probation office of the case's region; a release on parole
registers the person as `postpenitentiary` until the end of supervision; a court ordering a
pre-sentence report (CPC 280(4)) opens a report request. Officers register the other types by
hand. Supervision: a plan (CC 83), meetings (twice a month by default, CC 83(1)(4)) recorded as
attended or not, missed meetings found by the job, violations, referral to the court (CC 83(5),
84(2)-(4)) and completion (CC 84(1)).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

import pydantic
from django.conf import settings
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, Reaction, act_kind, reaction
from icjis.core.alerts import answer, raise_alert
from icjis.core.canonical import day_or_none, iso
from icjis.core.execution import close_case, closes_case, outstanding
from icjis.core.models import Case, CaseParticipant, CaseUnit, Event, Person, Unit, User
from icjis.core.persons import age_on
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Said, say
from icjis.core.units import execution_office, unit_serving
from icjis.courts.verdicts import court_case_of
from icjis.legal.counting import Duration, add_months, due_for, end_of_day, local_date
from icjis.legal.rulepacks import pack_for_set
from icjis.probation.models import (
    ACTIVE,
    AWAITING,
    RUNNING,
    SERVED_TYPES,
    Meeting,
    ProbationFile,
    Referral,
    ReportRequest,
    Violation,
)
from icjis.registry.acts import case_of

OFFICER = "probation_officer"
PROBATION_LAW = "Law on Probation of 24.02.2017 No. 34"
EXECUTED_BY_PROBATION = ("probation", "community_work", "restriction_of_liberty")
"""Sentences the probation bodies execute (CC 82; CEC 30(2))."""
MEETINGS_PER_MONTH = 2
"""Default frequency: appear twice a month for registration and a talk (CC 83(1)(4))."""
ProbationType = Literal["pretrial", "executive", "penitentiary", "postpenitentiary"]
APPEARANCE_DAYS = 10
"""A convict released under probation supervision appears at the probation body within ten
(calendar) days of the verdict's entry into force (CC 83(1)(1); CEC 166(1)(1)); failing that
without good reason, the body submits to the court to revoke the supervision (CC 84(2))."""


# --- helpers ----------------------------------------------------------------------------------


def office_for(territory_path: str, kind: str = "probation_office") -> Unit | None:
    """The office of `kind` serving a place: the one whose territory holds it (the nearest),
    else the first of its region."""
    return unit_serving(territory_path, kind)


def _person_id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def active_file(
    case: Case, person: str, *, types: tuple[str, ...] = (), states: tuple[str, ...] = (ACTIVE,)
) -> ProbationFile:
    """The person's running file in the case. Only an `active` one unless `states` says more:
    supervision (plan, meetings, violations) begins with the appearance (CC 82(4))."""
    qs = ProbationFile.objects.filter(case=case, person_id=person, state__in=states)
    if types:
        qs = qs.filter(type__in=types)
    found = qs.order_by("-registered_at", "-id").first()
    if found is None:
        waiting = ProbationFile.objects.filter(case=case, person_id=person, state=AWAITING)
        if AWAITING not in states and waiting.exists():
            raise Conflict(
                say(
                    "%(person)s has not yet appeared at the probation office; record the "
                    "appearance first (probation.appear) — supervision runs from it (CC 82(4); "
                    "CEC 166(1)(1)).",
                    person=person,
                )
            )
        raise NotFound(
            say(
                "%(person)s is not under probation supervision in case %(case)s.",
                person=person,
                case=case.number,
            )
        )
    return found


def _require_office(ctx: Context, f: ProbationFile) -> None:
    """Officers act only on the files of their own office."""
    if getattr(ctx.user, "is_system", False):
        return
    if f.office_id and f.office_id != ctx.user.unit_id:
        raise Forbidden(
            say(
                "File %(file)s is kept by %(office)s; its officers act on it.",
                file=f.id,
                office=f.office_id,
            )
        )


def _note_on_case(case_number: str, f: ProbationFile) -> None:
    projections.note_on_case(
        case_number, "probation", f.id, {"person": f.person_id, "type": f.type, "state": f.state}
    )


@outstanding
def open_supervision(case_number: str) -> list[str]:
    """Executive and post-penitentiary supervision still running in the case."""
    persons = ProbationFile.objects.filter(
        case_id=case_number, state__in=RUNNING, type__in=SERVED_TYPES
    ).values_list("person_id", flat=True)
    return [f"probation:{p}" for p in persons]


# --- probation.register -----------------------------------------------------------------------


class RegisterIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")
    type: ProbationType
    months: int | None = pydantic.Field(default=None, ge=1, le=240, description="period")
    until: date | None = pydantic.Field(default=None, description="last day of supervision")
    hours: int | None = pydantic.Field(default=None, ge=1, le=300, description="community work")
    officer: str | None = pydantic.Field(default=None, max_length=64)
    sentence_kind: str | None = pydantic.Field(default=None, max_length=32)
    source: Literal["verdict", "prison"] | None = pydantic.Field(
        default=None, description="set by the system; people leave it out"
    )
    source_ref: str | None = pydantic.Field(default=None, max_length=80)


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    f = ProbationFile.objects.create(
        id=data["file"],
        case=case,
        person_id=data["person"],
        type=data["type"],
        source=data["source"],
        source_ref=data["source_ref"] or "",
        sentence_kind=data["sentence_kind"] or "",
        hours=data["hours"],
        office_id=data["office"],
        territory_path=data["territory_path"],
        officer=data["officer"] or "",
        registered_at=event.recorded_at,
        starts_on=day_or_none(data["starts_on"]),
        ends_on=day_or_none(data["ends_on"]),
        state=AWAITING if data.get("appear_by") else ACTIVE,
        months=data.get("months"),
        appear_by=day_or_none(data.get("appear_by")),
        plan={"conditions": [], "meetings_per_month": MEETINGS_PER_MONTH},
    )
    if data["office"]:
        CaseUnit.objects.get_or_create(case=case, unit_id=data["office"], capacity="probation")
    if data.get("appear_by") and data["office"]:
        raise_alert(
            event,
            1,
            kind="probation.appearance",
            unit=data["office"],
            roles=[OFFICER],
            case=case,
            subject=data["person"],
            message=say(
                "%(person)s (case %(case)s) is to appear at the office by %(appear_by)s "
                "(CC 83(1)(1); CEC 166(1)(1)); record it with probation.appear — the period "
                "runs from it (CC 82(4)). Failing that without good reason, submit to the court "
                "to revoke the supervision (CC 84(2)).",
                person=data["person"],
                case=case.number,
                appear_by=data["appear_by"],
            ),
        )
    for ended in ProbationFile.objects.filter(pk__in=data.get("supersedes") or []):
        ended.state, ended.completed_at = "completed", event.recorded_at
        ended.completion_grounds = "superseded"
        ended.save(update_fields=["state", "completed_at", "completion_grounds"])
        Meeting.objects.filter(file=ended, state="scheduled").update(
            state="cancelled", recorded_at=event.recorded_at, recorded_by=event.actor
        )
        _note_on_case(case.number, ended)
    _note_on_case(case.number, f)
    return {
        "file": f.id,
        "person": f.person_id,
        "type": f.type,
        "office": data["office"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "appear_by": data.get("appear_by"),
    }


@act_kind(
    "probation.register",
    schema=RegisterIn,
    roles=(OFFICER, "system"),
    legal_basis=f"CC 61, 62, 82-84; CEC 30(2), 61; CPC 426; {PROBATION_LAW}",
    apply=_apply_register,
    title="Register a person for probation supervision",
)
def register(ctx: Context) -> dict[str, Any]:
    """Registers a person with a probation office under one of the four types. The system does
    it on a verdict in force that releases under probation supervision, restricts liberty or
    imposes community work (executive probation: CC 61, 62, 82; CEC 30(2)), and on release on
    parole (post-penitentiary, until the end of supervision), with the office of the person's
    place of residence (CEC 30(2)) or, when the index has none or no office serves it, of the
    case's place (the event records which: `office_basis`); an officer registers pre-trial
    and penitentiary probation, and others the system did not bring. A release under probation
    supervision (CC 82) awaits the convict's appearance, due within ten days of the entry into
    force (CC 83(1)(1); CEC 166(1)(1)): the period of `months` runs from the appearance
    (CC 82(4)), recorded by `probation.appear`. Restriction of liberty runs from the
    registration with the probation body (CEC 62), parole supervision from the court's decision
    (CC 90(1)), and other files from registration, for `months` or to the day `until`. A person
    has one running file of a type in a case; a running pre-trial file ends when the sentence's
    supervision begins."""
    case = ctx.case
    given = ctx.input
    assert case is not None
    system = getattr(ctx.user, "is_system", False)
    if not system and (given.source or given.source_ref or given.sentence_kind):
        raise Forbidden(say("Only the system sets source, source_ref and sentence_kind."))
    person = Person.objects.select_related("residence").filter(pk=given.person).first()
    if person is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=given.person))
    if not CaseParticipant.objects.filter(case=case, person=person).exists():
        raise Conflict(
            say("%(person)s takes no part in case %(case)s.", person=person.id, case=case.number)
        )
    if ProbationFile.objects.filter(
        case=case, person=person, type=given.type, state__in=RUNNING
    ).exists():
        message = _already_under(given.type, person.id, case.number)
        raise Conflict(message)
    if given.months and given.until:
        raise Invalid(say("Give the period either in months or as the last day, not both."))
    starts_on = local_date(ctx.now)
    if given.until is not None and given.until <= starts_on:
        raise Invalid(
            say("The last day of supervision must lie after today."),
            fields={"until": gettext_noop("not future")},
        )
    ends_on = given.until or (add_months(starts_on, given.months) if given.months else None)
    if given.type in SERVED_TYPES and ends_on is None and given.hours is None:
        if given.type == "executive":
            message = say(
                "Executive probation executes a sentence: give its period in months or its "
                "last day (CC 62, 82(4))."
            )
        else:  # postpenitentiary, the other of SERVED_TYPES
            message = say(
                "Postpenitentiary probation executes a sentence: give its period in months or "
                "its last day (CC 62, 82(4))."
            )
        raise Invalid(message, fields={"months": gettext_noop("required")})
    appear_by: date | None = None
    if given.sentence_kind == "probation" and given.months:
        # CC 82(4): the period runs from the appearance, not from this registration.
        appear_by = starts_on + timedelta(days=APPEARANCE_DAYS)
    if system:  # the office of the place of residence, else of the case's place (CEC 30(2))
        office, basis = execution_office(person, case.territory_path, "probation_office")
    else:
        office, basis = Unit.objects.select_related("territory").get(pk=ctx.user.unit_id), "officer"
    if given.officer:
        _check_officer(given.officer, office.code if office else "")
    elif not system:
        given.officer = ctx.user.username
    # Pre-trial supervision ends when the sentence's supervision begins.
    supersedes = []
    if given.type in SERVED_TYPES:
        supersedes = sorted(
            ProbationFile.objects.filter(
                case=case, person=person, type="pretrial", state="active"
            ).values_list("id", flat=True)
        )
    assert ctx.head is not None
    return {
        "file": f"PB-{case.number}-{ctx.head.seq + 1}",
        "person": person.id,
        "type": given.type,
        "source": given.source or "officer",
        "source_ref": given.source_ref,
        "sentence_kind": given.sentence_kind,
        "hours": given.hours,
        "office": office.code if office else None,
        "office_basis": basis,
        "territory_path": office.territory.path if office else case.territory_path,
        "officer": given.officer,
        "starts_on": None if appear_by else starts_on.isoformat(),
        "ends_on": None if appear_by else (ends_on.isoformat() if ends_on else None),
        "months": given.months,
        "appear_by": appear_by.isoformat() if appear_by else None,
        "supersedes": supersedes,
    }


def _already_under(type_: str, person: str, case: str) -> Said:
    """The refusal of a second running file of a type: one sentence per type of probation, so
    that each is translated whole."""
    if type_ == "pretrial":
        return say(
            "%(person)s is already under pretrial probation in case %(case)s.",
            person=person,
            case=case,
        )
    if type_ == "executive":
        return say(
            "%(person)s is already under executive probation in case %(case)s.",
            person=person,
            case=case,
        )
    if type_ == "penitentiary":
        return say(
            "%(person)s is already under penitentiary probation in case %(case)s.",
            person=person,
            case=case,
        )
    if type_ == "postpenitentiary":
        return say(
            "%(person)s is already under postpenitentiary probation in case %(case)s.",
            person=person,
            case=case,
        )
    return say(  # a type added to TYPES without its own sentence yet
        "%(person)s is already under %(type)s probation in case %(case)s.",
        person=person,
        type=type_,
        case=case,
    )


def _check_officer(username: str, office: str) -> None:
    user = User.objects.filter(username=username).first()
    if user is None or OFFICER not in user.roles or user.unit_id != office:
        if office:
            message = say(
                "%(username)s is not a probation officer of %(office)s.",
                username=username,
                office=office,
            )
        else:
            message = say(
                "%(username)s is not a probation officer of the office.", username=username
            )
        raise Invalid(message, fields={"officer": gettext_noop("not an officer of the office")})


@reaction("courts.verdict.enter_into_force")
def register_from_verdict(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """Each convict whose sentence the probation bodies execute is registered (executive)."""
    from icjis.courts.models import VerdictDefendant

    if ctx.case is None or data.get("stage") != "execution":
        return
    rows = VerdictDefendant.objects.filter(
        verdict_id=data["verdict"],
        person_id__in=data["persons"],  # those it entered into force for now (CPC 426(3))
        outcome="convicted",
        sentence_kind__in=EXECUTED_BY_PROBATION,
    ).order_by("person_id", "id")
    seen: set[str] = set()
    for row in rows:
        if row.person_id in seen:
            continue
        seen.add(row.person_id)
        months = row.probation_months if row.sentence_kind == "probation" else row.months
        hours = int(row.amount) if row.sentence_kind == "community_work" and row.amount else None
        yield Reaction(
            "probation.register",
            {
                "person": row.person_id,
                "type": "executive",
                "months": months,
                "hours": hours,
                "sentence_kind": row.sentence_kind,
                "source": "verdict",
                "source_ref": data["verdict"],
            },
            ctx.case.number,
        )


@reaction("prisons.release")
def register_after_parole(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """Release on parole puts the person under post-penitentiary supervision until the day the
    prison service recorded (`supervision_until`)."""
    person = _person_id(data.get("person"))
    until = data.get("supervision_until")
    if ctx.case is None or data.get("grounds") != "parole" or not person or not until:
        return
    yield Reaction(
        "probation.register",
        {
            "person": person,
            "type": "postpenitentiary",
            "until": str(until)[:10],
            "source": "prison",
            "source_ref": f"{event.stream}#{event.seq}",
        },
        ctx.case.number,
    )


# --- probation.appear -------------------------------------------------------------------------


class AppearIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")


def _apply_appear(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    ProbationFile.objects.filter(pk=data["file"]).update(
        state=ACTIVE,
        appeared_at=event.recorded_at,
        starts_on=day_or_none(data["starts_on"]),
        ends_on=day_or_none(data["ends_on"]),
    )
    case = case_of(event)
    answer(event, "probation.appearance", data["person"])
    _note_on_case(case.number, ProbationFile.objects.get(pk=data["file"]))
    return {
        "file": data["file"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "late": data["late"],
    }


@act_kind(
    "probation.appear",
    schema=AppearIn,
    roles=(OFFICER,),
    legal_basis="CC 82(4), 83(1)(1); CEC 166(1)(1)",
    apply=_apply_appear,
    title="Record the convict's appearance at the probation office",
)
def appear(ctx: Context) -> dict[str, Any]:
    """Records that a convict released under probation supervision appeared at the office: the
    probation period runs from this day (CC 82(4); CEC 166(1)(1)) for the months the verdict
    set, and supervision (plan, meetings) may begin. An appearance after the ten days
    (CC 83(1)(1)) is recorded all the same and marked late: whether to submit to the court to
    revoke the supervision (CC 84(2)) is the office's decision, by its own act."""
    assert ctx.case is not None
    f = active_file(ctx.case, ctx.input.person, states=(AWAITING,))
    _require_office(ctx, f)
    today = local_date(ctx.now)
    ends_on = add_months(today, f.months) if f.months else None
    return {
        "file": f.id,
        "person": f.person_id,
        "starts_on": today.isoformat(),
        "ends_on": ends_on.isoformat() if ends_on else None,
        "appear_by": f.appear_by.isoformat() if f.appear_by else None,
        "late": bool(f.appear_by and today > f.appear_by),
    }


# --- assignment and supervision plan -----------------------------------------------------------


class AssignIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    officer: str = pydantic.Field(min_length=1, max_length=64)


def _apply_assign(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    ProbationFile.objects.filter(pk=data["file"]).update(officer=data["officer"])
    return {"file": data["file"], "officer": data["officer"]}


@act_kind(
    "probation.assign",
    schema=AssignIn,
    roles=(OFFICER,),
    legal_basis=PROBATION_LAW,
    apply=_apply_assign,
    title="Assign the supervising officer",
)
def assign(ctx: Context) -> dict[str, Any]:
    """Records which officer of the office supervises the person (the officer's caseload)."""
    assert ctx.case is not None
    f = active_file(ctx.case, ctx.input.person)
    _require_office(ctx, f)
    _check_officer(ctx.input.officer, f.office_id or "")
    return {"file": f.id, "person": f.person_id, "officer": ctx.input.officer}


Condition = Annotated[str, pydantic.StringConstraints(min_length=2, max_length=300)]


class PlanIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    conditions: list[Condition] = pydantic.Field(
        min_length=1, max_length=20, description="requirements and duties (CC 83)"
    )
    meetings_per_month: int = pydantic.Field(default=MEETINGS_PER_MONTH, ge=1, le=8)


def _apply_plan(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    plan = {
        "conditions": data["conditions"],
        "meetings_per_month": data["meetings_per_month"],
        "set_at": iso(event.recorded_at),
        "set_by": event.actor,
    }
    ProbationFile.objects.filter(pk=data["file"]).update(plan=plan)
    return {"file": data["file"], "plan": plan}


@act_kind(
    "probation.plan.set",
    schema=PlanIn,
    roles=(OFFICER,),
    legal_basis=f"CC 83; {PROBATION_LAW}",
    apply=_apply_plan,
    title="Set the individual supervision plan",
)
def set_plan(ctx: Context) -> dict[str, Any]:
    """Records the individual supervision plan: the requirements and duties the person keeps
    (CC 83(1)-(3)) and how often they meet the officer — at least twice a month for probation
    supervision (CC 83(1)(4)). A new plan replaces the previous one; both stay in the ledger."""
    assert ctx.case is not None
    f = active_file(ctx.case, ctx.input.person)
    _require_office(ctx, f)
    if f.sentence_kind == "probation" and ctx.input.meetings_per_month < MEETINGS_PER_MONTH:
        raise Invalid(
            say(
                "A person under probation supervision appears at the office twice a month "
                "(CC 83(1)(4))."
            ),
            fields={"meetings_per_month": gettext_noop("at least 2")},
        )
    return {
        "file": f.id,
        "person": f.person_id,
        "conditions": [c.strip() for c in ctx.input.conditions],
        "meetings_per_month": ctx.input.meetings_per_month,
    }


# --- meetings ---------------------------------------------------------------------------------


class ScheduleIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    at: pydantic.AwareDatetime


def _apply_schedule(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Meeting.objects.create(
        id=data["meeting"],
        file_id=data["file"],
        at=datetime.fromisoformat(data["at"]),
        scheduled_by=event.actor,
    )
    return {"meeting": data["meeting"], "file": data["file"], "at": data["at"]}


@act_kind(
    "probation.meeting.schedule",
    schema=ScheduleIn,
    roles=(OFFICER,),
    legal_basis=f"CC 83(1)(4); CEC 61(3); {PROBATION_LAW}",
    apply=_apply_schedule,
    title="Schedule a meeting",
)
def schedule_meeting(ctx: Context) -> dict[str, Any]:
    """Records a meeting the person must attend at the office (CC 83(1)(4)). Only in the
    future, and within the supervision period."""
    assert ctx.case is not None
    f = active_file(ctx.case, ctx.input.person)
    _require_office(ctx, f)
    at = ctx.input.at
    if at <= ctx.now:
        raise Invalid(
            say("A meeting is scheduled in the future."),
            fields={"at": gettext_noop("not in the future")},
        )
    if f.ends_on is not None and at >= end_of_day(f.ends_on):
        raise Invalid(
            say(
                "The supervision period ends on %(ends_on)s; schedule within it.",
                ends_on=f.ends_on.isoformat(),
            ),
            fields={"at": gettext_noop("after the period")},
        )
    n = Meeting.objects.filter(file=f).count() + 1
    return {"meeting": f"{f.id}-M{n}", "file": f.id, "person": f.person_id, "at": iso(at)}


class RecordIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    meeting: str = pydantic.Field(min_length=3, max_length=60)
    attended: bool
    note: str = pydantic.Field(default="", max_length=500)


def _meeting(ctx: Context, meeting_id: str) -> Meeting:
    m = Meeting.objects.select_related("file").filter(pk=meeting_id).first()
    if m is None or ctx.case is None or m.file.case_id != ctx.case.number:
        raise NotFound(say("There is no meeting %(meeting)s in this case.", meeting=meeting_id))
    return m


def _already_recorded(m: Meeting) -> Said:
    """The refusal to record a meeting again: one sentence per state it is in, so that each is
    translated whole. `scheduled` too: the job finds no meeting missed in a file no longer
    active."""
    if m.state == "attended":
        return say("Meeting %(meeting)s is already recorded as attended.", meeting=m.id)
    if m.state == "absent":
        return say("Meeting %(meeting)s is already recorded as absent.", meeting=m.id)
    if m.state == "missed":
        return say("Meeting %(meeting)s is already recorded as missed.", meeting=m.id)
    if m.state == "scheduled":
        return say("Meeting %(meeting)s is already recorded as scheduled.", meeting=m.id)
    if m.state == "cancelled":  # a meeting still ahead lapses with its file
        return say("Meeting %(meeting)s is already recorded as cancelled.", meeting=m.id)
    return say(  # a state added without its own sentence yet
        "Meeting %(meeting)s is already recorded as %(state)s.", meeting=m.id, state=m.state
    )


def _apply_record(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Meeting.objects.filter(pk=data["meeting"]).update(
        state=data["state"],
        recorded_at=event.recorded_at,
        recorded_by=event.actor,
        note=data.get("note", ""),
    )
    return {"meeting": data["meeting"], "state": data["state"]}


@act_kind(
    "probation.meeting.record",
    schema=RecordIn,
    roles=(OFFICER,),
    legal_basis=f"CC 83(1)(4), 84(2); {PROBATION_LAW}",
    apply=_apply_record,
    title="Record attendance at a meeting",
)
def record_meeting(ctx: Context) -> dict[str, Any]:
    """Records whether the person came to a scheduled meeting (`attended`) — once the meeting
    time has come, and before the job has found it missed. An absence is not in itself a
    violation: the officer records one if there was no good reason (CC 84(2))."""
    m = _meeting(ctx, ctx.input.meeting)
    _require_office(ctx, m.file)
    if m.state != "scheduled":
        message = _already_recorded(m)
        raise Conflict(message)
    if m.at > ctx.now:
        raise Conflict(
            say(
                "Meeting %(meeting)s is set for %(at)s; record it once it has begun.",
                meeting=m.id,
                at=iso(m.at),
            )
        )
    return {
        "meeting": m.id,
        "file": m.file_id,
        "person": m.file.person_id,
        "attended": ctx.input.attended,
        "state": "attended" if ctx.input.attended else "absent",
        "note": ctx.input.note.strip(),
    }


class MissedIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    meeting: str = pydantic.Field(min_length=3, max_length=60)


def missed_after(m: Meeting) -> datetime:
    """A meeting left unrecorded is missed once its local day has ended."""
    return end_of_day(local_date(m.at))


def _apply_missed(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Meeting.objects.filter(pk=data["meeting"]).update(
        state="missed", recorded_at=event.recorded_at, recorded_by=event.actor
    )
    case = case_of(event)
    if data["office"]:
        raise_alert(
            event,
            1,
            kind="probation.meeting.missed",
            unit=data["office"],
            roles=[OFFICER],
            case=case,
            subject=data["person"],
            message=say(
                "%(person)s did not come to meeting %(meeting)s set for %(at)s (case %(case)s); "
                "record a violation if there was no good reason (CC 84(2)).",
                person=data["person"],
                meeting=data["meeting"],
                at=data["at"],
                case=case.number,
            ),
        )
    return {"meeting": data["meeting"], "state": "missed"}


@act_kind(
    "probation.meeting.missed",
    schema=MissedIn,
    roles=("system",),
    legal_basis=f"CC 83(1)(4), 84(2); {PROBATION_LAW}",
    apply=_apply_missed,
    title="Record a missed meeting",
)
def record_missed(ctx: Context) -> dict[str, Any]:
    """Performed by the system (job `probation.meetings.missed`) for a meeting whose day has
    passed with no attendance recorded: the meeting is missed and the office is alerted."""
    m = _meeting(ctx, ctx.input.meeting)
    if m.state != "scheduled" or m.file.state != "active":
        message = _already_recorded(m)
        raise Conflict(message)
    if ctx.now < missed_after(m):
        raise Conflict(
            say("Meeting %(meeting)s can still be recorded until the end of its day.", meeting=m.id)
        )
    return {
        "meeting": m.id,
        "file": m.file_id,
        "person": m.file.person_id,
        "at": iso(m.at),
        "office": m.file.office_id,
    }


# --- violations and referral to court ---------------------------------------------------------

ViolationKind = Literal[
    "missed_meeting", "supervision_requirement", "probation_duty", "new_offence", "other"
]


class ViolationIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    kind: ViolationKind
    description: str = pydantic.Field(min_length=3, max_length=2000)
    meeting: str | None = pydantic.Field(default=None, max_length=60)


def _apply_violation(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Violation.objects.create(
        id=data["violation"],
        file_id=data["file"],
        kind=data["kind"],
        description=data["description"],
        meeting=data["meeting"] or "",
        recorded_at=event.recorded_at,
        recorded_by=event.actor,
    )
    ProbationFile.objects.filter(pk=data["file"]).update(violations=data["count"])
    if data["meeting"]:  # the missed meeting is dealt with: its alert is answered
        answer(event, "probation.meeting.missed", data["person"], meeting=data["meeting"])
    if data["count"] >= 2 and data["office"]:
        case = case_of(event)
        raise_alert(
            event,
            1,
            kind="probation.violations",
            unit=data["office"],
            roles=[OFFICER],
            case=case,
            subject=data["person"],
            message=say(
                "%(person)s has breached the supervision %(count)s times (file %(file)s); the "
                "office submits to the court to revoke probation supervision (CC 84(2)).",
                person=data["person"],
                count=data["count"],
                file=data["file"],
            ),
        )
    return {"violation": data["violation"], "count": data["count"]}


@act_kind(
    "probation.violation.record",
    schema=ViolationIn,
    roles=(OFFICER,),
    legal_basis=f"CC 83, 84(2)-(3); {PROBATION_LAW}",
    apply=_apply_violation,
    title="Record a violation of supervision",
)
def record_violation(ctx: Context) -> dict[str, Any]:
    """Records a breach of the supervision requirements or probation duties (CC 83), or a new
    offence. At the second breach the office is told to submit to the court to revoke the
    supervision (CC 84(2)); a new offence leads the court to revoke it (84(3))."""
    assert ctx.case is not None
    f = active_file(ctx.case, ctx.input.person)
    _require_office(ctx, f)
    if ctx.input.meeting:
        m = _meeting(ctx, ctx.input.meeting)
        if m.file_id != f.id or m.state not in ("absent", "missed"):
            raise Conflict(say("Meeting %(meeting)s of this file was not missed.", meeting=m.id))
    assert ctx.head is not None
    return {
        "violation": f"{f.id}-V{ctx.head.seq + 1}",
        "file": f.id,
        "person": f.person_id,
        "kind": ctx.input.kind,
        "description": ctx.input.description.strip(),
        "meeting": ctx.input.meeting,
        "count": f.violations + 1,
        "office": f.office_id,
    }


class ReferIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    request: Literal["revoke", "change_duties", "cancel_early", "replace_sentence"]
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


# What the office asks the court for, as the alert to the court says it (each said by its own
# entry of the catalogue, not as the act's choice is labelled on a form).
REQUEST_WORDS = {
    "revoke": say("revoke"),
    "change_duties": say("change duties"),
    "cancel_early": say("cancel early"),
    "replace_sentence": say("replace sentence"),
}
REQUEST_BASIS = {
    "revoke": "CC 84(2)-(3)",
    "change_duties": "CC 83(5)",
    "cancel_early": "CC 84(4)",
    "replace_sentence": "CC 61-62; CEC 30(2)",
}


def _apply_refer(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    if data["request"] == "revoke":  # the submission the violations alert asks for
        answer(event, "probation.violations", data["person"])
    Referral.objects.create(
        id=data["referral"],
        file_id=data["file"],
        request=data["request"],
        grounds=data["grounds"],
        court_id=data["court"],
        referred_at=event.recorded_at,
        referred_by=event.actor,
    )
    if data["court"]:
        raise_alert(
            event,
            1,
            kind="probation.referral",
            unit=data["court"],
            roles=["judge", "court_clerk"],
            case=case,
            subject=data["person"],
            message=say(
                "The probation office submits (%(request)s, %(basis)s) for %(person)s in case "
                "%(case)s: %(grounds)s",
                request=REQUEST_WORDS[data["request"]],
                basis=REQUEST_BASIS[data["request"]],
                person=data["person"],
                case=case.number,
                grounds=data["grounds"][:300],
            ),
        )
    return {"referral": data["referral"], "court": data["court"]}


@act_kind(
    "probation.court.refer",
    schema=ReferIn,
    roles=(OFFICER,),
    legal_basis="CC 83(5), 84(2)-(4); CPC 432",
    apply=_apply_refer,
    title="Submit to the court (revoke, change duties, cancel early)",
)
def refer_to_court(ctx: Context) -> dict[str, Any]:
    """Records the office's submission to the court that passed the sentence: to revoke
    probation supervision after repeated breaches or a new offence (CC 84(2)-(3)), to change the
    duties (83(5)), to cancel the supervision early for good conduct after half the term
    (84(4)), or to replace a sentence the person evades. The court's judges and clerk are
    alerted. Revocation needs at least two recorded violations or a new offence (84(2)-(3))."""
    case = ctx.case
    assert case is not None
    f = active_file(case, ctx.input.person, states=RUNNING)
    _require_office(ctx, f)
    absent = f.state == AWAITING and f.appear_by is not None and local_date(ctx.now) > f.appear_by
    if ctx.input.request == "revoke" and f.violations < 2 and not absent:
        offences = Violation.objects.filter(file=f, kind="new_offence").exists()
        if not offences:
            raise Conflict(
                say(
                    "%(person)s has %(count)s recorded violation(s); revocation is submitted "
                    "after two or more, a new offence, or no appearance within ten days of the "
                    "entry into force (CC 84(2)-(3)).",
                    person=f.person_id,
                    count=f.violations,
                )
            )
    first = court_case_of(case)
    court = case.court_id or (first.court_id if first else None)
    assert ctx.head is not None
    return {
        "referral": f"{f.id}-R{ctx.head.seq + 1}",
        "file": f.id,
        "person": f.person_id,
        "request": ctx.input.request,
        "grounds": ctx.input.grounds.strip(),
        "court": court,
    }


# --- completion -------------------------------------------------------------------------------


class CompleteIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    grounds: Literal["term_served", "cancelled_early", "revoked", "ended"] = "term_served"
    decision: str | None = pydantic.Field(
        default=None, max_length=120, description="the court's decision (number, date)"
    )
    hours_served: int | None = pydantic.Field(default=None, ge=0, le=300)


def _apply_complete(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    ProbationFile.objects.filter(pk=data["file"]).update(
        state="completed", completed_at=event.recorded_at, completion_grounds=data["grounds"]
    )
    # Meetings still ahead lapse with the file (the job must not find them missed).
    Meeting.objects.filter(file_id=data["file"], state="scheduled").update(
        state="cancelled", recorded_at=event.recorded_at, recorded_by=event.actor
    )
    case_number = event.stream.removeprefix("case/")
    _note_on_case(case_number, ProbationFile.objects.get(pk=data["file"]))
    if data["case_closed"]:
        close_case(case_number, event.recorded_at)
    return {"file": data["file"], "grounds": data["grounds"], "case_closed": data["case_closed"]}


@act_kind(
    "probation.complete",
    schema=CompleteIn,
    roles=(OFFICER,),
    legal_basis="CC 84(1)-(4); CEC 62",
    apply=_apply_complete,
    title="Complete probation supervision",
)
def complete(ctx: Context) -> dict[str, Any]:
    """Ends a probation file. `term_served`: the period has run (CC 84(1): the person is
    deemed to have served the sentence) — refused before its last day has passed; community
    work needs the hours served. Before that only on a court's decision, named in `decision`:
    `cancelled_early` (84(4)) or `revoked` (84(2)-(3)). `ended`: pre-trial or penitentiary
    supervision whose occasion has passed. When nothing else remains to be served in the case,
    the case is closed in the same act."""
    case = ctx.case
    assert case is not None
    f = active_file(case, ctx.input.person, states=RUNNING)
    _require_office(ctx, f)
    grounds = ctx.input.grounds
    if f.state == AWAITING and grounds not in ("cancelled_early", "revoked"):
        raise Conflict(
            say(
                "%(person)s has not appeared at the office; the period has not begun "
                "(CC 82(4)). Before the appearance the file ends only on the court's decision.",
                person=f.person_id,
            )
        )
    today = local_date(ctx.now)
    if grounds == "term_served":
        if f.ends_on is not None and today <= f.ends_on:
            raise Conflict(
                say(
                    "The supervision period of %(person)s runs until the end of %(ends_on)s; "
                    "before then it ends only on a court's decision to cancel or revoke it "
                    "(CC 84(1), (4)).",
                    person=f.person_id,
                    ends_on=f.ends_on.isoformat(),
                )
            )
        if f.hours is not None and (ctx.input.hours_served or 0) < f.hours:
            raise Conflict(
                say(
                    "Community work of %(hours)s hours: give the hours served (CC 61; CEC 30(2)).",
                    hours=f.hours,
                )
            )
    elif grounds in ("cancelled_early", "revoked"):
        if not ctx.input.decision:
            raise Invalid(
                say(
                    "Name the court's decision that cancels or revokes the supervision "
                    "(CC 84(2)-(4))."
                ),
                fields={"decision": gettext_noop("required")},
            )
    elif f.type in SERVED_TYPES:
        if f.type == "executive":
            message = say(
                "Executive probation executes a sentence; it ends when served, or on a court's "
                "decision (CC 84)."
            )
        else:  # postpenitentiary, the other of SERVED_TYPES
            message = say(
                "Postpenitentiary probation executes a sentence; it ends when served, or on a "
                "court's decision (CC 84)."
            )
        raise Conflict(message)
    finishing = [f"probation:{f.person_id}"] if f.type in SERVED_TYPES else []
    others = ProbationFile.objects.filter(
        case=case, person_id=f.person_id, state__in=RUNNING, type__in=SERVED_TYPES
    ).exclude(pk=f.pk)
    if others.exists():
        finishing = []
    return {
        "file": f.id,
        "person": f.person_id,
        "type": f.type,
        "grounds": grounds,
        "decision": ctx.input.decision,
        "hours_served": ctx.input.hours_served,
        "case_closed": bool(finishing) and closes_case(case.number, finishing),
    }


# --- pre-sentence reports (CPC 280(4)) --------------------------------------------------------


def report_term() -> Duration | None:
    """The time given for a pre-sentence report: the setting `PROBATION_REPORT_TERM` (e.g.
    "1M", "20d"), else the rule pack's configured term; the law fixes none (LEGAL-DATA)."""
    value = getattr(settings, "PROBATION_REPORT_TERM", "") or ""
    if value:
        return Duration.parse(value)
    try:
        rule = pack_for_set("kg-2021").rule("probation.report")
    except (LookupError, KeyError):
        return None
    return rule.duration


def mandatory_grounds(case: Case, today: date) -> list[dict[str, str]]:
    """The accused for whom the law makes the report mandatory (CPC 280(4)): women and children
    — under 18 on `today` (disability is not recorded in the index yet)."""
    grounds = []
    accused = CaseParticipant.objects.filter(case=case, role="accused").select_related("person")
    for p in accused.order_by("person_id"):
        age = age_on(p.person.birth_date, today) if p.person.birth_date else None
        if age is not None and age < 18:
            grounds.append({"person": p.person_id, "grounds": "child"})
        elif p.person.sex == "F":
            grounds.append({"person": p.person_id, "grounds": "woman"})
    return grounds


class RequestIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    hearing: str = pydantic.Field(min_length=1, max_length=60)
    starts_at: pydantic.AwareDatetime
    court: str | None = pydantic.Field(default=None, max_length=32)


def _apply_request(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    ReportRequest.objects.create(
        id=data["request"],
        case=case,
        office_id=data["office"],
        territory_path=data["territory_path"],
        hearing=data["hearing"],
        persons=data["persons"],
        mandatory=data["mandatory"],
        requested_at=event.recorded_at,
        due_at=datetime.fromisoformat(data["due_at"]),
    )
    if data["office"]:
        CaseUnit.objects.get_or_create(case=case, unit_id=data["office"], capacity="probation")
        raise_alert(
            event,
            1,
            kind="probation.report.requested",
            unit=data["office"],
            roles=[OFFICER],
            case=case,
            subject=data["request"],  # the report that answers it names the request
            message=say(
                "A pre-sentence report is requested in case %(case)s (CPC 280(4)), due by "
                "%(due_at)s.",
                case=case.number,
                due_at=data["due_at"],
            ),
        )
    return {"request": data["request"], "due_at": data["due_at"], "office": data["office"]}


@act_kind(
    "probation.report.request",
    schema=RequestIn,
    roles=("system",),
    legal_basis="CPC 280(4)",
    apply=_apply_request,
    title="Request a pre-sentence probation report",
)
def request_report(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a court sets a hearing with a pre-sentence probation report
    ordered (CPC 280(4); mandatory for children, women and persons with disabilities, which the
    court's act enforces — the request records who of the accused it is mandatory for). The
    request goes to the probation office of the
    court's region and is due after the configured term (`PROBATION_REPORT_TERM`, else the rule
    pack's) and in any case before the hearing begins."""
    case = ctx.case
    assert case is not None
    court = Unit.objects.select_related("territory").filter(pk=ctx.input.court or "").first()
    office = office_for(court.territory.path if court else case.territory_path)
    starts_at = ctx.input.starts_at
    term = report_term()
    due = starts_at if term is None else min(due_for(ctx.now, term), starts_at)
    persons = sorted(
        CaseParticipant.objects.filter(case=case, role="accused").values_list(
            "person_id", flat=True
        )
    )
    assert ctx.head is not None
    return {
        "request": f"RR-{case.number}-{ctx.head.seq + 1}",
        "hearing": ctx.input.hearing,
        "court": court.code if court else None,
        "office": office.code if office else None,
        "territory_path": office.territory.path if office else case.territory_path,
        "persons": persons,
        "mandatory": mandatory_grounds(case, local_date(case.registered_at)),
        "term": str(term) if term else None,
        "due_at": iso(due),
    }


@reaction("courts.hearing.schedule")
def request_on_hearing(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """A hearing set with `probation_report` opens a report request, one at a time."""
    case = ctx.case
    if case is None or not data.get("probation_report"):
        return
    if ReportRequest.objects.filter(case=case, state="open").exists():
        return
    from icjis.courts.models import CourtCase

    court = CourtCase.objects.filter(pk=data.get("court_case") or "").values_list(
        "court_id", flat=True
    )
    yield Reaction(
        "probation.report.request",
        {
            "hearing": data.get("hearing") or "",
            "starts_at": data["starts_at"],
            "court": court.first(),
        },
        case.number,
    )


class SubmitIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    request: str | None = pydantic.Field(default=None, max_length=60)
    summary: str = pydantic.Field(min_length=10, max_length=20_000)


def _apply_submit(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    ReportRequest.objects.filter(pk=data["request"]).update(
        state="submitted",
        submitted_at=event.recorded_at,
        submitted_by=event.actor,
        late=data["late"],
        summary=data["summary"],
    )
    answer(event, "probation.report.requested", data["request"])
    return {"request": data["request"], "late": data["late"]}


@act_kind(
    "probation.report.submit",
    schema=SubmitIn,
    roles=(OFFICER,),
    legal_basis="CPC 280(4)",
    apply=_apply_submit,
    title="Submit the pre-sentence probation report",
)
def submit_report(ctx: Context) -> dict[str, Any]:
    """Records the pre-sentence probation report the office sends the court (CPC 280(4)); it
    meets the request (and the rule pack's term `probation.report`, where one is configured).
    A report after the due time is accepted and marked late."""
    case = ctx.case
    assert case is not None
    qs = ReportRequest.objects.filter(case=case, state="open")
    if ctx.input.request:
        qs = qs.filter(pk=ctx.input.request)
    req = qs.order_by("requested_at", "id").first()
    if req is None:
        raise Conflict(say("No pre-sentence report is awaited in case %(case)s.", case=case.number))
    if req.office_id and not getattr(ctx.user, "is_system", False):
        if req.office_id != ctx.user.unit_id:
            raise Forbidden(say("The report was requested from %(office)s.", office=req.office_id))
    return {
        "request": req.id,
        "summary": ctx.input.summary.strip(),
        "due_at": iso(req.due_at),
        "late": ctx.now > req.due_at,
    }


projections.tables(Violation, Referral, Meeting, ReportRequest, ProbationFile)
