"""Who may read the evidence of a case.

- Whoever may read the whole case file reads its items and their chain of custody
  (`core.access.in_visible_cases`): the investigator, the unit (its evidence room included),
  the prosecutor, the court.
- A role that reads only its part of a case file (IVS, prison, probation, enforcement:
  `core.visibility.part_for`) reads no evidence, unless evidence is its part: a forensic expert
  reads the items of the cases whose expertises they were assigned.
- Anyone else sees nothing; missing and forbidden look the same (404). Every read is logged.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icjis.core.access import in_visible_cases, log_read
from icjis.core.refusals import NotFound, say
from icjis.core.visibility import matches, part_for
from icjis.evidence.models import Item


def reads_evidence(user: Any) -> bool:
    """Whether the user's part of a case file, if they read only a part, includes its evidence
    (a forensic expert's does)."""
    part = part_for(user)
    return part is None or matches("evidence.item", part.events)


def visible_items(user: Any) -> QuerySet[Item]:
    """The items `user` may read (as one filter, so lists stay one query)."""
    if not reads_evidence(user):
        return Item.objects.none()
    return Item.objects.filter(in_visible_cases(user))


def access_item(user: Any, item_id: str, purpose: str = "caseload") -> Item:
    """Fetch and authorise one item, logging the read whatever its outcome."""
    found = visible_items(user).select_related("case").filter(pk=item_id).first()
    if found is None:
        exists = Item.objects.filter(pk=item_id).exists()
        log_read(user, "evidence", item_id[:64], purpose, "denied" if exists else "not_found")
        raise NotFound(say("No such item, or it is not visible to you."))
    log_read(user, "evidence", item_id, purpose, "shown")
    return found
