"""Who may read and act on incidents, crews and hazards.

- The dispatchers and the head of a police unit read and act on the incidents, crews and
  hazards of their unit; a wider scope reads its territory's.
- National scope (auditors) reads every one of them and acts on none (their role performs no
  dispatch act).
- Anyone else sees nothing; missing and forbidden look the same (404). Every read that names
  persons is logged.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from icjis.core.access import log_read, scope_of
from icjis.core.refusals import NotFound, say
from icjis.core.roles import SCOPES
from icjis.dispatch.models import Crew, Hazard, Incident

DISPATCH_ROLES = frozenset({"dispatcher", "unit_head"})
M = TypeVar("M", bound=Model)


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


def access_incident(user: Any, number: str, purpose: str = "caseload") -> Incident:
    """Fetch and authorise one incident, logging the read whatever its outcome."""
    found = visible_incidents(user).filter(pk=number).first()
    if found is None:
        exists = Incident.objects.filter(pk=number).exists()
        log_read(user, "incident", number[:64], purpose, "denied" if exists else "not_found")
        raise NotFound(say("No such incident, or it is not visible to you."))
    log_read(user, "incident", number, purpose, "shown")
    return found
