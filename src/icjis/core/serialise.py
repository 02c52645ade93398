"""JSON shapes of cases, events, persons and deadlines, shared by the API and the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from icjis.core.canonical import iso
from icjis.core.models import Case, Event, Person

# Event fields that never leave the server (hashes of secrets).
HIDDEN_FIELDS = frozenset({"receipt_hash"})


def event_json(event: Event) -> dict[str, Any]:
    data = {k: v for k, v in event.payload.items() if k not in HIDDEN_FIELDS}
    return {
        "stream": event.stream,
        "seq": event.seq,
        "kind": event.kind,
        "recorded_at": iso(event.recorded_at),
        "claimed_at": iso(event.claimed_at),
        "actor": event.actor,
        "actor_role": event.actor_role,
        "actor_unit": event.actor_unit,
        "legal_basis": event.legal_basis,
        "rule_pack": event.rule_pack,
        "corrects": event.corrects,
        "data": data,
        "hash": event.hash,
    }


def person_json(person: Person, brief: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": person.id,
        "surname": person.surname,
        "given_name": person.given_name,
        "patronymic": person.patronymic,
        "latin_name": person.latin_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "sex": person.sex,
        "merged_into": person.merged_into_id,
    }
    if not brief:
        body["pin"] = person.pin
        body["citizenship"] = person.citizenship
        body["residence"] = person.residence_id
    return body


def deadline_json(d: Any, now: datetime) -> dict[str, Any]:
    from icjis.legal.models import Deadline

    assert isinstance(d, Deadline)
    state = getattr(d, "current_state", None) or d.state
    if state == "running" and d.due_at < now:
        state = "lapsed" if d.window else "missed"
    remaining = (d.due_at - now).total_seconds() if state == "running" else None
    return {
        "case": d.case_id,
        "rule": d.rule,
        "title": d.title,
        "article": d.article,
        "subject": d.subject or None,
        "rule_pack": d.rule_pack,
        "starts_at": iso(d.starts_at),
        "due_at": iso(d.due_at),
        "warn_at": iso(d.warn_at),
        "state": state,
        "window": d.window,
        "closed_at": iso(d.closed_at),
        "seconds_left": int(remaining) if remaining is not None else None,
    }


def case_json(case: Case, now: datetime) -> dict[str, Any]:
    participants = case.participants.select_related("person").order_by("since", "person_id", "role")
    deadlines = (
        case.deadlines.with_state(now).exclude(state__in=["met", "cancelled"]).order_by("due_at")
    )
    details = {k: v for k, v in case.details.items() if k != "receipt"}
    return {
        "number": case.number,
        "stage": case.stage,
        "legislation_set": case.legislation_set,
        "rule_pack": case.rule_pack,
        "qualification": {
            "article": case.article or None,
            "part": case.article_part,
            "code": case.criminal_code or None,
            "category": case.category or None,
        },
        "unit": case.unit_id,
        "court": case.court_id,
        "registered_at": iso(case.registered_at),
        "last_movement_at": iso(case.last_movement_at),
        "summary": case.summary,
        "officers": [
            {"username": o.username, "role": o.role, "since": iso(o.since)}
            for o in case.officers.order_by("role", "username")
        ],
        "units": [
            {"unit": u.unit_id, "capacity": u.capacity} for u in case.units.order_by("capacity")
        ],
        "participants": [
            {
                "person": p.person_id,
                "role": p.role,
                "name": p.person.full_name,
                "since": iso(p.since),
            }
            for p in participants
        ],
        "deadlines": [deadline_json(d, now) for d in deadlines],
        "details": details,
    }
