"""API routes of incident management and dispatch (mounted under /api/v1 by icjis.urls).

The dispatchers and the head of a police unit read the incidents, crews and hazards of their
area (`dispatch.access`); national scope reads all. The acts go through `POST /acts` like every
other. Every read is logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import log_read, records_of_all
from icjis.core.canonical import iso
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.core.warnings import warnings_at, warnings_for
from icjis.dispatch.access import (
    access_incident,
    dispatches,
    visible_crews,
    visible_incidents,
)
from icjis.dispatch.acts import normalise_incident, ranking
from icjis.dispatch.models import Crew, Incident

router = Router(tags=["dispatch"])


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    return round((end - start).total_seconds()) if start and end else None


def incident_json(i: Incident) -> dict[str, Any]:
    return {
        "number": i.number,
        "state": i.state,
        "type": i.type,
        "priority": i.priority,
        "unit": i.unit_id,
        "place": {
            "region": i.region,
            "district": i.district or None,
            "address": i.address,
            "lat": i.lat,
            "lon": i.lon,
        },
        "received_at": iso(i.received_at),
        "dispatched_at": iso(i.dispatched_at),
        "arrived_at": iso(i.arrived_at),
        "cleared_at": iso(i.cleared_at),
        "seconds_to_dispatch": seconds_between(i.received_at, i.dispatched_at),
        "seconds_to_arrive": seconds_between(i.received_at, i.arrived_at),
        "disposition": i.disposition or None,
        "case": i.case_id,
        "warnings": i.warnings,
        "same_address": i.same_address,
    }


def crew_json(c: Crew) -> dict[str, Any]:
    return {
        "call_sign": c.call_sign,
        "unit": c.unit_id,
        "kind": c.kind,
        "status": c.status,
        "since": iso(c.since),
        "position": {"lat": c.lat, "lon": c.lon, "at": iso(c.position_at)},
        "incident": c.incident or None,
    }


class IncidentsQuery(Schema):
    state: Literal["open", "received", "dispatched", "on_scene", "cleared", "all"] = "open"
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/dispatch/incidents")
def incidents(request: HttpRequest, q: Query[IncidentsQuery]) -> dict[str, Any]:
    """Incidents of your area: open ones most urgent first, then oldest first; any other state
    newest first."""
    qs = visible_incidents(request.user)
    if q.state == "open":
        qs = qs.exclude(state="cleared").order_by("priority", "received_at", "number")
    else:
        if q.state != "all":
            qs = qs.filter(state=q.state)
        qs = qs.order_by("-received_at", "-number")
    rows = list(qs[q.offset : q.offset + q.limit + 1])
    log_read(request.user, "incidents", "list", "caseload", "shown")
    return {
        "items": [incident_json(i) for i in rows[: q.limit]],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/dispatch/incidents/{number}")
def incident_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    """One incident with the crews sent to it, the persons named on it with the warnings on
    each, the warnings in force at its address now, and (while it is open) the available crews
    ranked for it."""
    incident, warnings = access_incident(request.user, normalise_incident(number) or number[:24])
    crews = [
        {
            "crew": a.crew_id,
            "dispatched_at": iso(a.dispatched_at),
            "recommended": a.recommended,
            "reason": a.reason or None,
            "distance_m": a.distance_m,
            "arrived_at": iso(a.arrived_at),
            "released_at": iso(a.released_at),
        }
        for a in incident.crews.all()
    ]
    open_ = incident.state != "cleared"
    now = clock.now()
    persons = [
        {
            "person": p.person_id,
            "role": p.role,
            "named_at": iso(p.named_at),
            "named_by": p.named_by,
            "maybe": p.maybe,
            "warnings": warnings_for(request.user, records_of_all([p.person_id, *p.maybe]), now),
        }
        for p in incident.persons.order_by("named_at", "pk")
    ]
    return {
        **incident_json(incident),
        "summary": incident.summary,
        "caller": incident.caller or None,
        "callback": incident.callback or None,
        "crews": crews,
        "persons": persons,
        "warnings_now": warnings,
        "recommended": ranking(request.user, incident) if open_ else [],
    }


class CrewsQuery(Schema):
    status: Literal[
        "available", "dispatched", "on_scene", "unavailable", "off_duty", "on_duty", "all"
    ] = "on_duty"


@router.get("/dispatch/crews")
def crews(request: HttpRequest, q: Query[CrewsQuery]) -> list[dict[str, Any]]:
    """The crews of your area (by default those on duty), by call sign."""
    qs = visible_crews(request.user)
    if q.status == "on_duty":
        qs = qs.exclude(status="off_duty")
    elif q.status != "all":
        qs = qs.filter(status=q.status)
    log_read(request.user, "crews", "list", "caseload", "shown")
    return [crew_json(c) for c in qs.order_by("call_sign")]


@router.get("/dispatch/warnings")
def address_lookup(request: HttpRequest, region: str, address: str) -> list[dict[str, Any]]:
    """The protection orders in force and the hazards noted at an address (compared word for
    word, case and punctuation aside), wherever they were recorded: for a dispatcher before a
    crew goes there. The lookup is logged with the persons it names."""
    if not dispatches(request.user):
        raise Forbidden(say("Your role does not dispatch crews."))
    if len(address.strip()) < 3:
        raise Invalid(say("Give more of the address."))
    found = warnings_at(region, address[:300], clock.now())
    persons = {w["person"] for w in found if w.get("person")}
    log_read(request.user, "hazards", "warnings:address", "search", "shown", persons=persons)
    return found
