"""API routes of the prisons module (mounted under /api/v1 by icjis.urls).

Who sees what: a prison officer sees their own facility — the convicts expected there and the
prisoners held there; national roles (auditors) see every facility; a role of regional scope
those of its region; nobody else reads the register. Every read is logged in the access log;
a prisoner's calculation opens the person and the case through `core.access`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import access_case, access_person, log_read, scope_of
from icjis.core.canonical import iso
from icjis.core.models import Unit
from icjis.core.refusals import Forbidden, NotFound, say
from icjis.legal.counting import local_date
from icjis.prisons.models import EXPECTED, HELD, Calculation, HeadCount, Prisoner

router = Router(tags=["prisons"])
OFFICER = "prison_officer"


def _area(user: Any) -> Q:
    """The register entries the user may read, as a Q on Prisoner (refused for other roles)."""
    scope = scope_of(user)
    if scope == "national":
        return Q()
    if OFFICER in user.roles:
        return Q(facility_id=user.unit_id) | Q(state=EXPECTED, expected_unit_id=user.unit_id)
    if scope in ("region", "agency"):
        return Q(territory_path__startswith=user.unit.territory.path)
    raise Forbidden(say("Your role does not read the prison register."))


def visible_prisoners(user: Any) -> QuerySet[Prisoner]:
    return Prisoner.objects.filter(_area(user))


def visible_facilities(user: Any) -> QuerySet[Unit]:
    units = Unit.objects.filter(kind="prison").select_related("territory").order_by("code")
    scope = scope_of(user)
    if scope == "national":
        return units
    if OFFICER in user.roles:
        return units.filter(code=user.unit_id)
    if scope in ("region", "agency"):
        region = user.unit.territory.region_code()
        return units.filter(territory__path__startswith=f"KG/{region}/")
    raise Forbidden(say("Your role does not read the prison register."))


def _purpose(user: Any) -> str:
    return "audit" if scope_of(user) == "national" else "caseload"


def _entry_json(p: Prisoner) -> dict[str, Any]:
    return {
        "prisoner": p.id,
        "case": p.case_id,
        "person": {"id": p.person_id, "name": p.person.full_name},
        "verdict": p.verdict,
        "state": p.state,
        "expected_at": p.expected_unit_id,
        "facility": p.facility_id,
        "sentence": p.sentence,
        "in_force_at": iso(p.in_force_at),
        "admitted_at": iso(p.admitted_at),
        "start_date": p.start_date.isoformat() if p.start_date else None,
        "release_date": p.release_date.isoformat() if p.release_date else None,
        "parole_eligible_on": p.parole_date.isoformat() if p.parole_date else None,
        "manual_calculation": p.manual_reason or None,
    }


class ListFilter(Schema):
    facility: str | None = Field(default=None, max_length=32)
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


@router.get("/prisons/expected")
def expected(request: HttpRequest, filters: Query[ListFilter]) -> list[dict[str, Any]]:
    """Convicts expected at a colony from verdicts of imprisonment in force, oldest first
    (CEC 74(1): to be sent within 10 days). The read is logged."""
    user = request.user
    qs = visible_prisoners(user).filter(state=EXPECTED)
    if filters.facility:
        qs = qs.filter(expected_unit_id=filters.facility)
    rows = list(
        qs.select_related("person").order_by("expected_at", "id")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    scope = f"expected:{filters.facility or 'visible'}"
    log_read(user, "prisons", scope, _purpose(user), "shown", persons=[p.person_id for p in rows])
    return [_entry_json(p) for p in rows]


@router.get("/prisons/population")
def population(request: HttpRequest) -> list[dict[str, Any]]:
    """Each facility the caller may see with its capacity, the prisoners held and the convicts
    expected there — the counts in one query. The read is logged."""
    user = request.user
    units = list(visible_facilities(user))
    codes = [u.code for u in units]
    held: dict[str, int] = {}
    waiting: dict[str, int] = {}
    rows = (
        Prisoner.objects.filter(
            Q(state=HELD, facility_id__in=codes) | Q(state=EXPECTED, expected_unit_id__in=codes)
        )
        .values("state", "facility_id", "expected_unit_id")
        .annotate(n=Count("id"))
    )
    for r in rows:
        if r["state"] == HELD:
            held[r["facility_id"]] = held.get(r["facility_id"], 0) + r["n"]
        else:
            waiting[r["expected_unit_id"]] = waiting.get(r["expected_unit_id"], 0) + r["n"]
    log_read(user, "prisons", "population", _purpose(user), "shown")
    return [
        {
            "facility": u.code,
            "name": u.name_ru,
            "name_en": u.name_en,
            "region": u.territory.region_code(),
            "capacity": u.capacity,
            "held": held.get(u.code, 0),
            "expected": waiting.get(u.code, 0),
        }
        for u in units
    ]


@router.get("/prisons/population/{facility}")
def prisoners_at(request: HttpRequest, facility: str, filters: Query[ListFilter]) -> dict[str, Any]:
    """The prisoners held at one facility, by release date. The read is logged."""
    user = request.user
    unit = visible_facilities(user).filter(code=facility[:32]).first()
    if unit is None:
        log_read(user, "prisons", f"population:{facility[:32]}", _purpose(user), "not_found")
        raise NotFound(say("No such facility, or it is not visible to you."))
    qs = Prisoner.objects.filter(state=HELD, facility=unit).select_related("person")
    rows = list(qs.order_by("release_date", "id")[filters.offset : filters.offset + filters.limit])
    persons = [p.person_id for p in rows]
    log_read(user, "prisons", f"population:{unit.code}", _purpose(user), "shown", persons=persons)
    return {"facility": unit.code, "held": qs.count(), "prisoners": [_entry_json(p) for p in rows]}


class DueFilter(Schema):
    days: int = Field(default=30, ge=0, le=366)
    facility: str | None = Field(default=None, max_length=32)


@router.get("/prisons/releases-due")
def releases_due(request: HttpRequest, filters: Query[DueFilter]) -> list[dict[str, Any]]:
    """Prisoners whose release date falls within the next `days` days (or has passed without
    a release recorded), soonest first. The read is logged."""
    user = request.user
    until = local_date(clock.now()) + timedelta(days=filters.days)
    qs = visible_prisoners(user).filter(state=HELD, release_date__lte=until)
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    rows = list(qs.select_related("person").order_by("release_date", "id")[:1000])
    persons = [p.person_id for p in rows]
    log_read(
        user, "prisons", f"releases-due:{filters.days}", _purpose(user), "shown", persons=persons
    )
    return [_entry_json(p) for p in rows]


def _calc_json(c: Calculation) -> dict[str, Any]:
    return {
        "id": c.id,
        "n": c.n,
        "made_at": iso(c.made_at),
        "reason": c.reason,
        "method": c.method,
        "rule_version": c.rule_version,
        "inputs": c.inputs,
        "start_date": c.start_date.isoformat(),
        "term_last_day": c.term_last_day.isoformat() if c.term_last_day else None,
        "release_date": c.release_date.isoformat(),
        "parole_eligible_on": c.parole_date.isoformat() if c.parole_date else None,
        "credit_days": c.credit_days,
        "breakdown": c.breakdown,
        "current": c.superseded_at is None,
        "superseded_at": iso(c.superseded_at),
    }


@router.get("/prisons/prisoners/{person}")
def prisoner(request: HttpRequest, person: str) -> dict[str, Any]:
    """A prisoner's register entries with every calculation made for them — the current one
    and those it superseded — each with its inputs, rule version and breakdown. The person and
    each case are opened through the access policy (logged); 404 when not visible."""
    user = request.user
    person = person[:16]
    entries = list(
        visible_prisoners(user)
        .filter(person_id=person)
        .select_related("person")
        .order_by("-expected_at")
    )
    if not entries:
        log_read(user, "person", person, _purpose(user), "not_found")
        raise NotFound(say("No such prisoner, or the prisoner is not visible to you."))
    access_person(user, person, _purpose(user))
    body = []
    for entry in entries:
        access_case(user, entry.case_id, _purpose(user))
        calcs = entry.calculations.order_by("-n")
        body.append({**_entry_json(entry), "calculations": [_calc_json(c) for c in calcs]})
    return {"person": person, "entries": body}


def latest_headcounts(codes: list[str]) -> list[HeadCount]:
    """The latest head-count of each facility in `codes`, in one query: DISTINCT ON on
    PostgreSQL, a correlated subquery elsewhere (the latest by submission time, then id)."""
    rows = HeadCount.objects.filter(facility_id__in=codes)
    if connection.vendor == "postgresql":
        return list(rows.order_by("facility_id", "-submitted_at", "-id").distinct("facility_id"))
    newest = HeadCount.objects.filter(facility_id=OuterRef("facility_id")).order_by(
        "-submitted_at", "-id"
    )
    return list(rows.filter(id=Subquery(newest.values("id")[:1])))


@router.get("/prisons/reconciliation")
def reconciliation(request: HttpRequest) -> list[dict[str, Any]]:
    """For each facility the caller may see: the register's count now, and the latest
    head-count the facility submitted set against the register at that moment — the counts and
    every name that differs both ways. The read is logged."""
    user = request.user
    units = list(visible_facilities(user))
    codes = [u.code for u in units]
    held = dict(
        Prisoner.objects.filter(state=HELD, facility_id__in=codes)
        .values("facility_id")
        .annotate(n=Count("id"))
        .values_list("facility_id", "n")
    )
    latest = {h.facility_id: h for h in latest_headcounts(codes)}
    # The names that differ, those in the index by their ids (the unidentified have none).
    differ = [
        e["person"]
        for h in latest.values()
        for e in (*h.register_only, *h.facility_only)
        if e.get("person")
    ]
    log_read(user, "prisons", "reconciliation", _purpose(user), "shown", persons=differ)
    out = []
    for u in units:
        h = latest.get(u.code)
        out.append(
            {
                "facility": u.code,
                "name_en": u.name_en,
                "register_count": held.get(u.code, 0),
                "headcount": None
                if h is None
                else {
                    "id": h.id,
                    "submitted_at": iso(h.submitted_at),
                    "submitted_by": h.submitted_by,
                    "counted": h.counted,
                    "register_count": h.register_count,
                    "register_only": h.register_only,
                    "facility_only": h.facility_only,
                    "matches": not h.register_only and not h.facility_only,
                },
            }
        )
    return out
