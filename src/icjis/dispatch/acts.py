"""Act kinds of incident management and computer-aided dispatch (module K).

Calls for service come to the duty unit of a police department (its dispatchers). The acts:

- `dispatch.crew.on_duty` puts a patrol crew on duty with its position; `dispatch.crew.status`
  records what the crew radios in (available again, unavailable, off duty, a new position);
  both go to the crew's stream, `crew/<call sign>`;
- `dispatch.call.receive` opens an incident at the hour the call is taken (the server's clock):
  its type, priority, place and what the caller said; the warnings in force at the address (a
  protection order, a hazard noted there) are shown to the dispatcher and recorded with it, and
  so are the other calls at the address open or taken within the hour (the same event called in
  twice: the second is cleared as a duplicate);
- `dispatch.incident.dispatch` sends a crew. The available crews of the dispatcher's area are
  ranked nearest first (`recommend`); the ranking is recorded with the act, and sending any
  crew but the first needs a reason;
- `dispatch.incident.arrive` records a crew on the scene, `dispatch.incident.release` frees a
  crew before the incident is cleared, `dispatch.incident.clear` closes the incident with its
  outcome and frees its crews;
- `dispatch.incident.person` names a person on an incident (the caller, a victim, a suspect, a
  witness), warning the dispatcher at once of the protection orders and hazards on them;
- a crime report registered with the channel `dispatch` and the incident's number as its
  reference (`registry.report.register`, "one click" on the incident's page) links the incident
  to the new case (`dispatch.incident.link`, performed by the system in the same transaction);
- a protection order issued at the address of an open incident alerts its dispatchers, with the
  crews sent there to tell (`dispatch.incident.warn`, performed by the system in the same
  transaction);
- `dispatch.hazard.record` notes a hazard at an address (weapons held there, a violent person,
  a dangerous animal …), and on a person where one is named; `dispatch.hazard.withdraw` ends it.

Incidents and hazards are numbered per unit (`IN-…`, `HZ-<unit>-<n>`). Every hour here is the
server's; a radio report is recorded as it is heard.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

import pydantic
from django.db.models import Q
from django.utils.translation import gettext_noop

from icjis.core import numbering, projections
from icjis.core.access import records_of_all, visible_persons
from icjis.core.acts import Apply, Context, Reaction, act_kind, reaction
from icjis.core.alerts import raise_alert
from icjis.core.canonical import iso
from icjis.core.ledger import lock_head
from icjis.core.models import Case, Event
from icjis.core.persons import PersonInput, PersonRef, prepare_person, project_person
from icjis.core.refusals import Conflict, Invalid, NotFound, say
from icjis.core.warnings import address_key, warnings_at, warnings_for
from icjis.dispatch.access import visible_crews, visible_hazards, visible_incidents
from icjis.dispatch.models import (
    Assignment,
    Crew,
    Hazard,
    Incident,
    IncidentCounter,
    IncidentPerson,
)
from icjis.dispatch.recommend import Candidate, rank
from icjis.dispatch.rules import (
    PRIORITY,
    CrewKind,
    Disposition,
    HazardKind,
    IncidentRole,
    IncidentType,
)
from icjis.legal.counting import local_date, parse_moment
from icjis.offences.acts import Address, check_place, open_record, registering_unit
from icjis.offences.models import ProtectionOrder

POLICE_LAW = "Law on Internal Affairs Bodies (article to be confirmed)"
"""The police's duty to answer calls for service; the law's text is not among the codes this
system holds, so its article is left for the legal team to name."""
DISPATCHERS = ("dispatcher", "unit_head")
CALL_TAKERS = ("dispatcher",)

CallSign = pydantic.Field(
    min_length=1,
    max_length=16,
    pattern=r"^[\w-]+$",
    title="Call sign",
    description="the crew's call sign",
)
IncidentNumber = pydantic.Field(min_length=4, max_length=24, description="IN-…")
Latitude = pydantic.Field(ge=39.0, le=43.5, title="Latitude", description="WGS 84, degrees north")
Longitude = pydantic.Field(ge=69.0, le=80.5, title="Longitude", description="WGS 84, degrees east")
MaybeLatitude = pydantic.Field(
    default=None, ge=39.0, le=43.5, title="Latitude", description="WGS 84, degrees north"
)
MaybeLongitude = pydantic.Field(
    default=None, ge=69.0, le=80.5, title="Longitude", description="WGS 84, degrees east"
)


def normalise_incident(text: str) -> str | None:
    """The canonical form of an incident number as typed (dashes optional), or None."""
    return numbering.normalise_prefixed("IN", text)


def incident_stream(number: str) -> str:
    return f"incident/{number}"


def _incident_stream_of(data: Any) -> str:
    return incident_stream(normalise_incident(data.incident) or data.incident[:24])


def incident_act(name: str, schema: type[pydantic.BaseModel], apply: Apply, title: str) -> Any:
    """Declare an act of a dispatcher on an incident's stream."""
    return act_kind(
        name,
        schema=schema,
        roles=DISPATCHERS,
        legal_basis=POLICE_LAW,
        target="stream",
        stream_for=_incident_stream_of,
        apply=apply,
        title=title,
    )


