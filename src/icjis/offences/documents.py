"""The procedural documents of the register of protection orders (module M).

The temporary protection order as issued (Law of 27.04.2017 No. 63, arts. 25, 27): whom it
restrains and whom it protects, where, what it forbids or requires, from when until when, and
that its breach is an offence (CoO 71). It states the order as issued; an extension is an act of
its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_noop

from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Event, Territory
from icjis.offences.access import access_order
from icjis.offences.models import ProtectionOrder
from icjis.offences.rules import condition_title, rules_by_id


def read_order(user: Any, event: Event, purpose: str) -> None:
    access_order(user, event.stream.removeprefix("order/"), purpose)


@document_kind(
    "offences.protection_order",
    source="offences.order.issue",
    template="offences/documents/protection_order.html",
    title=gettext_noop("Temporary protection order"),
    legal_basis="Law of 27.04.2017 No. 63, arts. 25, 27",
    authorise=read_order,
)
def protection_order(event: Event) -> dict[str, Any]:
    order = ProtectionOrder.objects.prefetch_related("persons__person").get(
        pk=event.stream.removeprefix("order/")
    )
    issued = event.payload
    asked = Event.objects.get(stream=event.stream, seq=1).payload
    language = (get_language() or "ru")[:2]
    rules = rules_by_id(order.rules)
    persons = list(order.persons.all())
    place = Territory.objects.filter(code=order.district or order.region).first()
    return {
        "place": localised(place) if place else "",
        "number": order.number,
        "restrained": [p.person for p in persons if p.role == "restrained"],
        "protected": [p.person for p in persons if p.role == "protected"],
        "address": order.address,
        "summary": asked.get("summary", ""),
        "reported_at": timezone.localtime(order.reported_at),
        "conditions": [condition_title(c, language) for c in issued["conditions"]],
        "days": issued["days"],
        "since": timezone.localtime(event.recorded_at),
        "until": timezone.localtime(datetime.fromisoformat(issued["until"])),
        "breach_article": rules.breach_article.removeprefix("CoO").strip(),
    }
