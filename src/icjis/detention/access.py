"""Who may read the detention registers.

- Staff of a detention facility (IVS officers and medics) see the detainees of their facility,
  including those on their way to it.
- Investigators, prosecutors and others see the detentions of the cases they may read
  (`core.access.restrict`): for a prosecutor that is the territory of their office.
- The ombudsperson oversees every place of detention: the registers and custody clocks
  nationwide, read only (they perform no act), and every read is logged. They do not read the
  case files themselves (their case scope is "none").
- Anyone else sees nothing; missing and forbidden look the same (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.access import found_or_refused, in_visible_cases, log_read, scope_of
from icjis.core.refusals import say
from icjis.detention.models import Detention

IVS_ROLES = frozenset({"ivs_officer", "ivs_medic"})
OVERSIGHT_ROLES = frozenset({"ombudsperson"})


def oversees_all(user: Any) -> bool:
    """Whether the user reads every detention in the country (oversight, national scope)."""
    return bool(OVERSIGHT_ROLES & set(user.roles)) or scope_of(user) == "national"


def read_purpose(user: Any, asked: str | None = None) -> str:
    """The purpose logged for a read: oversight, detention work, or what the reader gave."""
    if OVERSIGHT_ROLES & set(user.roles):
        return "oversight"
    if IVS_ROLES & set(user.roles):
        return "detention"
    return asked or "caseload"


def visible_detentions(user: Any) -> QuerySet[Detention]:
    """The detentions `user` may read (as one filter, so lists stay one query)."""
    if oversees_all(user):
        return Detention.objects.all()
    roles = set(user.roles)
    q = Q(pk__in=[])
    if roles & IVS_ROLES:
        q |= Q(facility_id=user.unit_id)
    if roles - IVS_ROLES:
        q |= in_visible_cases(user)
    return Detention.objects.filter(q)


def access_detention(user: Any, detention_id: str, purpose: str | None = None) -> Detention:
    """Fetch and authorise one detention, logging the read whatever its outcome."""
    why = read_purpose(user, purpose)
    held = visible_detentions(user).select_related("person", "facility", "cell", "case")
    missing = say("No such detention, or it is not visible to you.")
    found: Detention = found_or_refused(user, held, "detention", detention_id, why, missing)
    log_read(user, "detention", detention_id, why, "shown", persons=[found.person_id])
    return found
