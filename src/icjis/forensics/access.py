"""Who may read the expertises of a case.

- Whoever may read the whole case file reads its expertises (`core.access.in_visible_cases`).
- A forensic expert reads the expertises they are assigned to, and no other; their part of the
  file (`core.visibility`) is the expertises and the evidence.
- Any other role that reads only its part of a case file reads none.
- Missing and forbidden look the same (404). Every read is logged.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.access import found_or_refused, in_visible_cases, log_read
from icjis.core.refusals import say
from icjis.core.visibility import part_for
from icjis.forensics.models import Expertise


def visible_expertises(user: Any) -> QuerySet[Expertise]:
    """The expertises `user` may read (as one filter, so lists stay one query)."""
    part = part_for(user)
    if part is None:
        return Expertise.objects.filter(in_visible_cases(user))
    if "expert" in user.roles:
        return Expertise.objects.filter(Q(assignments__expert=user.username)).distinct()
    return Expertise.objects.none()


def access_expertise(user: Any, expertise_id: str, purpose: str = "caseload") -> Expertise:
    """Fetch and authorise one expertise, logging the read whatever its outcome."""
    expertises = visible_expertises(user).select_related("case", "lab")
    missing = say("No such expertise, or it is not visible to you.")
    found: Expertise = found_or_refused(
        user, expertises, "expertise", expertise_id, purpose, missing
    )
    persons = [found.person] if found.person else []
    log_read(user, "expertise", expertise_id, purpose, "shown", persons=persons)
    return found