def incident_of(event: Event) -> Incident:
    return Incident.objects.get(pk=event.stream.removeprefix("incident/"))


def _incident(ctx: Context, open_only: bool = True) -> Incident:
    """The incident the act names, locked, if the user may act on it."""
    number = normalise_incident(ctx.input.incident)
    rows = visible_incidents(ctx.user).select_for_update()
    found = rows.filter(pk=number).first() if number else None
    if found is None:
        raise NotFound(
            say("No such incident, or it is not visible to you."),
            fields={"incident": gettext_noop("unknown")},
        )
    if open_only and found.state == "cleared":
        raise Conflict(say("Incident %(incident)s has been cleared.", incident=found.number))
    return found


def _crew(ctx: Context, call_sign: str) -> Crew:
    """The crew the act names, locked, if it is of the user's area."""
    found = visible_crews(ctx.user).select_for_update().filter(pk=call_sign).first()
    if found is None:
        raise NotFound(
            say("There is no crew %(crew)s in your area.", crew=call_sign),
            fields={"crew": gettext_noop("unknown")},
        )
    return found


def _active(incident: Incident, call_sign: str) -> Assignment | None:
    return (
        Assignment.objects.select_for_update()
        .filter(incident=incident, crew_id=call_sign, released_at__isnull=True)
        .first()
    )


def _settle_state(incident: Incident) -> None:
    """An open incident's state from its crews: on the scene, on their way, or awaiting one."""
    active = incident.crews.filter(released_at__isnull=True)
    state = "received"
    if active.filter(arrived_at__isnull=False).exists():
        state = "on_scene"
    elif active.exists():
        state = "dispatched"
    Incident.objects.filter(pk=incident.pk).update(state=state)


def _set_crew(call_sign: str, status: str, at: datetime, incident: str = "") -> None:
    Crew.objects.filter(pk=call_sign).update(status=status, since=at, incident=incident)


# --- crews ----------------------------------------------------------------------------------


