"""Warnings for a call or an officer: the hazards noted at an address, given to every call
taken there with the other modules' warnings at the address (`core.warnings.warnings_at`: the
protection orders in force, module J); and the hazards noted on a person, shown wherever the
person is looked up (`core.warnings.warnings_for`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.warnings import address_source, warning_source
from icjis.dispatch.models import Hazard
from icjis.offences.warnings import warned


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


@address_source
def address_hazards(region: str, key: str, now: datetime) -> list[dict[str, Any]]:
    """The hazards in force at the address, wherever they were noted, oldest first."""
    rows = hazards_in_force(now).filter(region=region, address_key=key)
    return [hazard_warning(h) for h in rows.order_by("recorded_at", "id")]


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
