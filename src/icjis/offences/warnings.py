"""Protection orders in force as warnings on the persons they name (SPEC J: warnings pushed to
officers looking up the person or the address)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.warnings import address_source, warning_source
from icjis.offences.access import WARNED_ROLES
from icjis.offences.models import OrderPerson, ProtectionOrder


def warned(user: Any) -> bool:
    return bool(WARNED_ROLES & set(user.roles)) or "auditor" in user.roles


def order_warning(order: ProtectionOrder, role: str, person: str) -> dict[str, Any]:
    return {
        "kind": "protection_order",
        "order": order.number,
        "person": person,
        "role": role,  # restrained | protected
        "until": iso(order.until),
        "conditions": order.conditions,
        "unit": order.unit_id,
        "breaches": order.breaches,
    }


def orders_in_force(now: datetime) -> QuerySet[ProtectionOrder]:
    return ProtectionOrder.objects.in_state("in_force", now)


@warning_source
def person_orders(user: Any, records: list[str], now: datetime) -> list[dict[str, Any]]:
    """The orders in force naming the person (or a record merged into them), for a reader who
    meets the public; the read is logged as a read of each order shown."""
    if not warned(user):
        return []
    rows = (
        OrderPerson.objects.filter(person_id__in=records, order__in=orders_in_force(now))
        .select_related("order")
        .order_by("order__until", "order_id")
    )
    out = [order_warning(r.order, r.role, r.person_id) for r in rows]
    for w in out:
        log_read(user, "order", w["order"], "search", "shown", persons=[w["person"]])
    return out


@address_source
def address_orders(region: str, key: str, now: datetime) -> list[dict[str, Any]]:
    """The orders in force at the address (wherever they were issued), as warnings naming the
    person they restrain."""
    rows = orders_in_force(now).filter(region=region, address_key=key)
    out = []
    for o in rows.prefetch_related("persons").order_by("until", "number"):
        restrained = next(p.person_id for p in o.persons.all() if p.role == "restrained")
        out.append({**order_warning(o, "restrained", restrained), "ref": o.number})
    return out
