"""Who may read the evidence of a case.

- Whoever may read the whole case file reads its items and their chain of custody
  (`core.access.in_visible_cases`): the investigator, the unit (its evidence room included),
  the prosecutor, the court.
- A forensic expert reads the items handed over to them, and no other item of the case.
- Any other role that reads only its part of a case file (IVS, prison, probation, enforcement:
  `core.visibility.part_for`) reads no evidence.
- Anyone else sees nothing; missing and forbidden look the same (404). Every read is logged.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icjis.core.access import found_or_refused, in_visible_cases, log_read
from icjis.core.refusals import say
from icjis.core.visibility import part_for
from icjis.evidence.models import Custody, Item


def visible_items(user: Any) -> QuerySet[Item]:
    """The items `user` may read (as one filter, so lists stay one query): those of the cases
    whose whole file they read; for a forensic expert, the items handed to them (held or sent
    back since); for any other reader of part of a file, none."""
    if part_for(user) is None:
        return Item.objects.filter(in_visible_cases(user))
    if "expert" in user.roles:
        handed = Custody.objects.filter(kind="handed_over", to=user.username).values("item_id")
        return Item.objects.filter(pk__in=handed)
    return Item.objects.none()


def access_item(user: Any, item_id: str, purpose: str = "caseload") -> Item:
    """Fetch and authorise one item, logging the read whatever its outcome."""
    items = visible_items(user).select_related("case")
    missing = say("No such item, or it is not visible to you.")
    found: Item = found_or_refused(user, items, "evidence", item_id, purpose, missing)
    log_read(user, "evidence", item_id, purpose, "shown")
    return found
