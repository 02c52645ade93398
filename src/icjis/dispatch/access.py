"""Who may read and act on incidents, crews and hazards.

- The dispatchers and the head of a police unit read and act on the incidents, crews and
  hazards of their unit; a wider scope reads its territory's.
- National scope (auditors) reads every one of them and acts on none (their role performs no
  dispatch act).
- Anyone else sees nothing; missing and forbidden look the same (404). Every read that names
  persons is logged. The persons named on the incidents a user reads are persons the user may
  open (a dispatcher's own when they named them).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from icjis.core import clock
from icjis.core.access import found_or_refused, log_read, person_register, scope_of
from icjis.core.refusals import say
from icjis.core.roles import SCOPES
from icjis.core.warnings import warnings_at
from icjis.dispatch.models import Crew, Hazard, Incident, IncidentPerson

DISPATCH_ROLES = frozenset({"dispatcher", "unit_head"})
M = TypeVar("M", bound=Model)


def dispatches(user: Any) -> bool:
    """Whether `user` works a dispatch centre (a dispatcher or the head of a police unit, one
    that keeps registers) or audits them: who may look up the warnings at any address."""
    if "auditor" in user.roles:
        return True
    unit = user.unit if user.unit_id else None
    return bool(DISPATCH_ROLES & set(user.roles)) and bool(unit and unit.register_code)


def area(user: Any) -> Q | None:
    """The user's area as a filter on a row's unit and territory; None for all (national)."""
    scope = scope_of(user)
    if scope == "national":
        return None
    if not DISPATCH_ROLES & set(user.roles) or user.unit_id is None:
        return Q(pk__in=[])
    if SCOPES.index(scope) >= SCOPES.index("region"):
        return Q(territory_path__startswith=user.unit.territory.path)
    return Q(unit_id=user.unit_id)


def _within(user: Any, model: type[M]) -> QuerySet[M]:
    found = area(user)
    rows = model._default_manager.all()
    return rows if found is None else rows.filter(found)


def visible_incidents(user: Any) -> QuerySet[Incident]:
    return _within(user, Incident)


def visible_crews(user: Any) -> QuerySet[Crew]:
    return _within(user, Crew)


def visible_hazards(user: Any) -> QuerySet[Hazard]:
    return _within(user, Hazard)


def access_incident(user: Any, number: str) -> tuple[Incident, list[dict[str, Any]]]:
    """Fetch and authorise one incident with the warnings in force at its address now
    (`core.warnings.warnings_at`), logging the read whatever its outcome: shown, it names the
    persons those warnings name."""
    missing = say("No such incident, or it is not visible to you.")
    found: Incident = found_or_refused(
        user, visible_incidents(user), "incident", number, "caseload", missing
    )
    warnings = warnings_at(found.region, found.address, clock.now())
    persons = {w["person"] for w in warnings if w.get("person")}
    persons |= set(found.persons.values_list("person_id", flat=True))
    log_read(user, "incident", found.number, "caseload", "shown", persons=persons)
    return found, warnings


@person_register
def incident_persons(user: Any, own: bool) -> QuerySet[Any] | None:
    """The persons named on the incidents of the user's area (`own`: those the user named)."""
    if not DISPATCH_ROLES & set(user.roles) and "auditor" not in user.roles:
        return None
    named = IncidentPerson.objects.filter(incident__in=visible_incidents(user))
    return (named.filter(named_by=user.username) if own else named).values("person_id")