class OnDuty(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    call_sign: str = CallSign
    kind: CrewKind
    lat: float = Latitude
    lon: float = Longitude


def _crew_stream(data: Any) -> str:
    return f"crew/{data.call_sign}"


def _apply_on_duty(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    at = event.recorded_at
    Crew.objects.update_or_create(
        call_sign=data["call_sign"],
        defaults={
            "unit_id": data["unit"],
            "territory_path": data["territory_path"],
            "kind": data["kind"],
            "status": "available",
            "since": at,
            "lat": data["lat"],
            "lon": data["lon"],
            "position_at": at,
            "incident": "",
        },
    )
    return {"crew": data["call_sign"]}


@act_kind(
    "dispatch.crew.on_duty",
    schema=OnDuty,
    roles=DISPATCHERS,
    legal_basis=POLICE_LAW,
    target="stream",
    stream_for=_crew_stream,
    apply=_apply_on_duty,
    title="Put a crew on duty",
)
def on_duty(ctx: Context) -> dict[str, Any]:
    """A patrol crew of the unit begins its shift, available at the position it reports. A call
    sign belongs to the unit that first put it on duty; a crew already on duty is not put on
    duty twice."""
    unit = registering_unit(ctx, say("Your unit keeps no patrol crews; its police unit does."))
    existing = Crew.objects.select_for_update().filter(pk=ctx.input.call_sign).first()
    if existing is not None and existing.unit_id != unit.code:
        raise Conflict(
            say(
                "Call sign %(crew)s belongs to unit %(unit)s.",
                crew=existing.call_sign,
                unit=existing.unit_id,
            )
        )
    if existing is not None and existing.status != "off_duty":
        raise Conflict(say("Crew %(crew)s is already on duty.", crew=existing.call_sign))
    return {
        "call_sign": ctx.input.call_sign,
        "unit": unit.code,
        "territory_path": unit.territory.path,
        "kind": ctx.input.kind,
        "lat": ctx.input.lat,
        "lon": ctx.input.lon,
    }


class CrewStatus(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    call_sign: str = CallSign
    status: Literal["available", "unavailable", "off_duty"]
    lat: float | None = MaybeLatitude
    lon: float | None = MaybeLongitude


def _apply_status(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    crew = Crew.objects.get(pk=data["call_sign"])
    fields: dict[str, Any] = {}
    if data["status"] != crew.status:
        fields.update(status=data["status"], since=event.recorded_at)
    if data.get("lat") is not None:
        fields.update(lat=data["lat"], lon=data["lon"], position_at=event.recorded_at)
    Crew.objects.filter(pk=crew.pk).update(**fields)
    return {"crew": crew.call_sign}


@act_kind(
    "dispatch.crew.status",
    schema=CrewStatus,
    roles=DISPATCHERS,
    legal_basis=POLICE_LAW,
    target="stream",
    stream_for=_crew_stream,
    apply=_apply_status,
    title="Record a crew's status",
)
def crew_status(ctx: Context) -> dict[str, Any]:
    """What a crew radios in when it is on no incident: available (with its new position, if
    it moved), unavailable (a meal, a vehicle fault), or off duty at the end of its shift. A
    crew sent to an incident is freed by that incident (`release`, `clear`)."""
    data = ctx.input
    crew = _crew(ctx, data.call_sign)
    if (data.lat is None) != (data.lon is None):
        raise Invalid(
            say("Give both coordinates of the position, or neither."),
            fields={"lat" if data.lat is None else "lon": gettext_noop("missing")},
        )
    if crew.status in ("dispatched", "on_scene"):
        raise Conflict(
            say(
                "Crew %(crew)s is on incident %(incident)s; release it there first.",
                crew=crew.call_sign,
                incident=crew.incident,
            )
        )
    if crew.status == "off_duty":
        raise Conflict(say("Crew %(crew)s is off duty; put it on duty.", crew=crew.call_sign))
    if data.status == crew.status and data.lat is None:
        raise Conflict(say("Crew %(crew)s already has that status.", crew=crew.call_sign))
    return {"call_sign": crew.call_sign, "status": data.status, "lat": data.lat, "lon": data.lon}


# --- the call -------------------------------------------------------------------------------


class Scene(Address):
    lat: float | None = MaybeLatitude
    lon: float | None = MaybeLongitude


class ReceiveCall(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    type: IncidentType
    priority: int | None = pydantic.Field(
        default=None, ge=1, le=3, description="1 most urgent; by default the type's"
    )
    place: Scene
    summary: str = pydantic.Field(min_length=3, max_length=4000, description="what is happening")
    caller: str | None = pydantic.Field(default=None, max_length=200, description="who called")
    callback: str | None = pydantic.Field(
        default=None,
        max_length=32,
        pattern=r"^\+?[0-9 ()-]{3,31}$",
        description="number to call back",
    )


def _apply_receive(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    numbering.note_number(data["unit"], data["year"], data["seq"], IncidentCounter)
    place = data["place"]
    Incident.objects.create(
        number=data["incident"],
        unit_id=data["unit"],
        territory_path=data["territory_path"],
        state="received",
        type=data["type"],
        priority=data["priority"],
        summary=data["summary"],
        caller=data["caller"] or "",
        callback=data["callback"] or "",
        region=place["region"],
        district=place["district"] or "",
        address=place["address"],
        address_key=address_key(place["address"]),
        lat=place["lat"],
        lon=place["lon"],
        warnings=data["warnings"],
        same_address=data.get("same_address") or [],
        received_at=event.recorded_at,
        dispatcher=event.actor,
    )
    return {"incident": data["incident"], "same_address": data.get("same_address") or []}


@act_kind(
    "dispatch.call.receive",
    schema=ReceiveCall,
    roles=CALL_TAKERS,
    legal_basis=f"CPC 147(1); {POLICE_LAW}",
    target="new",
    apply=_apply_receive,
    title="Take a call for service",
)
def receive_call(ctx: Context) -> dict[str, Any]:
    """Opens an incident at the hour the call is taken: its type, priority (by default the
    type's), the place (with its coordinates where known), what the caller said and how to call
    back. The protection orders in force and the hazards noted at the address are looked up and
    recorded with the incident, as the dispatcher was warned of them."""
    data = ctx.input
    unit = registering_unit(ctx, say("Your unit takes no calls for service."))
    territory = check_place(data.place)
    if (data.place.lat is None) != (data.place.lon is None):
        raise Invalid(
            say("Give both coordinates of the place, or neither."),
            fields={"place.lat": gettext_noop("missing")},
        )
    warned = [
        {"kind": w["kind"], "ref": w["ref"]}
        for w in warnings_at(data.place.region, data.place.address, ctx.now)
    ]
    same = calls_at(unit.code, data.place.region, data.place.address, ctx.now)
    number, counted = open_record(ctx, unit, IncidentCounter, "IN", incident_stream)
    return {
        "incident": number,
        **counted,
        "territory_path": territory.path,
        "type": data.type,
        "priority": data.priority or PRIORITY[data.type],
        "place": data.place.model_dump(),
        "summary": data.summary,
        "caller": data.caller,
        "callback": data.callback,
        "warnings": warned,
        "same_address": same,
    }


SAME_CALL_WINDOW = timedelta(hours=1)
"""How long after a call another at the same address may be the same event called in again."""


def calls_at(unit: str, region: str, address: str, now: datetime) -> list[str]:
    """The incidents of the unit taking the call at the address that are open, or were taken
    within `SAME_CALL_WINDOW`: newest first, ten at most."""
    key = address_key(address)
    if len(key) < 3:
        return []
    rows = Incident.objects.filter(unit_id=unit, region=region[:8], address_key=key)
    rows = rows.filter(~Q(state="cleared") | Q(received_at__gte=now - SAME_CALL_WINDOW))
    return list(rows.order_by("-received_at", "-number").values_list("number", flat=True)[:10])


# --- sending crews --------------------------------------------------------------------------


class Send(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    crew: str = CallSign
    reason: str | None = pydantic.Field(
        default=None, max_length=500, description="why not the crew recommended"
    )


def candidates(user: Any) -> list[Candidate]:
    """The available crews of the user's area, as the recommendation weighs them."""
    return [
        Candidate(c.call_sign, c.lat, c.lon, c.since, c.territory_path)
        for c in visible_crews(user).filter(status="available")
    ]


def ranking(user: Any, incident: Incident) -> list[dict[str, Any]]:
    """The available crews for `incident`, best first, with their distances in metres."""
    district = ""
    if incident.district:
        district = incident.territory_path
    ranked = rank(candidates(user), incident.lat, incident.lon, district)
    return [{"crew": r.call_sign, "distance_m": r.distance_m} for r in ranked]


def _apply_send(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    incident = incident_of(event)
    at = event.recorded_at
    Assignment.objects.create(
        incident=incident,
        crew_id=data["crew"],
        seq=event.seq,
        dispatched_at=at,
        distance_m=data["distance_m"],
        recommended=data["recommended"],
        reason=data["reason"] or "",
    )
    _set_crew(data["crew"], "dispatched", at, incident.number)
    if incident.dispatched_at is None:
        Incident.objects.filter(pk=incident.pk).update(dispatched_at=at)
    _settle_state(incident)
    return {"incident": incident.number, "crew": data["crew"]}


@incident_act("dispatch.incident.dispatch", Send, _apply_send, "Send a crew to an incident")
def send(ctx: Context) -> dict[str, Any]:
    """Sends an available crew of the area to an open incident. The available crews are ranked
    nearest to the scene first (or, where the scene has no coordinates, those of its district
    first, then the longest available); the ranking is recorded, and sending another crew than
    the first needs a reason. A crew is sent to one incident at a time."""
    incident = _incident(ctx)
    crew = _crew(ctx, ctx.input.crew)
    if crew.status != "available":
        raise Conflict(say("Crew %(crew)s is not available.", crew=crew.call_sign))
    ranked = ranking(ctx.user, incident)
    first = ranked[0]["crew"] if ranked else None
    reason = (ctx.input.reason or "").strip()
    if crew.call_sign != first and not reason:
        raise Invalid(
            say(
                "Crew %(first)s is recommended; say why you send %(crew)s instead.",
                first=first,
                crew=crew.call_sign,
            ),
            fields={"reason": gettext_noop("required")},
        )
    chosen = next(r for r in ranked if r["crew"] == crew.call_sign)
    return {
        "crew": crew.call_sign,
        "distance_m": chosen["distance_m"],
        "recommended": crew.call_sign == first,
        "ranking": ranked[:5],
        "reason": reason or None,
    }


class CrewOnIncident(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    crew: str = CallSign


def _apply_arrive(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    incident = incident_of(event)
    at = event.recorded_at
    Assignment.objects.filter(
        incident=incident, crew_id=data["crew"], released_at__isnull=True
    ).update(arrived_at=at)
    _set_crew(data["crew"], "on_scene", at, incident.number)
    if incident.lat is not None:  # the crew is where the scene is, until it reports again
        Crew.objects.filter(pk=data["crew"]).update(
            lat=incident.lat, lon=incident.lon, position_at=at
        )
    if incident.arrived_at is None:
        Incident.objects.filter(pk=incident.pk).update(arrived_at=at)
    _settle_state(incident)
    return {"incident": incident.number, "crew": data["crew"]}


def _sent(ctx: Context, incident: Incident) -> Assignment:
    found = _active(incident, ctx.input.crew)
    if found is None:
        raise Conflict(
            say(
                "Crew %(crew)s is not on incident %(incident)s.",
                crew=ctx.input.crew,
                incident=incident.number,
            ),
            fields={"crew": gettext_noop("not sent")},
        )
    return found


@incident_act(
    "dispatch.incident.arrive", CrewOnIncident, _apply_arrive, "Record a crew on the scene"
)
def arrive(ctx: Context) -> dict[str, Any]:
    """Records the hour a crew sent to the incident reports itself on the scene."""
    incident = _incident(ctx)
    if _sent(ctx, incident).arrived_at is not None:
        raise Conflict(say("Crew %(crew)s is already on the scene.", crew=ctx.input.crew))
    return {"crew": ctx.input.crew}


def _apply_release(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    incident = incident_of(event)
    at = event.recorded_at
    Assignment.objects.filter(
        incident=incident, crew_id=data["crew"], released_at__isnull=True
    ).update(released_at=at)
    _set_crew(data["crew"], "available", at)
    _settle_state(incident)
    return {"incident": incident.number, "crew": data["crew"]}


@incident_act(
    "dispatch.incident.release", CrewOnIncident, _apply_release, "Release a crew from an incident"
)
def release(ctx: Context) -> dict[str, Any]:
    """Frees a crew from an incident that stays open (it is needed elsewhere, or another crew
    takes over); the crew is available again. An incident left with no crew awaits one."""
    _sent(ctx, _incident(ctx))
    return {"crew": ctx.input.crew}


class Clear(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    disposition: Disposition
    note: str | None = pydantic.Field(default=None, max_length=2000)


def _apply_clear(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    incident = incident_of(event)
    at = event.recorded_at
    active = incident.crews.filter(released_at__isnull=True)
    for call_sign in active.values_list("crew_id", flat=True):
        _set_crew(call_sign, "available", at)
    active.update(released_at=at)
    Incident.objects.filter(pk=incident.pk).update(
        state="cleared", cleared_at=at, disposition=data["disposition"]
    )
    return {"incident": incident.number}


@incident_act("dispatch.incident.clear", Clear, _apply_clear, "Clear an incident")
def clear(ctx: Context) -> dict[str, Any]:
    """Closes the incident with its outcome and frees every crew still on it. "A crime report
    registered" needs the report registered from the incident first."""
    incident = _incident(ctx)
    if ctx.input.disposition == "report_registered" and incident.case_id is None:
        raise Conflict(
            say("No crime report has been registered from this incident."),
            fields={"disposition": gettext_noop("no report")},
        )
    crews = list(incident.crews.filter(released_at__isnull=True).values_list("crew_id", flat=True))
    return {"disposition": ctx.input.disposition, "note": ctx.input.note, "crews": crews}


# --- persons named on an incident ------------------------------------------------------------


class NamePerson(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    role: IncidentRole
    person: PersonInput | PersonRef


def _apply_person(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    pid = project_person(data["person"], event.recorded_at)
    maybe = [d["id"] for d in data["person"].get("possible_duplicates") or []]
    IncidentPerson.objects.get_or_create(
        incident_id=event.stream.removeprefix("incident/"),
        person_id=pid,
        role=data["role"],
        defaults={"named_at": event.recorded_at, "named_by": event.actor, "maybe": maybe},
    )
    return {"person": pid, "warnings": data["warnings"]}


@incident_act("dispatch.incident.person", NamePerson, _apply_person, "Name a person on an incident")
def name_person(ctx: Context) -> dict[str, Any]:
    """Names a person on an open incident as the caller or the crew gives them — the caller, a
    victim, a suspect, a witness —, or a person of the index by their id. The warnings on the
    person in force now (a protection order that names them, a hazard noted on them), and on
    the records of the index the name may be the same person as, are shown to the dispatcher at
    once and recorded with the act, as the address's are with the call."""
    incident = _incident(ctx)
    given = ctx.input.person
    if isinstance(given, PersonRef) and not visible_persons(ctx.user).filter(pk=given.id).exists():
        raise NotFound(
            say("There is no person %(person)s in the index.", person=given.id),
            fields={"person.id": gettext_noop("unknown")},
        )
    person = prepare_person(given, local_date(ctx.now))
    if (
        person.get("existing")
        and IncidentPerson.objects.filter(
            incident=incident, person_id=person["id"], role=ctx.input.role
        ).exists()
    ):
        raise Conflict(
            say(
                "%(person)s is already named on incident %(incident)s in this role.",
                person=person["id"],
                incident=incident.number,
            )
        )
    records = [person["id"], *(d["id"] for d in person.get("possible_duplicates") or [])]
    warnings = warnings_for(ctx.user, records_of_all(records), ctx.now)
    return {"role": ctx.input.role, "person": person, "warnings": warnings}


# --- the crime report registered from an incident --------------------------------------------


class Link(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    case: str = pydantic.Field(min_length=4, max_length=20)


def _apply_link(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Incident.objects.filter(pk=data["incident"]).update(case_id=data["case"])
    return {"incident": data["incident"], "case": data["case"]}


@act_kind(
    "dispatch.incident.link",
    schema=Link,
    roles=("system",),
    legal_basis="CPC 145(1)",
    target="stream",
    stream_for=_incident_stream_of,
    apply=_apply_link,
    title="Link an incident to its crime report",
)
def link(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a crime report is registered from an incident: the incident
    names the case."""
    found = Incident.objects.select_for_update().filter(pk=ctx.input.incident).first()
    if found is None or not Case.objects.filter(pk=ctx.input.case).exists():
        raise NotFound(say("No such incident, or it is not visible to you."))
    if found.case_id is not None:  # checked again under the incident's lock
        raise Conflict(
            say(
                "A crime report has already been registered from incident %(incident)s: "
                "case %(case)s.",
                incident=found.number,
                case=found.case_id,
            )
        )
    return {"incident": found.number, "case": ctx.input.case}


@reaction("registry.report.register")
def report_from_incident(ctx: Context, event: Event, data: dict[str, Any]) -> list[Reaction]:
    """A report registered with the channel `dispatch` and an incident's number as its
    reference comes from that incident: it must be one the registrar may act on, and not yet
    reported."""
    reference = data.get("reference")
    if data.get("channel") != "dispatch" or not reference:
        return []
    number = normalise_incident(reference)
    incident = visible_incidents(ctx.user).filter(pk=number).first() if number else None
    if incident is None:
        raise NotFound(
            say("No such incident, or it is not visible to you."),
            fields={"reference": gettext_noop("unknown incident")},
        )
    if incident.case_id is not None:
        raise Conflict(
            say(
                "A crime report has already been registered from incident %(incident)s: "
                "case %(case)s.",
                incident=incident.number,
                case=incident.case_id,
            ),
            fields={"reference": gettext_noop("already reported")},
        )
    return [
        Reaction("dispatch.incident.link", {"incident": incident.number, "case": data["number"]})
    ]


# --- an order issued at the address of an open incident -------------------------------------


class Warn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    incident: str = IncidentNumber
    order: str = pydantic.Field(min_length=4, max_length=32)


def _apply_warn(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    incident = incident_of(event)
    raise_alert(
        event,
        0,
        kind="dispatch.incident.warn",
        unit=incident.unit_id,
        roles=list(DISPATCHERS),
        subject=incident.number,
        message=say(
            "Protection order %(order)s has been issued at the address of open incident "
            "%(incident)s: tell the crews there (%(crews)s).",
            order=data["order"],
            incident=incident.number,
            crews=", ".join(data["crews"]) or "—",
        ),
    )
    return {"incident": incident.number, "order": data["order"]}


@act_kind(
    "dispatch.incident.warn",
    schema=Warn,
    roles=("system",),
    legal_basis=POLICE_LAW,
    target="stream",
    stream_for=_incident_stream_of,
    apply=_apply_warn,
    title="Warn an open incident of an order issued at its address",
)
def warn(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a protection order is issued at the address of an open
    incident: the incident's dispatchers are alerted, with the crews sent there to tell."""
    found = Incident.objects.select_for_update().filter(pk=ctx.input.incident).first()
    if found is None:
        raise NotFound(say("No such incident, or it is not visible to you."))
    crews = found.crews.filter(released_at__isnull=True).order_by("seq")
    return {
        "incident": found.number,
        "order": ctx.input.order,
        "crews": list(crews.values_list("crew_id", flat=True)),
    }


@reaction("offences.order.issue")
def warn_open_incidents(ctx: Context, event: Event, data: dict[str, Any]) -> list[Reaction]:
    """An order issued at an address where incidents are open warns each of them."""
    order = ProtectionOrder.objects.filter(pk=data.get("order")).first()
    if order is None:
        return []
    open_there = Incident.objects.filter(
        region=order.region, address_key=order.address_key
    ).exclude(state="cleared")
    return [
        Reaction("dispatch.incident.warn", {"incident": number, "order": order.number})
        for number in open_there.order_by("received_at", "number").values_list("number", flat=True)
    ]


# --- hazards at addresses -------------------------------------------------------------------


class RecordHazard(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: HazardKind
    place: Address
    note: str = pydantic.Field(min_length=3, max_length=500, description="what officers must know")
    person: str | None = pydantic.Field(
        default=None, max_length=16, description="the person it concerns (an id in the index)"
    )
    until: date | None = pydantic.Field(default=None, description="the last day it holds")


HAZARD_YEARS = timedelta(days=3653)


def hazard_stream(unit: str) -> str:
    return f"hazards/{unit}"


def _apply_hazard(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    place = data["place"]
    Hazard.objects.create(
        id=data["hazard"],
        unit_id=data["unit"],
        territory_path=data["territory_path"],
        kind=data["kind"],
        note=data["note"],
        region=place["region"],
        address=place["address"],
        address_key=address_key(place["address"]),
        person_id=data["person"],
        recorded_at=event.recorded_at,
        until=datetime.fromisoformat(data["until"]) if data["until"] else None,
    )
    return {"hazard": data["hazard"]}


@act_kind(
    "dispatch.hazard.record",
    schema=RecordHazard,
    roles=DISPATCHERS,
    legal_basis=POLICE_LAW,
    target="new",
    apply=_apply_hazard,
    title="Note a hazard at an address",
)
def record_hazard(ctx: Context) -> dict[str, Any]:
    """Notes a hazard officers must know of before they go to an address: weapons held there,
    a person violent to officers, a dangerous animal, an infection. Where it concerns a person
    of the index, the person is named and warned of wherever they are looked up. It holds until
    withdrawn, or to the end of `until`."""
    data = ctx.input
    unit = registering_unit(ctx, say("Your unit keeps no register of hazards."))
    territory = check_place(data.place)
    if data.person and not visible_persons(ctx.user).filter(pk=data.person).exists():
        raise NotFound(
            say("There is no person %(person)s in the index.", person=data.person),
            fields={"person": gettext_noop("unknown")},
        )
    if data.until is not None and data.until > local_date(ctx.now) + HAZARD_YEARS:
        raise Invalid(
            say("A hazard is noted for ten years at most; withdraw it when it ends."),
            fields={"until": gettext_noop("too far")},
        )
    ends = parse_moment(data.until) if data.until is not None else None
    if ends is not None and ends <= ctx.now:
        raise Invalid(
            say("The last day of a hazard cannot have passed."),
            fields={"until": gettext_noop("past")},
        )
    ctx.stream = hazard_stream(unit.code)
    ctx.head = lock_head(ctx.stream)
    return {
        "hazard": f"HZ-{unit.code}-{ctx.head.seq + 1}",
        "unit": unit.code,
        "territory_path": territory.path,
        "kind": data.kind,
        "place": data.place.model_dump(),
        "note": data.note,
        "person": data.person,
        "until": iso(ends),  # the end of its last day, local time
    }


class WithdrawHazard(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    hazard: str = pydantic.Field(min_length=4, max_length=40, pattern=r"^HZ-[\w-]+-\d+$")
    reason: str = pydantic.Field(min_length=3, max_length=500)


def _hazard_stream_of(data: Any) -> str:
    return hazard_stream(data.hazard.removeprefix("HZ-").rsplit("-", 1)[0])


def _apply_withdraw(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Hazard.objects.filter(pk=data["hazard"]).update(withdrawn_at=event.recorded_at)
    return {"hazard": data["hazard"]}


@act_kind(
    "dispatch.hazard.withdraw",
    schema=WithdrawHazard,
    roles=DISPATCHERS,
    legal_basis=POLICE_LAW,
    target="stream",
    stream_for=_hazard_stream_of,
    apply=_apply_withdraw,
    title="Withdraw a hazard",
)
def withdraw_hazard(ctx: Context) -> dict[str, Any]:
    """Ends a hazard that no longer holds (the weapons surrendered, the person moved away),
    with the reason."""
    found = visible_hazards(ctx.user).select_for_update().filter(pk=ctx.input.hazard).first()
    if found is None:
        raise NotFound(
            say("No such hazard, or it is not visible to you."),
            fields={"hazard": gettext_noop("unknown")},
        )
    if found.withdrawn_at is not None:
        raise Conflict(say("Hazard %(hazard)s has been withdrawn.", hazard=found.id))
    return {"hazard": found.id, "reason": ctx.input.reason, "at": iso(ctx.now)}


projections.tables(IncidentPerson, Assignment, Incident, Crew, Hazard, IncidentCounter)
