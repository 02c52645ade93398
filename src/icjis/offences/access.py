"""Who may read and act on protection orders.

- Officers of a police unit (offences officers, the head, registrars, dispatchers) read and act
  on the orders of their unit; a wider scope reads its territory's; national scope (auditors)
  reads every order.
- An order asked for in a criminal case is read by whoever may read the case.
- Anyone looking up a person or an address who holds a role that meets the public (police,
  prosecutors, courts, detention, probation) is warned of an order in force that names them,
  wherever it was issued (`icjis.offences.warnings`): the warning shows the order, not the file.
- A prosecutor reads the offence cases of their territory, with full access to their materials
  (CoO 452(3)(3)).
- An administrative detention is acted on by its unit (`acting_detentions`) and read also by the
  prosecutors of its territory, who oversee it (CoO 524(7)), by the court it was brought to or
  that decides its case, and nationwide by the ombudsperson, who oversees every place of
  detention (their reads are logged as oversight, as for the register of detention).
- Missing and forbidden look the same (404); every read is logged with the persons it showed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.access import (
    found_or_refused,
    in_visible_cases,
    log_read,
    person_register,
    restrict,
    scope_of,
)
from icjis.core.refusals import say
from icjis.core.roles import SCOPES
from icjis.detention.access import oversees_all, read_purpose
from icjis.offences.models import AdminDetention, OffenceCase, OrderPerson, ProtectionOrder

REGISTER_ROLES = frozenset({"offences_officer", "unit_head", "registrar", "dispatcher"})
COURT_ROLES = frozenset({"judge", "court_clerk", "court_president", "appeal_judge"})
WARNED_ROLES = frozenset(
    {
        *REGISTER_ROLES,
        "investigator",
        "prosecutor",
        "ivs_officer",
        "investigating_judge",
        "judge",
        "probation_officer",
    }
)


def _own_area(user: Any) -> Q | None:
    """The orders of the user's register by their scope: unit, or territory for a wider one;
    None for every order (national scope)."""
    scope = scope_of(user)
    if scope == "national":
        return None
    if not REGISTER_ROLES & set(user.roles) or user.unit_id is None:
        return Q(pk__in=[])
    if SCOPES.index(scope) >= SCOPES.index("region"):
        return Q(territory_path__startswith=user.unit.territory.path)
    return Q(unit_id=user.unit_id)


def acting_orders(user: Any) -> QuerySet[ProtectionOrder]:
    """The orders `user` may act on: those of their register (the act's roles are checked by
    `perform`)."""
    area = _own_area(user)
    return ProtectionOrder.objects.all() if area is None else ProtectionOrder.objects.filter(area)


def visible_orders(user: Any) -> QuerySet[ProtectionOrder]:
    """The orders `user` may read: those of their register and those of cases they may read."""
    area = _own_area(user)
    if area is None:
        return ProtectionOrder.objects.all()
    return ProtectionOrder.objects.filter(area | (Q(case__isnull=False) & in_visible_cases(user)))


def _overseen(user: Any) -> Q:
    """What a prosecutor oversees in the register of offences (CoO 452(1), (3)(3)): the records
    of their territory — where the offence or the detention took place, or where the unit that
    keeps the record stands. Nothing for anyone else."""
    if "prosecutor" not in user.roles or user.unit_id is None:
        return Q(pk__in=[])
    path = user.unit.territory.path
    return Q(territory_path__startswith=path) | Q(unit__territory__path__startswith=path)


def visible_offences(user: Any) -> QuerySet[OffenceCase]:
    """The offence cases `user` may read and act on (the act checks who decides): those of their
    register, those sent to their court or appealed to it, and those of a prosecutor's
    territory, with full access to their materials (CoO 452(3)(3))."""
    area = _own_area(user)
    if area is None:
        return OffenceCase.objects.all()
    area |= _overseen(user)
    if COURT_ROLES & set(user.roles) and user.unit_id is not None:
        area |= Q(court_id=user.unit_id) | Q(appeal_court_id=user.unit_id)
    return OffenceCase.objects.filter(area)


def order_persons(order: ProtectionOrder) -> list[str]:
    return [p.person_id for p in order.persons.all()]


def access_order(user: Any, number: str, purpose: str = "caseload") -> ProtectionOrder:
    """Fetch and authorise one order, logging the read whatever its outcome."""
    orders = visible_orders(user).select_related("unit").prefetch_related("persons__person")
    missing = say("No such protection order, or it is not visible to you.")
    found: ProtectionOrder = found_or_refused(user, orders, "order", number, purpose, missing)
    log_read(user, "order", number, purpose, "shown", persons=order_persons(found))
    return found


@person_register
def register_persons(user: Any, own: bool) -> QuerySet[Any] | None:
    """The persons of the orders of the user's register (`core.access.visible_persons`)."""
    if not REGISTER_ROLES & set(user.roles):
        return None
    orders = acting_orders(user).filter(officer=user.username) if own else acting_orders(user)
    return OrderPerson.objects.filter(order__in=orders).values("person_id")


