"""The procedural documents of the register of offences and of protection orders (module M).

The decision in a case of an offence (CoO 539): the person, the offence and its article, the
grounds, the penalty (or the termination), how a fine is paid — within 30 days, and where the
code reduces it, 30 % of it if paid within them (563(1), (5)-(6)) — and the 10 days to appeal
from the service of the copy (547(2)), which is served at the decision.

The prosecutor's decision cancelling a decision of the police (CoO 452(3)(5)): the decision
cancelled (its day, the penalty or the termination), the grounds and what a lawful decision must
do, the days the police have to decide anew (535(1), counted from the cancellation), and that
what was paid of a cancelled fine is returned.

The protocol of an administrative detention (CoO 524(2), (6)): the date and time of the actual
detention, the person, the offence, the grounds, the property temporarily seized, the witnesses,
that the rights and duties were explained, and until when the person may be held (526(1)). It
states the detention as recorded; an extension or a release is an act of its own.

The temporary protection order as issued (Law of 27.04.2017 No. 63, arts. 25, 27): whom it
restrains and whom it protects, where, what it forbids or requires, from when until when, and
that its breach is an offence (CoO 71). It states the order as issued; an extension is an act of
its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Event, Territory, Unit
from icjis.core.refusals import Damaged, say
from icjis.legal.catalogues import lookup
from icjis.offences.access import access_detention, access_offence, access_order
from icjis.offences.models import AdminDetention, OffenceCase, ProtectionOrder
from icjis.offences.protocols import CODE
from icjis.offences.rules import condition_title, offence_rules_by_id, rules_by_id


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


def read_offence(user: Any, event: Event, purpose: str) -> None:
    access_offence(user, event.stream.removeprefix("offence/"), purpose)


# What the decision imposes, by the kind of penalty (CoO 28; the catalogue's measures).
PENALTIES = {
    "fine": gettext_noop("a fine of %(amount)s calculation units"),
    "warning": gettext_noop("a warning"),
    "community_work": gettext_noop("%(amount)s hours of community work"),
    "arrest": gettext_noop("arrest for %(amount)s days"),
    "deprivation_of_driving_right": gettext_noop(
        "deprivation of the right to drive for %(amount)s months"
    ),
    "expulsion": gettext_noop("expulsion from the Kyrgyz Republic"),
}


def penalty_said(penalty: dict[str, Any]) -> str:
    """What a decision's penalty imposes, in the current language ("" for none)."""
    if penalty.get("kind") not in PENALTIES:
        return ""
    return gettext(PENALTIES[penalty["kind"]]) % {"amount": penalty.get("amount")}


@document_kind(
    "offences.decision",
    source="offences.decision.make",
    template="offences/documents/decision.html",
    title=gettext_noop("Decision in a case of an offence"),
    legal_basis="CoO 539, 547(2), 563",
    authorise=read_offence,
    # Cancelled by the prosecutor (452(3)(5)) or quashed on appeal (552(1)).
    annulled_by={
        "offences.decision.cancel": None,
        "offences.appeal.decide": lambda data: data.get("outcome") == "quashed",
    },
)
def offence_decision(event: Event) -> dict[str, Any]:
    decided = event.payload
    case = OffenceCase.objects.select_related("person", "unit__territory").get(
        pk=decided["offence"]
    )
    penalty = decided.get("penalty") or {}
    payable = decided.get("payable") or {}
    share = payable.get("reduced_share")
    reduced_by = None
    if share:
        chapter = (lookup(CODE, case.article).chapter or {}).get("number")
        rules = offence_rules_by_id(case.rules)
        reduced_by = rules.fine_reduced_by(case.article, case.part or None, chapter)
    return {
        "place": localised(case.unit.territory),
        "number": case.number,
        "person": case.person,
        "article": case.article,
        "part": case.part,
        "offence": case.title,
        "committed_at": timezone.localtime(case.committed_at),
        "protocol_at": timezone.localtime(case.protocol_at),
        "grounds": decided["grounds"],
        "terminated": decided["outcome"] == "terminated",
        "penalty": penalty_said(penalty),
        "fine": penalty.get("kind") == "fine",
        "within_days": payable.get("within_days"),
        "reduced_percent": round(float(share) * 100) if share else None,
        "reduced_by": reduced_by,
        "appeal_until": timezone.localtime(datetime.fromisoformat(decided["appeal_until"])),
    }


@document_kind(
    "offences.cancellation",
    source="offences.decision.cancel",
    template="offences/documents/cancellation.html",
    title=gettext_noop("Prosecutor's decision cancelling a decision on an offence"),
    legal_basis="CoO 452(3)(5), 548",
    authorise=read_offence,
)
def cancellation(event: Event) -> dict[str, Any]:
    cancelled = event.payload
    case = OffenceCase.objects.select_related("person").get(pk=cancelled["offence"])
    # The decision cancelled: the last one the police took before the cancellation.
    decision = (
        Event.objects.filter(stream=event.stream, kind="offences.decision.make", seq__lt=event.seq)
        .order_by("-seq")
        .first()
    )
    if decision is None:  # the act refuses a case with no decision to cancel: a damaged ledger
        raise Damaged(
            say("The decision cancelled in %(offence)s is not in its record.", offence=case.number)
        )
    decided = decision.payload
    penalty = decided.get("penalty") or {}
    unit = Unit.objects.select_related("territory").get(pk=event.actor_unit)
    return {
        "place": localised(unit.territory),
        "number": case.number,
        "person": case.person,
        "article": case.article,
        "part": case.part,
        "offence": case.title,
        "decided_on": timezone.localtime(decision.recorded_at),
        "terminated": decided["outcome"] == "terminated",
        "penalty": penalty_said(penalty),
        "fine": penalty.get("kind") == "fine",
        "grounds": cancelled["grounds"],
        "decide_by": timezone.localtime(datetime.fromisoformat(cancelled["decide_by"])),
    }


def read_detention(user: Any, event: Event, purpose: str) -> None:
    access_detention(user, event.stream.removeprefix("detention-coo/"), purpose)


@document_kind(
    "offences.detention_protocol",
    source="offences.detention.record",
    template="offences/documents/detention_protocol.html",
    title=gettext_noop("Protocol of administrative detention"),
    legal_basis="CoO 524(2), (6), 526(1), (8)",
    authorise=read_detention,
)
def detention_protocol(event: Event) -> dict[str, Any]:
    recorded = event.payload
    d = AdminDetention.objects.select_related("person").get(pk=recorded["detention"])
    place = Territory.objects.filter(code=d.district or d.region).first()
    return {
        "place": localised(place) if place else "",
        "number": d.number,
        "person": d.person,
        "child": recorded["child"],
        "article": recorded["article"],
        "part": recorded["part"],
        "offence": recorded["title"],
        "detained_at": timezone.localtime(datetime.fromisoformat(recorded["detained_at"])),
        "address": recorded["place"]["address"],
        "grounds": recorded["grounds"],
        "property_seized": recorded.get("property_seized", ""),
        "witnesses": recorded.get("witnesses", []),
        "rights_explained": recorded.get("rights_explained", False),
        "release_by": timezone.localtime(datetime.fromisoformat(recorded["release_by"])),
    }
