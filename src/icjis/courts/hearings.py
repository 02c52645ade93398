"""Hearings: scheduling, postponement, the opening of the trial (CPC 280, 283, 301).

The judge decides on a case received within 5 days (CPC 277(3)); the decision to set the case
down for trial names the place, date and time (280(3)(1)). The parties must be told at least 5
days before the hearing (280(6)), so a hearing is never set sooner than 5 days ahead; the trial
must begin within 14 days of that order (30 with jurors) (283(1)), so the first hearing is not
set later than the end of that term, counted as the deadline engine counts it (CPC 137). A
postponement (301(1)) records its reasons and a new time, again at least 5 days ahead.

The time of a hearing is an appointment in the future, never the time of an act: every act is
stamped by the server's clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import Case, CaseParticipant, Event
from icjis.core.persons import age_on
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Said, joined, say
from icjis.courts.assignment import Reason, staff_court_case
from icjis.courts.context import case_in
from icjis.courts.models import CourtCase, Hearing
from icjis.legal.counting import due_at, local_date

NOTICE = timedelta(days=5)  # CPC 280(6)
TRIAL_START_DAYS = 14  # CPC 283(1)
TRIAL_START_DAYS_JURY = 30  # CPC 283(1)
SLOT = timedelta(hours=1)  # one hearing per room and hour
OPEN_EARLY = timedelta(hours=1)  # a trial is opened at its hearing, not before

Room = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
]


def _at(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def _require_bench_or_clerk(ctx: Context, court_case: CourtCase) -> None:
    """The judge(s) of the court case, or a clerk of its court (scope: the court's unit)."""
    if ctx.actor.role == "court_clerk":
        return
    # A judge of the bench: the presiding judge or, on appeal, a member of the panel (CPC 411).
    if ctx.user.username not in {court_case.judge, *court_case.panel}:
        raise Forbidden(
            say(
                "Only the judge of %(court_case)s or a clerk of the court may do this.",
                court_case=court_case.pk,
            )
        )


def _notice_given(ctx: Context, starts_at: datetime) -> None:
    if starts_at < ctx.now + NOTICE:
        earliest = _at(ctx.now + NOTICE + timedelta(minutes=1))
        raise Invalid(
            say(
                "The parties must be told at least 5 days before the hearing (CPC 280(6)); the "
                "earliest time is %(earliest)s.",
                earliest=iso(earliest),
            ),
            fields={"starts_at": gettext_noop("less than 5 days ahead")},
        )


def _room_free(court_case: CourtCase, room: str, starts_at: datetime, hearing: str = "") -> None:
    clash = (
        Hearing.objects.filter(
            court=court_case.court,
            room=room,
            state="scheduled",
            starts_at__gt=starts_at - SLOT,
            starts_at__lt=starts_at + SLOT,
        )
        .exclude(pk=hearing)
        .first()
    )
    if clash is not None:
        raise Conflict(
            say(
                "Room %(room)s is taken by hearing %(hearing)s at %(at)s; choose another "
                "room or time.",
                room=room,
                hearing=clash.pk,
                at=iso(clash.starts_at),
            )
        )


def report_mandatory_for(case: Case) -> dict[str, str]:
    """The accused for whom the court must order a pre-sentence probation report (CPC 280(4)),
    as far as the persons index knows: a woman, or a child — under 18 on the day the case was
    registered, the nearest the register comes to the day of the crime. Disability is not in the
    index; the judge orders the report for such a person by setting the flag."""
    found: dict[str, str] = {}
    day = local_date(case.registered_at)
    accused = CaseParticipant.objects.filter(case=case, role="accused").select_related("person")
    for row in accused.order_by("person_id"):
        person = row.person
        if person.birth_date is not None and age_on(person.birth_date, day) < 18:
            found[person.pk] = "a child"
        elif person.sex == "F":
            found[person.pk] = "a woman"
    return found


def _report_mandatory(mandatory: dict[str, str]) -> Said:
    """The refusal when the judge declines a report the law makes mandatory (CPC 280(4)): said
    whole for one accused; for several, each "person is a child/woman" in turn."""
    if len(mandatory) == 1:
        [(person, why)] = mandatory.items()
        if why == "a child":
            return say(
                "A pre-sentence probation report is mandatory here (%(person)s is a child): the "
                "court must order it (CPC 280(4)); set probation_report to true or leave it out.",
                person=person,
            )
        if why == "a woman":
            return say(
                "A pre-sentence probation report is mandatory here (%(person)s is a woman): the "
                "court must order it (CPC 280(4)); set probation_report to true or leave it out.",
                person=person,
            )
    who = joined(
        [_why_mandatory(p, why) for p, why in mandatory.items()],
        lambda first, rest: say("%(first)s; %(rest)s", first=first, rest=rest),
    )
    return say(
        "A pre-sentence probation report is mandatory here (%(who)s): the court must order it "
        "(CPC 280(4)); set probation_report to true or leave it out.",
        who=who,
    )


def _why_mandatory(person: str, why: str) -> Said:
    if why == "a child":
        return say("%(person)s is a child", person=person)
    if why == "a woman":
        return say("%(person)s is a woman", person=person)
    return say("%(person)s is %(why)s", person=person, why=why)


def trial_start_limit(court_case: CourtCase, ordered_at: datetime) -> datetime:
    """The end of the term in which the trial must begin after the scheduling order (CPC
    283(1)), counted as the rule `court.trial_start` counts it (CPC 137)."""
    days = TRIAL_START_DAYS_JURY if court_case.jury else TRIAL_START_DAYS
    return due_at(ordered_at, days, "d")


# --- courts.hearing.schedule --------------------------------------------------------------------


class ScheduleIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: str | None = pydantic.Field(default=None, max_length=40)
    starts_at: pydantic.AwareDatetime = pydantic.Field(description="the hearing's start")
    room: Room
    probation_report: bool | None = pydantic.Field(
        default=None,
        description="a pre-sentence probation report is ordered (CPC 280(4)); mandatory, and so "
        "ordered when left out, at first instance for an accused who is a child or a woman",
    )


def _apply_schedule(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    court_case = CourtCase.objects.get(pk=data["court_case"])
    Hearing.objects.create(
        id=data["hearing"],
        court_case=court_case,
        court_id=court_case.court_id,
        starts_at=datetime.fromisoformat(data["starts_at"]),
        room=data["room"],
        judge=data["judge"],
    )
    if court_case.state in ("registered", "assigned"):
        CourtCase.objects.filter(pk=court_case.pk).update(state="scheduled")
    Case.objects.filter(pk=court_case.case_id).update(last_movement_at=event.recorded_at)
    return {"hearing": data["hearing"], "court_case": court_case.pk, "starts_at": data["starts_at"]}


@act_kind(
    "courts.hearing.schedule",
    schema=ScheduleIn,
    roles=("judge", "appeal_judge", "court_clerk"),
    legal_basis="CPC 277(1)(5), 280(3), (6), 283(1), 411(1), 412(1)",
    apply=_apply_schedule,
    title="Set a hearing",
)
def schedule_hearing(ctx: Context) -> dict[str, Any]:
    """Records a hearing of a court case: its time and room, before the judge of the case. The
    first one is the judge's decision to set the case down for trial (CPC 277(1)(5), 280), which
    meets the 5-day intake term (277(3)) and starts the 14-day term for the trial to begin
    (283(1); 30 days with jurors). Refused when the parties could not be told at least 5 days
    ahead (280(6)) or, for the first hearing at first instance, when it lies beyond the 14-day
    term. An appeal court sets its hearings the same way (411(1), 412(1)). The order may charge
    the probation body with a pre-sentence report (280(4), `probation_report`); for an accused
    who is a child or a woman it must, so leaving the flag out orders it and `false` is
    refused (as far as the persons index knows sex and birth date)."""
    court_case = staff_court_case(ctx, ctx.input.court_case)
    _require_bench_or_clerk(ctx, court_case)
    if not court_case.judge:
        raise Conflict(
            say("No judge has been drawn for %(court_case)s yet.", court_case=court_case.pk)
        )
    starts_at = _at(ctx.input.starts_at)
    _notice_given(ctx, starts_at)
    count = Hearing.objects.filter(court_case=court_case).count()
    first = count == 0
    if first and court_case.instance == "first":
        limit = trial_start_limit(court_case, ctx.now)
        if starts_at >= limit:
            days = TRIAL_START_DAYS_JURY if court_case.jury else TRIAL_START_DAYS
            raise Invalid(
                say(
                    "The trial must begin within %(days)s days of the order setting it down (CPC "
                    "283(1)): the first hearing must start before %(limit)s.",
                    days=days,
                    limit=iso(limit),
                ),
                fields={"starts_at": say("more than %(days)s days after the order", days=days)},
            )
    _room_free(court_case, ctx.input.room, starts_at)
    report = bool(ctx.input.probation_report)
    mandatory: dict[str, str] = {}
    if court_case.instance == "first":
        case = case_in(ctx)  # refused when the act names no case
        mandatory = report_mandatory_for(case)
        if mandatory and ctx.input.probation_report is False:
            message = _report_mandatory(mandatory)
            raise Invalid(
                message,
                fields={"probation_report": gettext_noop("mandatory for a child or a woman")},
            )
        if mandatory and ctx.input.probation_report is None:
            # Ordered once, with the decision setting the case down for trial (280(4)).
            report = first or not _report_ordered(case)
    recorded: dict[str, Any] = {
        "court_case": court_case.pk,
        "hearing": f"{court_case.pk}-H{count + 1}",
        "starts_at": iso(starts_at),
        "room": ctx.input.room,
        "judge": court_case.judge,
        "first": first,
        "jury": court_case.jury,
        "probation_report": report,
    }
    if mandatory and report:
        recorded["probation_report_mandatory"] = sorted(mandatory)
    return recorded


def _report_ordered(case: Case) -> bool:
    """Whether a hearing of the case already ordered the probation report."""
    events = Event.objects.filter(stream=f"case/{case.number}", kind="courts.hearing.schedule")
    return any(e.payload.get("probation_report") for e in events)


# --- courts.hearing.postpone --------------------------------------------------------------------


class PostponeIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    hearing: str = pydantic.Field(min_length=3, max_length=60)
    starts_at: pydantic.AwareDatetime = pydantic.Field(description="the new start")
    room: Room | None = pydantic.Field(default=None, description="default: the same room")
    reason: Reason


def _hearing_in(ctx: Context, hearing: str) -> Hearing:
    case_in(ctx)  # refused when the act names no case
    found = (
        Hearing.objects.filter(pk=hearing, court_case__case=ctx.case)
        .select_related("court_case__court")
        .first()
    )
    if found is None:
        raise NotFound(say("There is no hearing %(hearing)s in this case.", hearing=hearing))
    return found


def _apply_postpone(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    hearing = Hearing.objects.get(pk=data["hearing"])
    hearing.starts_at = datetime.fromisoformat(data["starts_at"])
    hearing.room = data["room"]
    hearing.postponements += 1
    hearing.last_reason = data["reason"][:300]
    hearing.save(update_fields=["starts_at", "room", "postponements", "last_reason"])
    Case.objects.filter(pk=hearing.court_case.case_id).update(last_movement_at=event.recorded_at)
    return {"hearing": hearing.pk, "starts_at": data["starts_at"]}


@act_kind(
    "courts.hearing.postpone",
    schema=PostponeIn,
    roles=("judge", "appeal_judge", "court_clerk"),
    legal_basis="CPC 301(1), 280(6)",
    apply=_apply_postpone,
    title="Postpone a hearing",
)
def postpone_hearing(ctx: Context) -> dict[str, Any]:
    """Records the postponement of a hearing with its reasons — a summoned person's absence,
    evidence to be obtained, a fault of the recording equipment (CPC 301(1)) — and the new time,
    of which the parties must again be told at least 5 days ahead (280(6)). A postponement does
    not move the legal terms: if it pushes the trial's start past 283(1), the term shows missed."""
    hearing = _hearing_in(ctx, ctx.input.hearing)
    court_case = staff_court_case(ctx, hearing.court_case_id)
    _require_bench_or_clerk(ctx, court_case)
    if hearing.state != "scheduled":
        raise Conflict(say("The hearing %(hearing)s has already been held.", hearing=hearing.pk))
    starts_at = _at(ctx.input.starts_at)
    _notice_given(ctx, starts_at)
    room = ctx.input.room or hearing.room
    _room_free(court_case, room, starts_at, hearing=hearing.pk)
    return {
        "court_case": court_case.pk,
        "hearing": hearing.pk,
        "previous": iso(hearing.starts_at),
        "starts_at": iso(starts_at),
        "room": room,
        "reason": ctx.input.reason,
    }


# --- courts.trial.open --------------------------------------------------------------------------


class OpenIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    hearing: str = pydantic.Field(min_length=3, max_length=60)


def _apply_open(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Hearing.objects.filter(pk=data["hearing"]).update(state="held")
    CourtCase.objects.filter(pk=data["court_case"]).update(state="in_trial")
    return {"hearing": data["hearing"], "court_case": data["court_case"]}


@act_kind(
    "courts.trial.open",
    schema=OpenIn,
    roles=("judge", "appeal_judge"),
    legal_basis="CPC 283(1), 292",
    apply=_apply_open,
    title="Open the trial at its hearing",
)
def open_trial(ctx: Context) -> dict[str, Any]:
    """Records that the presiding judge opened the trial at its scheduled hearing (CPC 292),
    which meets the term for the trial to begin (283(1)). Only at the time of the hearing: the
    server's clock says when it happened."""
    hearing = _hearing_in(ctx, ctx.input.hearing)
    court_case = staff_court_case(ctx, hearing.court_case_id)
    if ctx.user.username != court_case.judge:
        raise Forbidden(
            say(
                "Only the presiding judge of %(court_case)s opens the trial.",
                court_case=court_case.pk,
            )
        )
    if court_case.state == "in_trial":
        raise Conflict(
            say("The trial of %(court_case)s has already begun.", court_case=court_case.pk)
        )
    if hearing.state != "scheduled":
        raise Conflict(say("The hearing %(hearing)s has already been held.", hearing=hearing.pk))
    if ctx.now < hearing.starts_at - OPEN_EARLY:
        raise Conflict(
            say(
                "The hearing %(hearing)s is set for %(at)s.",
                hearing=hearing.pk,
                at=iso(hearing.starts_at),
            )
        )
    return {"court_case": court_case.pk, "hearing": hearing.pk}