def crime_cases_shown(user: Any, cases: Iterable[OffenceCase]) -> set[str]:
    """The criminal cases that `cases` were passed on as (CoO 516) which `user` may read: the
    number of one beyond their reach is not shown (missing and forbidden alike)."""
    numbers = {c.crime_case for c in cases if c.crime_case}
    if not numbers:
        return set()
    return set(restrict(user).filter(pk__in=numbers).values_list("pk", flat=True))


@person_register
def offence_persons(user: Any, own: bool) -> QuerySet[Any] | None:
    """The persons of the offence cases of the user's register, court or territory overseen."""
    if not (REGISTER_ROLES | COURT_ROLES | {"prosecutor"}) & set(user.roles):
        return None
    cases = visible_offences(user)
    return (cases.filter(officer=user.username) if own else cases).values("person_id")


def access_offence(user: Any, number: str, purpose: str = "caseload") -> OffenceCase:
    """Fetch and authorise one offence case, logging the read whatever its outcome."""
    cases = visible_offences(user).select_related("person")
    missing = say("No such offence case, or it is not visible to you.")
    found: OffenceCase = found_or_refused(user, cases, "offence", number, purpose, missing)
    log_read(user, "offence", number, purpose, "shown", persons=[found.person_id])
    return found


def acting_detentions(user: Any) -> QuerySet[AdminDetention]:
    """The administrative detentions `user` may act on: those of their register."""
    area = _own_area(user)
    return AdminDetention.objects.all() if area is None else AdminDetention.objects.filter(area)


def visible_detentions(user: Any) -> QuerySet[AdminDetention]:
    """The administrative detentions `user` may read: those of their register, those of their
    territory for a prosecutor (the place or the holding unit within it), those brought to their
    court or of a case it decides; all of them for the ombudsperson."""
    area = _own_area(user)
    if area is None or oversees_all(user):
        return AdminDetention.objects.all()
    area |= _overseen(user)
    if COURT_ROLES & set(user.roles) and user.unit_id is not None:
        # Brought to the court, or detained for a case the court decides (535(3)).
        unit = user.unit_id
        area |= Q(court_id=unit) | Q(offence__court_id=unit) | Q(offence__appeal_court_id=unit)
    return AdminDetention.objects.filter(area)


def access_detention(user: Any, number: str, purpose: str = "caseload") -> AdminDetention:
    """Fetch and authorise one administrative detention, logging the read whatever its outcome."""
    purpose = read_purpose(user, purpose)
    held = visible_detentions(user).select_related("person", "unit", "court")
    missing = say("No such detention, or it is not visible to you.")
    found: AdminDetention = found_or_refused(user, held, "detention-coo", number, purpose, missing)
    log_read(user, "detention-coo", number, purpose, "shown", persons=[found.person_id])
    return found


@person_register
def detention_persons(user: Any, own: bool) -> QuerySet[Any] | None:
    """The persons of the administrative detentions the user may read."""
    if not (REGISTER_ROLES | COURT_ROLES | {"prosecutor"}) & set(user.roles):
        return None
    held = visible_detentions(user)
    return (held.filter(officer=user.username) if own else held).values("person_id")
