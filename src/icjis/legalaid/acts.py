"""Appointment of the duty lawyer (module C): legal aid triggered by the detention event.

A suspect has the right to a lawyer from the moment of actual detention and, without a lawyer of
their own, to state-guaranteed legal aid (CPC 44(1)(6); for the accused 46(1)(8)-(9)); the
lawyer takes part from the actual detention (CPC 49(2)) and must take part in it (CPC 51(2)); the
investigator provides one through the state register of advocates (CPC 50(4)-(5); Law on
State-Guaranteed Legal Aid). So an arrest (or a notice of suspicion) of a person without counsel
makes the system appoint the duty lawyer in the same transaction; the lawyer is told through the
outbox (every event goes to the feed), must accept within `LEGALAID_ACCEPT_MINUTES`, and each
answer is timed against the custody clock. A decline or silence passes the case to the next
lawyer on duty; when nobody is on duty the appointment stays `unassigned` and the coordinator
is alerted — nothing is dropped. Counsel chosen by the person replaces the appointment (CPC 50(1)).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, Reaction, act_kind, reaction
from icjis.core.alerts import answer, raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Case, CaseOfficer, CaseParticipant, Event, Person
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Said, say
from icjis.legal.models import Deadline
from icjis.legalaid.models import (
    ACTIVE_STATES,
    OPEN_STATES,
    Advocate,
    Appointment,
    PrivateCounsel,
)
from icjis.legalaid.register import LEGAL_AID_LAW, LICENCE, duty_lawyer, parse_time

COORDINATOR = "legal_aid_coordinator"
APPOINTMENT_ID = r"^LA-[0-9A-Za-z-]{1,56}$"
Trigger = Literal["request", "arrest", "suspicion", "decline", "escalation", "retry"]


def accept_minutes() -> int:
    """How long an appointed lawyer has to accept (settings.LEGALAID_ACCEPT_MINUTES)."""
    return int(getattr(settings, "LEGALAID_ACCEPT_MINUTES", 60))


def _minutes(later: datetime, earlier: datetime | None) -> float | None:
    if earlier is None:
        return None
    return round((later - earlier).total_seconds() / 60, 2)


def detained_at(case: Case, person: str) -> datetime | None:
    """The hour of actual detention of `person` in `case` (the custody clock's start), if they
    were arrested: from the running custody deadline, else from the arrest event itself."""
    term = (
        Deadline.objects.filter(case=case, rule__startswith="detention.release", subject=person)
        .order_by("-start_seq")
        .first()
    )
    if term is not None:
        return term.starts_at
    arrests = Event.objects.filter(stream=f"case/{case.number}", kind="detention.arrest")
    for event in arrests.order_by("-seq"):
        data = event.payload
        if _person_id(data.get("person")) == person:
            return parse_time(data.get("detained_at")) or event.claimed_at or event.recorded_at
    return None


def _person_id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def has_counsel(case: Case, person: str) -> bool:
    """Whether the person already has a lawyer in the case, or one is being found for them."""
    if Appointment.objects.filter(
        case=case, person_id=person, state__in=(*OPEN_STATES, "accepted")
    ).exists():
        return True
    return PrivateCounsel.objects.filter(case=case, person_id=person, ended_at=None).exists()


def represents(case: Case, username: str, person: str) -> bool:
    """Whether the advocate `username` is counsel of `person` in the case: an accepted legal-aid
    appointment or chosen counsel not replaced."""
    return (
        Appointment.objects.filter(
            case=case, person_id=person, lawyer=username, state="accepted"
        ).exists()
        or PrivateCounsel.objects.filter(
            case=case, person_id=person, username=username, ended_at=None
        ).exists()
    )


def represented(case: Case, username: str) -> set[str]:
    """The persons the advocate `username` is counsel of in the case (as `represents`)."""
    appointed = Appointment.objects.filter(case=case, lawyer=username, state="accepted")
    chosen = PrivateCounsel.objects.filter(case=case, username=username, ended_at=None)
    return set(appointed.values_list("person_id", flat=True)) | set(
        chosen.values_list("person_id", flat=True)
    )


# --- projector helpers ------------------------------------------------------------------------


def _case_of(event: Event) -> Case:
    return Case.objects.select_related("unit").get(number=event.stream.removeprefix("case/"))


def _release_lawyer(case: Case, username: str) -> None:
    """Take the lawyer off the case unless they still act in it for someone."""
    if not username:
        return
    still = (
        Appointment.objects.filter(case=case, lawyer=username, state__in=ACTIVE_STATES).exists()
        or PrivateCounsel.objects.filter(case=case, username=username, ended_at=None).exists()
    )
    if not still:
        CaseOfficer.objects.filter(case=case, username=username, role="lawyer").delete()


def _seat_lawyer(case: Case, username: str, at: datetime) -> None:
    if username:
        CaseOfficer.objects.get_or_create(
            case=case, username=username, role="lawyer", defaults={"since": at}
        )


def _close(case: Case, ids: list[str], state: str, at: datetime, reason: str) -> None:
    closing = list(Appointment.objects.filter(pk__in=ids, case=case))
    Appointment.objects.filter(pk__in=ids, case=case).update(
        state=state, closed_at=at, closed_reason=reason[:200]
    )
    for a in closing:
        _release_lawyer(case, a.lawyer)
        _note_on_case(case, a.id)


def _note_on_case(case: Case, appointment_id: str) -> None:
    """Keep the appointments in the case's details, so `GET /cases/{n}` shows their ids."""
    a = Appointment.objects.filter(pk=appointment_id).first()
    if a is None:
        return
    entry = {"person": a.person_id, "lawyer": a.lawyer or None, "state": a.state}
    projections.note_on_case(case.pk, "legal_aid", a.id, entry)


def _appointment(ctx: Context, appointment_id: str, *, lawyer_only: bool) -> Appointment:
    case = ctx.case
    assert case is not None
    a = Appointment.objects.filter(pk=appointment_id, case=case).first()
    if a is None:
        raise NotFound(
            say("There is no appointment %(appointment)s in this case.", appointment=appointment_id)
        )
    if lawyer_only and a.lawyer != ctx.user.username:
        raise Forbidden(say("Only the lawyer appointed may answer this appointment."))
    if a.state != "offered":
        # The state stays as recorded (the pages say this sentence without it).
        raise Conflict(
            say(
                "Appointment %(appointment)s is %(state)s; it can no longer be answered.",
                appointment=a.id,
                state=a.state,
            )
        )
    return a


# --- appoint ----------------------------------------------------------------------------------


class Appoint(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")
    lawyer: str | None = pydantic.Field(
        default=None,
        min_length=1,
        max_length=64,
        description="licence or username of the advocate; default: the lawyer on duty",
    )
    trigger: Trigger = pydantic.Field(
        default="request", description="set by the system; people leave it out"
    )
    after: str | None = pydantic.Field(default=None, pattern=APPOINTMENT_ID)


def _apply_appoint(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case_of(event)
    at = event.recorded_at
    _close(case, data["supersedes"], "superseded", at, f"followed by {data['appointment']}")
    Appointment.objects.create(
        id=data["appointment"],
        case=case,
        person_id=data["person"],
        territory_path=case.territory_path,
        state=data["state"],
        trigger=data["trigger"],
        previous=data["after"] or "",
        lawyer=data["lawyer"] or "",
        licence=data["licence"] or "",
        district=data["district"] or "",
        shift_starts_at=parse_time(data["shift_starts_at"]),
        appointed_at=at,
        respond_by=parse_time(data["respond_by"]),
        detained_at=parse_time(data["detained_at"]),
    )
    _seat_lawyer(case, data["lawyer"], at)
    if data["lawyer"]:  # a lawyer found answers "nobody on duty could be appointed"
        answer(event, "legalaid.unassigned", data["person"])
    if data["state"] == "unassigned":
        raise_alert(
            event,
            1,
            kind="legalaid.unassigned",
            unit=case.unit,
            roles=[COORDINATOR],
            case=case,
            subject=data["person"],
            message=say(
                "Nobody on duty could be appointed for person %(person)s in case %(case)s "
                "(%(appointment)s); appoint a lawyer by hand (CPC 50(5), 51(2)).",
                person=data["person"],
                case=case.number,
                appointment=data["appointment"],
            ),
        )
    _note_on_case(case, data["appointment"])
    return {
        "appointment": data["appointment"],
        "person": data["person"],
        "state": data["state"],
        "lawyer": data["lawyer"],
        "licence": data["licence"],
        "respond_by": data["respond_by"],
    }


def _advocate_named(name: str) -> Advocate:
    found = Advocate.objects.filter(licence=name).first() or (
        Advocate.objects.filter(username=name).first()
    )
    if found is None:
        raise Invalid(
            say("%(name)s is not in the register of advocates.", name=name),
            fields={"lawyer": gettext_noop("unknown")},
        )
    if found.status != "active" or not found.username:
        why = _cannot_take_cases(found)
        raise Conflict(why)
    return found


def _cannot_take_cases(advocate: Advocate) -> Said:
    """Why a registered advocate cannot be appointed: by the status of their entry (an active one
    has no account yet)."""
    licence = advocate.licence
    if advocate.status == "active":
        return say("Advocate %(licence)s cannot take cases now (active).", licence=licence)
    if advocate.status == "suspended":
        return say("Advocate %(licence)s cannot take cases now (suspended).", licence=licence)
    if advocate.status == "terminated":
        return say("Advocate %(licence)s cannot take cases now (terminated).", licence=licence)
    return say(
        "Advocate %(licence)s cannot take cases now (%(status)s).",
        licence=licence,
        status=advocate.status,
    )


@act_kind(
    "legalaid.appoint",
    schema=Appoint,
    roles=(COORDINATOR,),
    legal_basis=f"CPC 44(1)(6), 49(2), 50(4)-(5), 51(2); {LEGAL_AID_LAW}",
    apply=_apply_appoint,
    title="Appoint a lawyer (state-guaranteed legal aid)",
)
def appoint(ctx: Context) -> dict[str, Any]:
    """Appoints a lawyer for a detained person or suspect who has none: by default the first
    active advocate on the duty shift of the case's district (then region) at this moment who
    has not yet been asked for this person; the coordinator may name one. The lawyer has
    `LEGALAID_ACCEPT_MINUTES` to accept. With nobody on duty the appointment is recorded as
    `unassigned` and the coordinator is alerted (CPC 44(1)(6), 49(2), 50(4)-(5), 51(2)). A new
    appointment takes the place of one still open for the person; a person who has accepted or
    chosen counsel gets none."""
    case = ctx.case
    given = ctx.input
    assert case is not None
    system = getattr(ctx.user, "is_system", False)
    if not system and (given.trigger != "request" or given.after):
        raise Forbidden(say("Only the system sets trigger and after."))
    person = Person.objects.filter(pk=given.person).first()
    if person is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=given.person))
    if not system and not CaseParticipant.objects.filter(case=case, person=person).exists():
        raise Conflict(
            say("%(person)s takes no part in case %(case)s.", person=person.id, case=case.number)
        )
    mine = Appointment.objects.filter(case=case, person=person)
    if given.trigger in ("arrest", "suspicion") and has_counsel(case, person.id):
        raise Conflict(
            say("%(person)s already has counsel or an appointment under way.", person=person.id)
        )
    if (
        mine.filter(state="accepted").exists()
        or PrivateCounsel.objects.filter(case=case, person=person, ended_at=None).exists()
    ):
        raise Conflict(say("%(person)s already has counsel in this case.", person=person.id))
    tried = set(mine.filter(state__in=("declined", "lapsed")).values_list("licence", flat=True))
    shift = None
    advocate: Advocate | None
    if given.lawyer:
        advocate = _advocate_named(given.lawyer)
    else:
        found = duty_lawyer(case, ctx.now, exclude=tried)
        advocate, shift = found if found else (None, None)
    assert ctx.head is not None
    appointment_id = f"LA-{case.number}-{ctx.head.seq + 1}"
    respond_by = ctx.now + timedelta(minutes=accept_minutes()) if advocate else None
    return {
        "appointment": appointment_id,
        "person": person.id,
        "trigger": given.trigger,
        "after": given.after,
        "state": "offered" if advocate else "unassigned",
        "lawyer": advocate.username if advocate else None,
        "licence": advocate.licence if advocate else None,
        "district": shift.district if shift else None,
        "shift_starts_at": iso(shift.starts_at) if shift else None,
        "respond_by": iso(respond_by),
        "detained_at": iso(detained_at(case, person.id)),
        "tried": sorted(t for t in tried if t),
        "supersedes": sorted(mine.filter(state__in=OPEN_STATES).values_list("id", flat=True)),
    }


def _appoint_if_without_counsel(
    ctx: Context, data: dict[str, Any], trigger: str
) -> Iterator[Reaction]:
    case = ctx.case
    person = _person_id(data.get("person"))
    if case is None or person is None or not Person.objects.filter(pk=person).exists():
        return
    if not has_counsel(case, person):
        yield Reaction("legalaid.appoint", {"person": person, "trigger": trigger}, case.number)


@reaction("detention.arrest")
def appoint_on_arrest(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """An arrest of a person without counsel appoints the duty lawyer (CPC 44(1)(6), 51(2))."""
    yield from _appoint_if_without_counsel(ctx, data, "arrest")


@reaction("registry.suspicion.notify")
def appoint_on_suspicion(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """A notice of suspicion to a person without counsel appoints the duty lawyer (CPC 44(1)(6))."""
    yield from _appoint_if_without_counsel(ctx, data, "suspicion")


def _appoint_next(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    trigger = "decline" if event.kind == "legalaid.decline" else "escalation"
    yield Reaction(
        "legalaid.appoint",
        {"person": data["person"], "trigger": trigger, "after": data["appointment"]},
        ctx.case.number if ctx.case else None,
    )


# --- accept / decline -------------------------------------------------------------------------


class Answer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    appointment: str = pydantic.Field(pattern=APPOINTMENT_ID)


class Decline(Answer):
    reason: str = pydantic.Field(min_length=3, max_length=1000)


def _answer(ctx: Context, a: Appointment) -> dict[str, Any]:
    assert ctx.case is not None
    held = detained_at(ctx.case, a.person_id) or a.detained_at
    return {
        "appointment": a.id,
        "person": a.person_id,
        "lawyer": a.lawyer,
        "licence": a.licence,
        "answered_at": iso(ctx.now),
        "minutes_to_respond": _minutes(ctx.now, a.appointed_at),
        "detained_at": iso(held),
        "minutes_since_detention": _minutes(ctx.now, held),
        "late": bool(a.respond_by and ctx.now > a.respond_by),
    }


def _apply_answer(event: Event, data: dict[str, Any], state: str) -> Case:
    case = _case_of(event)
    Appointment.objects.filter(pk=data["appointment"]).update(
        state=state,
        responded_at=event.recorded_at,
        minutes_to_respond=data["minutes_to_respond"],
        minutes_since_detention=data["minutes_since_detention"],
        detained_at=parse_time(data["detained_at"]),
        late=data["late"],
        decline_reason=data.get("reason", ""),
        closed_at=event.recorded_at if state != "accepted" else None,
    )
    return case


def _apply_accept(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _apply_answer(event, data, "accepted")
    _note_on_case(case, data["appointment"])
    return {
        "appointment": data["appointment"],
        "accepted_at": data["answered_at"],
        "minutes_to_respond": data["minutes_to_respond"],
        "minutes_since_detention": data["minutes_since_detention"],
    }


@act_kind(
    "legalaid.accept",
    schema=Answer,
    roles=("lawyer",),
    legal_basis=f"CPC 49(2), 50(3); {LEGAL_AID_LAW}",
    apply=_apply_accept,
    title="Accept an appointment",
)
def accept(ctx: Context) -> dict[str, Any]:
    """The appointed lawyer accepts the case. The time is recorded, and measured both from the
    appointment and from the actual detention (the custody clock), since the lawyer is to take
    part from the moment of actual detention (CPC 49(2)). An answer after the time allowed, but
    before the case has passed to the next lawyer, is accepted and marked late."""
    return _answer(ctx, _appointment(ctx, ctx.input.appointment, lawyer_only=True))


def _apply_decline(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _apply_answer(event, data, "declined")
    _release_lawyer(case, data["lawyer"])
    _note_on_case(case, data["appointment"])
    return {"appointment": data["appointment"], "declined_at": data["answered_at"]}


@act_kind(
    "legalaid.decline",
    schema=Decline,
    roles=("lawyer",),
    legal_basis=f"CPC 50(4)-(5); {LEGAL_AID_LAW}",
    apply=_apply_decline,
    reactions=(_appoint_next,),
    title="Decline an appointment (with the reason)",
)
def decline(ctx: Context) -> dict[str, Any]:
    """The appointed lawyer declines, giving the reason; the time is recorded against the
    custody clock and the system at once appoints the next lawyer on duty (CPC 50(4)-(5))."""
    a = _appointment(ctx, ctx.input.appointment, lawyer_only=True)
    return {**_answer(ctx, a), "reason": ctx.input.reason.strip()}


# --- escalation (the system, when nobody answers in time) -------------------------------------


def _apply_escalate(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case_of(event)
    Appointment.objects.filter(pk=data["appointment"]).update(
        state="lapsed", closed_at=event.recorded_at, closed_reason="no answer in time"
    )
    _release_lawyer(case, data["lawyer"])
    _note_on_case(case, data["appointment"])
    raise_alert(
        event,
        1,
        kind="legalaid.lapsed",
        unit=case.unit,
        roles=[COORDINATOR],
        case=case,
        subject=data["person"],
        message=say(
            "%(lawyer)s did not accept %(appointment)s (person %(person)s, case %(case)s) by "
            "%(respond_by)s; the next lawyer on duty is being appointed.",
            lawyer=data["lawyer"],
            appointment=data["appointment"],
            person=data["person"],
            case=case.number,
            respond_by=data["respond_by"],
        ),
    )
    return {"appointment": data["appointment"], "state": "lapsed"}


@act_kind(
    "legalaid.escalate",
    schema=Answer,
    roles=("system",),
    legal_basis=f"CPC 50(5), 51(2); {LEGAL_AID_LAW}",
    apply=_apply_escalate,
    reactions=(_appoint_next,),
    title="Escalate an appointment nobody accepted in time",
)
def escalate(ctx: Context) -> dict[str, Any]:
    """Performed by the system (the `legalaid.escalate` job) when the appointed lawyer has not
    accepted in the time allowed: the appointment lapses, the coordinator is alerted and the
    next lawyer on duty is appointed (CPC 50(5), 51(2))."""
    a = _appointment(ctx, ctx.input.appointment, lawyer_only=False)
    if a.respond_by is None or a.respond_by > ctx.now:
        raise Conflict(
            say("Appointment %(appointment)s is still within its time to accept.", appointment=a.id)
        )
    return {
        "appointment": a.id,
        "person": a.person_id,
        "lawyer": a.lawyer,
        "licence": a.licence,
        "respond_by": iso(a.respond_by),
        "minutes_overdue": _minutes(ctx.now, a.respond_by),
    }


# --- private counsel --------------------------------------------------------------------------


class ChooseCounsel(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")
    lawyer_name: str = pydantic.Field(min_length=3, max_length=200)
    licence: str | None = pydantic.Field(default=None, pattern=LICENCE)


def _apply_private(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case_of(event)
    at = event.recorded_at
    ended = list(PrivateCounsel.objects.filter(case=case, person_id=data["person"], ended_at=None))
    PrivateCounsel.objects.filter(pk__in=[p.pk for p in ended]).update(ended_at=at)
    PrivateCounsel.objects.create(
        case=case,
        person_id=data["person"],
        lawyer_name=data["lawyer_name"],
        licence=data["licence"] or "",
        username=data["username"] or "",
        since=at,
        seq=event.seq,
    )
    _close(case, data["replaces"], "replaced", at, "private counsel chosen")
    for p in ended:
        _release_lawyer(case, p.username)
    _seat_lawyer(case, data["username"], at)
    answer(event, "legalaid.unassigned", data["person"])
    return {"person": data["person"], "replaced": data["replaces"]}


@act_kind(
    "legalaid.private_counsel",
    schema=ChooseCounsel,
    roles=("investigator", COORDINATOR),
    legal_basis="CPC 44(1)(4), 46(1)(8), 50(1)",
    apply=_apply_private,
    title="Record counsel chosen by the person",
)
def private_counsel(ctx: Context) -> dict[str, Any]:
    """Records the lawyer the suspect or accused has chosen (CPC 44(1)(4), 46(1)(8), 50(1)).
    Chosen counsel replaces the state-guaranteed appointment: any open or accepted appointment
    for the person is closed as replaced. A registered advocate with an account gets access to
    the case."""
    case = ctx.case
    given = ctx.input
    assert case is not None
    if not CaseParticipant.objects.filter(case=case, person_id=given.person).exists():
        raise NotFound(
            say("%(person)s takes no part in case %(case)s.", person=given.person, case=case.number)
        )
    username = None
    if given.licence:
        advocate = Advocate.objects.filter(pk=given.licence).first()
        if advocate is not None and advocate.status == "active" and advocate.username:
            username = advocate.username
    replaces = Appointment.objects.filter(
        case=case, person_id=given.person, state__in=(*OPEN_STATES, "accepted")
    ).values_list("id", flat=True)
    return {
        "person": given.person,
        "lawyer_name": given.lawyer_name.strip(),
        "licence": given.licence,
        "username": username,
        "replaces": sorted(replaces),
    }


projections.tables(Appointment, PrivateCounsel)
