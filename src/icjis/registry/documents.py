"""The procedural documents of the register of crimes (module M).

The decision to open a criminal case (CPC 156): "formed by the Unified Register of Crimes by
entering the data" (156(1)), it states the time and place it was made, who made it, the reason
and the ground for opening the case, the article of the criminal law and what happens next
(156(2)); a copy goes to the prosecutor within 24 hours (156(3)).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from icjis.core.access import access_case
from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Case, Event

# The reason (повод) for opening a case (CPC 148(1)), by the channel the report came through.
REASONS = {
    "in_person": gettext_noop("a crime report made in person"),
    "phone": gettext_noop("a crime report made by telephone"),
    "online": gettext_noop("a crime report made online"),
    "dispatch": gettext_noop("a report received from the emergency line"),
    "transfer": gettext_noop("a report transferred from another body"),
}


def read_case(user: Any, event: Event, purpose: str) -> None:
    access_case(user, event.stream.removeprefix("case/"), purpose)


@document_kind(
    "registry.decision_to_open",
    source="registry.case.open",
    template="registry/documents/decision_to_open.html",
    title=gettext_noop("Decision to open a criminal case"),
    legal_basis="CPC 156",
    authorise=read_case,
)
def decision_to_open(event: Event) -> dict[str, Any]:
    case = Case.objects.select_related("unit__territory").get(pk=event.stream.removeprefix("case/"))
    opened = event.payload
    report = Event.objects.get(stream=event.stream, seq=1).payload
    return {
        "place": localised(case.unit.territory),
        "case": case.number,
        "registered_at": timezone.localtime(case.registered_at),
        "reason": gettext(REASONS.get(report.get("channel", ""), REASONS["in_person"])),
        "summary": report.get("summary", case.summary),
        "article": opened["article"],
        "part": opened.get("part"),
        "code": gettext(opened["code"]),
        "offence": opened.get("title", ""),
    }
