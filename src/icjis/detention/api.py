"""API routes of temporary detention (mounted under /api/v1 by icjis.urls).

`held` answers "who is held now, and how long is left" for a facility or a prosecutor's area in
ONE query (the custody clock comes from the running deadlines as correlated subqueries);
`register` lists every detention the reader may see; `facilities` gives capacity and current
occupancy; `{id}` the whole record. Every read of detainees' data is logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import log_read, scope_of
from icjis.core.canonical import iso
from icjis.core.models import Territory, Unit
from icjis.core.numbering import normalise
from icjis.core.refusals import Forbidden, NotFound, say
from icjis.detention.access import (
    IVS_ROLES,
    OVERSIGHT_ROLES,
    access_detention,
    oversees_all,
    read_purpose,
    visible_detentions,
)
from icjis.detention.models import HELD, IN_FACILITY, Cell, Detention
from icjis.legal.models import Deadline

router = Router(tags=["detention"])

CODE = r"^[A-Za-z0-9_-]+$"
# Who may read the medic's notes (health data): the facility, the prosecutor, oversight.
MEDICAL_READERS = IVS_ROLES | OVERSIGHT_ROLES | {"prosecutor", "auditor"}


class Page(Schema):
    limit: int = Field(200, ge=1, le=1000, description="rows per page, at most 1000")
    offset: int = Field(0, ge=0, le=10_000_000)


class HeldFilter(Page):
    facility: str | None = Field(None, pattern=CODE, max_length=32, description="facility code")
    area: str | None = Field(
        None, pattern=CODE, max_length=32, description="territory code: its whole subtree"
    )


class RegisterFilter(Page):
    facility: str | None = Field(None, pattern=CODE, max_length=32)
    case: str | None = Field(None, max_length=24)
    status: Literal["arrested", "admitted", "away", "released"] | None = None


def _left(due: datetime | None, now: datetime) -> int | None:
    return None if due is None else int((due - now).total_seconds())


def _term(due: datetime | None, state: str | None, now: datetime, **extra: Any) -> Any:
    if due is None:
        return None
    return {"due_at": iso(due), "state": state, "seconds_left": _left(due, now), **extra}


def _person(d: Detention) -> dict[str, Any]:
    p = d.person
    return {
        "id": p.id,
        "name": p.full_name,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "sex": p.sex,
    }


def _row(d: Detention, now: datetime) -> dict[str, Any]:
    """A line of the register with the custody clock (when the list was annotated with it)."""
    limit_due = getattr(d, "limit_due", None)
    limit_warn = getattr(d, "limit_warn", None)
    limit_state = getattr(d, "limit_state", None)
    return {
        "detention": d.id,
        "case": d.case_id,
        "person": _person(d),
        "facility": d.facility_id,
        "cell": d.cell.number if d.cell else None,
        "status": d.status,
        "away_purpose": d.away_purpose or None,
        "detained_at": iso(d.detained_at),
        "recorded_at": iso(d.recorded_at),
        "late_record": d.late_record,
        "exam_due": d.exam_due,
        "released_at": iso(d.released_at),
        "release_grounds": d.release_grounds or None,
        "seconds_held": int(((d.released_at or now) - d.detained_at).total_seconds()),
        "clock": _term(
            limit_due,
            limit_state,
            now,
            rule=getattr(d, "limit_rule", None),
            article=getattr(d, "limit_article", None),
            warning=bool(limit_state == "running" and limit_warn is not None and limit_warn <= now),
        ),
        "court": _term(getattr(d, "court_due", None), getattr(d, "court_state", None), now),
        "record_to_prosecutor": _term(
            getattr(d, "record_due", None), getattr(d, "record_state", None), now
        ),
    }


def _page(rows: list[Detention], limit: int, offset: int, now: datetime) -> dict[str, Any]:
    more = len(rows) > limit
    return {
        "items": [_row(d, now) for d in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
        "now": iso(now),
    }


@router.get("/detention/held")
def held(request: HttpRequest, filters: Query[HeldFilter]) -> dict[str, Any]:
    """Who is held now and how long is left: the detainees the caller may see (a facility's
    staff: their facility; a prosecutor: their area; the ombudsperson: the whole country), the
    term that ends the holding first — 48 h / 24 h without a custody order, or the term the
    judge ordered — with seconds left (negative once missed) and whether its warning is due,
    the court term and the copy of the record to the prosecutor. `facility` and `area` narrow
    the list. One query for the whole list; the read is logged."""
    user = request.user
    now = clock.now()
    qs = visible_detentions(user).held()
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    if filters.area:
        path = Territory.objects.filter(code=filters.area).values_list("path", flat=True).first()
        if path is None:
            raise NotFound(say("There is no territory %(area)s.", area=filters.area))
        qs = qs.filter(case__territory_path__startswith=path)
    qs = qs.with_clock(now).select_related("person", "cell").soonest_first()
    rows = list(qs[filters.offset : filters.offset + filters.limit + 1])
    scope = filters.facility or filters.area or "visible"
    persons = [d.person_id for d in rows[: filters.limit]]
    log_read(user, "detention", f"held:{scope}", read_purpose(user), "shown", persons=persons)
    return _page(rows, filters.limit, filters.offset, now)


@router.get("/detention/register")
def register(request: HttpRequest, filters: Query[RegisterFilter]) -> dict[str, Any]:
    """The detention register: every detention the caller may see, held or released, newest
    detention first (the read is logged)."""
    user = request.user
    now = clock.now()
    qs = visible_detentions(user)
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    if filters.case:
        qs = qs.filter(case_id=normalise(filters.case) or "-")
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.select_related("person", "cell").order_by("-detained_at", "-id")
    rows = list(qs[filters.offset : filters.offset + filters.limit + 1])
    scope = filters.facility or filters.case or "visible"
    persons = [d.person_id for d in rows[: filters.limit]]
    log_read(user, "detention", f"register:{scope}", read_purpose(user), "shown", persons=persons)
    return _page(rows, filters.limit, filters.offset, now)


@router.get("/detention/facilities")
def facilities(request: HttpRequest) -> list[dict[str, Any]]:
    """Detention facilities with their capacity, the places taken now (detainees admitted, or
    away under escort and keeping their place), detainees on their way in, and each cell.
    Oversight sees every facility; IVS staff their own; other case staff those of their region
    (occupancy and arrivals reveal arrests, so no one sees beyond their area). Every read is
    logged."""
    user = request.user
    units = Unit.objects.filter(kind="ivs").select_related("territory").order_by("code")
    if not oversees_all(user):
        if IVS_ROLES & set(user.roles):
            units = units.filter(code=user.unit_id)
        elif scope_of(user) == "none":
            raise Forbidden(say("Your role does not read the detention facilities' occupancy."))
        else:
            region = user.unit.territory.region_code()
            units = units.filter(territory__path__startswith=f"KG/{region}/")
    shown = list(units)
    codes = [u.code for u in shown]
    counts: dict[tuple[str, str], int] = {
        (r["facility_id"], r["status"]): r["n"]
        for r in Detention.objects.filter(status__in=HELD, facility_id__in=codes)
        .values("facility_id", "status")
        .annotate(n=Count("id"))
    }
    cells: dict[str, list[dict[str, Any]]] = {}
    for c in (
        Cell.objects.filter(facility_id__in=codes)
        .annotate(taken=Count("detentions", filter=Q(detentions__status__in=IN_FACILITY)))
        .order_by("facility_id", "number")
    ):
        cells.setdefault(c.facility_id, []).append(
            {"cell": c.number, "code": c.code, "capacity": c.capacity, "occupancy": c.taken}
        )
    log_read(user, "detention", "facilities", read_purpose(user), "shown")
    return [
        {
            "code": u.code,
            "name": u.name_ru,
            "name_en": u.name_en,
            "region": u.territory.region_code(),
            "capacity": u.capacity,
            "occupancy": sum(counts.get((u.code, s), 0) for s in IN_FACILITY),
            "away": counts.get((u.code, "away"), 0),
            "arriving": counts.get((u.code, "arrested"), 0),
            "cells": cells.get(u.code, []),
        }
        for u in shown
    ]


@router.get("/detention/{detention_id}")
def detention_detail(
    request: HttpRequest, detention_id: str, purpose: str | None = None
) -> dict[str, Any]:
    """One detention: the record, the custody clock and every term of the detainee in the case,
    the movement book, medical examinations, personal effects and complaints. The read is
    logged, whatever its outcome."""
    user = request.user
    d = access_detention(user, detention_id[:40], purpose)
    now = clock.now()
    terms = (
        Deadline.objects.with_state(now)
        .filter(case_id=d.case_id, subject=d.person_id, start_seq__gte=d.start_seq)
        .filter(Q(rule__startswith="detention.") | Q(rule__startswith="custody."))
        .order_by("due_at", "rule")
    )
    clocked = Detention.objects.filter(pk=d.pk).with_clock(now).select_related("person", "cell")
    medical = bool(MEDICAL_READERS & set(user.roles))
    return {
        **_row(clocked.get(), now),
        "place": d.place,
        "grounds": d.grounds,
        "arrested_by": d.arrested_by,
        "admitted_at": iso(d.admitted_at),
        "released_by": d.released_by or None,
        "release_note": d.release_note or None,
        "deadlines": [
            {
                "rule": t.rule,
                "title": t.title,
                "article": t.article,
                "starts_at": iso(t.starts_at),
                "due_at": iso(t.due_at),
                "warn_at": iso(t.warn_at),
                "state": t.current_state,
                "closed_at": iso(t.closed_at),
                "seconds_left": _left(t.due_at, now) if t.current_state == "running" else None,
            }
            for t in terms
        ],
        "movements": [
            {
                "at": iso(m.at),
                "kind": m.kind,
                "cell": m.cell.number if m.cell else None,
                "purpose": m.purpose or None,
                "by": m.by,
            }
            for m in d.movements.select_related("cell").order_by("seq")
        ],
        "medical_exams": [
            {
                "at": iso(e.examined_at),
                "by": e.examined_by,
                "occasion": e.occasion,
                "injuries": e.injuries,
                "notes": e.notes if medical else None,
            }
            for e in d.exams.order_by("seq")
        ],
        "effects": [
            {
                "description": i.description,
                "quantity": i.quantity,
                "recorded_at": iso(i.recorded_at),
                "returned_at": iso(i.returned_at),
            }
            for i in d.effects.order_by("seq", "line")
        ],
        "complaints": [
            {
                "filed_at": iso(c.filed_at),
                "recorded_by": c.recorded_by,
                "text": c.text,
                "about_violence": c.about_violence,
            }
            for c in d.complaints.order_by("seq")
        ],
    }
