"""The procedural documents of the register of crimes (module M).

The decision to refuse to open a criminal case (CPC 154): a certified copy goes to the applicant
with how to appeal it — to the prosecutor or a court, within 10 days of being told (154(3)).

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
from icjis.core.refusals import NotFound, say
from icjis.core.visibility import part_for

# The reason (повод) for opening a case (CPC 148(1)), by the channel the report came through.
REASONS = {
    "in_person": gettext_noop("a crime report made in person"),
    "phone": gettext_noop("a crime report made by telephone"),
    "online": gettext_noop("a crime report made online"),
    "dispatch": gettext_noop("a report received from the emergency line"),
    "transfer": gettext_noop("a report transferred from another body"),
    "offence": gettext_noop("the materials of a case of an offence that show a crime"),
}


# A refusal without a check within 24 hours: the point of CPC 154(1) it rests on (154(2)).
WITHOUT_CHECK = {"no_documented_amount": "1", "civil_law_dispute": "2"}


def read_case(user: Any, event: Event, purpose: str) -> None:
    """Whoever reads the whole case file: the decisions state the report and the grounds, which
    a role that reads only its part of the file does not read (`core.visibility`)."""
    access_case(user, event.stream.removeprefix("case/"), purpose)
    if part_for(user) is not None:
        raise NotFound(say("No such document, or it is not visible to you."))


@document_kind(
    "registry.decision_to_open",
    source="registry.case.open",
    template="registry/documents/decision_to_open.html",
    title=gettext_noop("Decision to open a criminal case"),
    legal_basis="CPC 156",
    authorise=read_case,
)
def decision_to_open(event: Event) -> dict[str, Any]:
    opened = event.payload
    return {
        **report_facts(event),
        "article": opened["article"],
        "part": opened.get("part"),
        "code": gettext(opened["code"]),
        "offence": opened.get("title", ""),
    }


@document_kind(
    "registry.decision_to_refuse",
    source="registry.case.refuse",
    template="registry/documents/decision_to_refuse.html",
    title=gettext_noop("Decision to refuse to open a criminal case"),
    legal_basis="CPC 154",
    authorise=read_case,
    # The prosecutor's cancellation, which sends the report back for a check (154(4)).
    annulled_by={"registry.case.reopen": lambda data: data.get("cancels") == "refused"},
)
def decision_to_refuse(event: Event) -> dict[str, Any]:
    refused = event.payload
    return {
        **report_facts(event),
        "grounds": refused["grounds"],
        "without_check": WITHOUT_CHECK.get(refused.get("without_check") or "", ""),
    }


def report_facts(event: Event) -> dict[str, Any]:
    """What every decision on a report states of it: the place, the report's number and time,
    the reason it came through and what it says."""
    case = Case.objects.select_related("unit__territory").get(pk=event.stream.removeprefix("case/"))
    report = Event.objects.get(stream=event.stream, seq=1).payload
    return {
        "place": localised(case.unit.territory),
        "case": case.number,
        "registered_at": timezone.localtime(case.registered_at),
        "reason": gettext(REASONS.get(report.get("channel", ""), REASONS["in_person"])),
        "summary": report.get("summary", case.summary),
    }
