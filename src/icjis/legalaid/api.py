"""API routes of legal aid (mounted under /api/v1 by icjis.urls): appointments, the
coordinators' views (coverage of rosters, response times) and the register of advocates.

Who sees which appointment: a lawyer sees the appointments made to them; a coordinator those of
their region (national scope: all); anybody else those in cases they may read."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import in_visible_cases, log_read, scope_of
from icjis.core.api import DIRECTORY_PROVIDERS
from icjis.core.canonical import iso
from icjis.core.models import Territory
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.legalaid.models import OPEN_STATES, Advocate, Appointment, DutyShift
from icjis.legalaid.register import on_duty

router = Router(tags=["legalaid"])

COORDINATOR = "legal_aid_coordinator"
MAX_COVERAGE = timedelta(days=400)
MAX_GAPS = 200


def _area(user: Any) -> str:
    """The territory subtree a coordinator answers for ("KG/" for national scope)."""
    return "KG/" if scope_of(user) == "national" else user.unit.territory.path


def visible_appointments(user: Any) -> QuerySet[Appointment]:
    if user.has_role(COORDINATOR) or scope_of(user) == "national":
        return Appointment.objects.filter(territory_path__startswith=_area(user))
    if user.has_role("lawyer"):
        return Appointment.objects.filter(lawyer=user.username)
    return Appointment.objects.filter(in_visible_cases(user))


def _coordinator_area(user: Any) -> str:
    if not (user.has_role(COORDINATOR) or scope_of(user) == "national"):
        raise Forbidden(
            say("Only legal aid coordinators and national oversight see rosters' coverage.")
        )
    return _area(user)


def _appointment_json(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.id,
        "case": a.case_id,
        "person": a.person_id,
        "person_name": a.person.full_name,
        "state": a.state,
        "trigger": a.trigger,
        "previous": a.previous or None,
        "lawyer": a.lawyer or None,
        "licence": a.licence or None,
        "district": a.district or None,
        "appointed_at": iso(a.appointed_at),
        "respond_by": iso(a.respond_by),
        "detained_at": iso(a.detained_at),
        "responded_at": iso(a.responded_at),
        "minutes_to_respond": a.minutes_to_respond,
        "minutes_since_detention": a.minutes_since_detention,
        "late": a.late,
        "decline_reason": a.decline_reason or None,
        "closed_at": iso(a.closed_at),
        "closed_reason": a.closed_reason or None,
    }


class AppointmentsQuery(Schema):
    state: Literal[
        "open",
        "all",
        "offered",
        "unassigned",
        "accepted",
        "declined",
        "lapsed",
        "replaced",
        "superseded",
    ] = "open"
    case: str | None = Field(None, max_length=16)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/legalaid/appointments")
def appointments(request: HttpRequest, q: Query[AppointmentsQuery]) -> dict[str, Any]:
    """Appointments of duty lawyers, newest first: a lawyer's own; a coordinator's region's.
    `state=open` (the default) lists those waiting for an answer or for a lawyer."""
    qs = visible_appointments(request.user).select_related("person")
    if q.state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif q.state != "all":
        qs = qs.filter(state=q.state)
    if q.case:
        qs = qs.filter(case_id=q.case)
    rows = list(qs.order_by("-appointed_at", "-id")[q.offset : q.offset + q.limit + 1])
    # The list names detained persons: the read is logged like any read of a person.
    purpose = "defence" if request.user.has_role("lawyer") else "caseload"
    persons = [a.person_id for a in rows[: q.limit]]
    log_read(request.user, "appointments", q.case or "list", purpose, "shown", persons=persons)
    return {
        "items": [_appointment_json(a) for a in rows[: q.limit]],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


class Period(Schema):
    starts: datetime | None = Field(None, alias="from")
    ends: datetime | None = Field(None, alias="to")
    district: str | None = Field(None, max_length=32)


def _utc(moment: datetime | None) -> datetime | None:
    """A `from`/`to` as UTC: refused without a timezone, or when it lies outside the years a
    database stores (an offset such as +21:05 is valid ISO 8601 but not a real timezone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise Invalid(say("Give from and to with their timezone."))
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise Invalid(
            say("from and to must be real moments between the years 1900 and 9999.")
        ) from None
    if not 1900 <= moment.year <= 9998:
        raise Invalid(say("from and to must be real moments between the years 1900 and 9999."))
    return moment


def _period(p: Period, default_days: int) -> tuple[datetime, datetime]:
    starts = _utc(p.starts) or clock.now()
    ends = _utc(p.ends) or starts + timedelta(days=default_days)
    if ends <= starts:
        raise Invalid(say("to must come after from."))
    if ends - starts > MAX_COVERAGE:
        raise Invalid(say("Ask for at most 400 days at a time."))
    return starts, ends


def _gaps(
    shifts: list[DutyShift], advocates: dict[str, Advocate], starts: datetime, ends: datetime
) -> list[tuple[datetime, datetime]]:
    """Stretches of [starts, ends) with no shift that has anybody who can be appointed."""
    gaps = []
    cursor = starts
    for s in sorted(shifts, key=lambda s: s.starts_at):
        if not on_duty(s, advocates) or s.ends_at <= cursor:
            continue
        if s.starts_at > cursor:
            gaps.append((cursor, min(s.starts_at, ends)))
        cursor = max(cursor, s.ends_at)
        if cursor >= ends:
            break
    if cursor < ends:
        gaps.append((cursor, ends))
    return gaps


@router.get("/legalaid/coverage")
def coverage(request: HttpRequest, p: Query[Period]) -> dict[str, Any]:
    """Per district of the coordinator's area: the stretches of time between `from` and `to`
    (default: the next 7 days) when nobody is on duty, counting a region-wide roster as covering
    its districts."""
    area = _coordinator_area(request.user)
    starts, ends = _period(p, 7)
    places = Territory.objects.filter(path__startswith=area, level="district")
    rostered = DutyShift.objects.filter(starts_at__lt=ends, ends_at__gt=starts)
    regions_with_rosters = set(
        Territory.objects.filter(
            path__startswith=area,
            level="region",
            code__in=rostered.values("district"),
        ).values_list("code", flat=True)
    )
    targets = list(places) + list(
        Territory.objects.filter(code__in=regions_with_rosters).exclude(
            pk__in=places.values("parent_id")
        )
    )
    if p.district:
        targets = [t for t in targets if t.code == p.district]
    shifts = list(
        rostered.filter(district__in={t.code for t in targets} | {t.parent_id for t in targets})
    )
    advocates = Advocate.objects.in_bulk({lic for s in shifts for lic in s.advocates})
    by_place: dict[str, list[DutyShift]] = defaultdict(list)
    for s in shifts:
        by_place[s.district].append(s)
    rows = []
    for t in sorted(targets, key=lambda t: t.code):
        mine = by_place[t.code] + (by_place[t.parent_id] if t.level == "district" else [])
        gaps = _gaps(mine, advocates, starts, ends)
        uncovered = sum((b - a).total_seconds() for a, b in gaps) / 3600
        rows.append(
            {
                "district": t.code,
                "name": t.name_ru,
                "uncovered_hours": round(uncovered, 2),
                "covered_hours": round((ends - starts).total_seconds() / 3600 - uncovered, 2),
                "gaps": [
                    {
                        "from": iso(a),
                        "to": iso(b),
                        "hours": round((b - a).total_seconds() / 3600, 2),
                    }
                    for a, b in gaps[:MAX_GAPS]
                ],
            }
        )
    return {"from": iso(starts), "to": iso(ends), "districts": rows}


@router.get("/legalaid/response-times")
def response_times(request: HttpRequest, p: Query[Period]) -> list[dict[str, Any]]:
    """Per advocate, over the appointments the caller may see (made between `from` and `to` if
    given): how many were offered, accepted, declined or let lapse, and the median and mean
    minutes to accept."""
    user = request.user
    if not (user.has_role(COORDINATOR, "lawyer") or scope_of(user) == "national"):
        raise Forbidden(say("Only legal aid coordinators and lawyers see response times."))
    qs = visible_appointments(user).exclude(licence="")
    starts, ends = _utc(p.starts), _utc(p.ends)
    if starts:
        qs = qs.filter(appointed_at__gte=starts)
    if ends:
        qs = qs.filter(appointed_at__lt=ends)
    if p.district:
        qs = qs.filter(Q(district=p.district) | Q(territory_path__contains=f"/{p.district}/"))
    rows = qs.values_list("licence", "lawyer", "state", "minutes_to_respond").iterator(2000)
    tally: dict[str, dict[str, Any]] = {}
    accept_times: dict[str, list[float]] = defaultdict(list)
    for licence, lawyer, state, minutes in rows:
        t = tally.setdefault(
            licence,
            {
                "licence": licence,
                "lawyer": lawyer,
                "offered": 0,
                "accepted": 0,
                "declined": 0,
                "lapsed": 0,
            },
        )
        t["offered"] += 1
        if state in ("accepted", "declined", "lapsed"):
            t[state] += 1
        if minutes is not None and state == "accepted":
            accept_times[licence].append(minutes)
    names = dict(Advocate.objects.filter(pk__in=tally).values_list("licence", "full_name"))
    out = []
    for licence in sorted(tally):
        times = accept_times[licence]
        out.append(
            {
                **tally[licence],
                "name": names.get(licence),
                "median_minutes_to_accept": round(statistics.median(times), 2) if times else None,
                "mean_minutes_to_accept": round(statistics.fmean(times), 2) if times else None,
            }
        )
    return out


class AdvocatesQuery(Schema):
    region: str | None = Field(default=None, max_length=32)
    status: Literal["active", "suspended", "terminated"] | None = None


@router.get("/legalaid/advocates")
def advocates(request: HttpRequest, q: Query[AdvocatesQuery]) -> list[dict[str, Any]]:
    """The register of advocates (ARCHITECTURE's `GET /api/v1/directory/advocates`): the
    reference data a client needs to name a lawyer in an act."""
    qs = Advocate.objects.order_by("licence")
    if q.region:
        qs = qs.filter(region=q.region)
    if q.status:
        qs = qs.filter(status=q.status)
    return [
        {
            "code": a.licence,
            "licence": a.licence,
            "name": a.full_name,
            "username": a.username or None,
            "status": a.status,
            "region": a.region,
            "languages": a.languages,
            "specialisations": a.specialisations,
        }
        for a in qs
    ]


def _advocates_directory(request: HttpRequest) -> list[dict[str, Any]]:
    return advocates(request, AdvocatesQuery())


DIRECTORY_PROVIDERS["advocates"] = _advocates_directory
