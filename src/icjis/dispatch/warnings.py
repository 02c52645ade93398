"""Warnings for a call or an officer: the protection orders in force at an address (module J,
pushed here) and the hazards noted there; and the hazards noted on a person, shown wherever the
person is looked up (`core.warnings`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.warnings import warning_source
from icjis.dispatch.models import Hazard
from icjis.offences.acts import address_key
from icjis.offences.warnings import order_warning, orders_in_force, warned


def hazards_in_force(now: datetime) -> QuerySet[Hazard]:
    return Hazard.objects.filter(withdrawn_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=now)
    )


def hazard_warning(h: Hazard) -> dict[str, Any]:
    return {
        "kind": "hazard",
        "ref": h.id,
        "hazard": h.kind,
        "note": h.note,
        "person": h.person_id,
        "until": iso(h.until),
        "unit": h.unit_id,
    }


def address_warnings(region: str, address: str, now: datetime) -> list[dict[str, Any]]:
    """The orders in force and the hazards at an address (compared word for word, case and
    punctuation aside) in a region, wherever they were recorded; orders first."""
    key = address_key(address)
    if len(key) < 3:
        return []
    out: list[dict[str, Any]] = []
    orders = orders_in_force(now).filter(region=region[:8], address_key=key)
    for o in orders.prefetch_related("persons").order_by("until", "number"):
        restrained = next(p.person_id for p in o.persons.all() if p.role == "restrained")
        out.append({**order_warning(o, "restrained", restrained), "ref": o.number})
    hazards = hazards_in_force(now).filter(region=region[:8], address_key=key)
    out += [hazard_warning(h) for h in hazards.order_by("recorded_at", "id")]
    return out


@warning_source
def person_hazards(user: Any, records: list[str], now: datetime) -> list[dict[str, Any]]:
    """The hazards noted on the person (or a record merged into them), for a reader who meets
    the public; the read is logged as a read of each hazard shown."""
    if not warned(user):
        return []
    rows = hazards_in_force(now).filter(person_id__in=records).order_by("recorded_at", "id")
    out = [hazard_warning(h) for h in rows]
    for w in out:
        log_read(user, "hazard", w["ref"], "search", "shown", persons=[w["person"]])
    return out
