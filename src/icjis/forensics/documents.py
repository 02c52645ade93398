"""The procedural documents of forensic expertise (module M).

The decision to order an expertise (CPC 179(1)): who orders it, its kind, the grounds, the person
sent for examination, the objects sent, the laboratory, the questions, the term.

The expert's opinion (CPC 193): "drawn up in the form of a signed electronic document" (193(1)),
stating the time and place, the grounds and who ordered it, the laboratory and the experts, their
warning of liability for a knowingly false opinion (CC 364), the questions, the objects as they
arrived (their packing and seals), the research and the conclusions on every question (193(2));
the separate opinion of a member who disagrees (CPC 187(5), 188(4)).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Event, Person, User
from icjis.core.refusals import Conflict, say
from icjis.evidence.models import Custody, Item
from icjis.forensics.access import access_expertise
from icjis.forensics.models import Expertise

KIND_TITLES = {
    "medical": gettext_noop("forensic medical"),
    "psychiatric": gettext_noop("forensic psychiatric"),
    "ballistic": gettext_noop("ballistic"),
    "dactyloscopic": gettext_noop("dactyloscopic"),
    "trace": gettext_noop("trace evidence"),
    "biological": gettext_noop("biological"),
    "chemical": gettext_noop("chemical"),
    "handwriting": gettext_noop("handwriting"),
    "document": gettext_noop("technical examination of documents"),
    "computer": gettext_noop("computer"),
    "economic": gettext_noop("economic"),
}
FORM_TITLES = {
    "single": "",
    "commission": gettext_noop("by a commission of experts"),
    "complex": gettext_noop("complex"),
}


def read_expertise(user: Any, event: Event, purpose: str) -> None:
    """Whoever reads the expertise: the readers of the whole case file and its experts."""
    access_expertise(user, event.payload["expertise"], purpose)


def _expertise_facts(expertise: Expertise) -> dict[str, Any]:
    people = [a.expert for a in expertise.assignments.all()] + [expertise.ordered_by]
    names = dict(User.objects.filter(username__in=people).values_list("username", "full_name"))
    person = Person.objects.filter(pk=expertise.person).first() if expertise.person else None
    items = Item.objects.filter(pk__in=expertise.items).order_by("number")
    return {
        "case": expertise.case_id,
        "expertise": expertise,
        "place": localised(expertise.case.unit.territory),
        "kinds": ", ".join(gettext(KIND_TITLES[k]) for k in expertise.kinds),
        "form": gettext(FORM_TITLES[expertise.form]) if FORM_TITLES[expertise.form] else "",
        "lab": localised(expertise.lab),
        "questions": list(enumerate(expertise.questions, start=1)),
        "person": person.full_name if person else "",
        "items": list(items),
        "experts": [
            {"name": names.get(a.expert, a.expert), "assignment": a}
            for a in expertise.assignments.order_by("expert")
        ],
        "ordered_at": timezone.localtime(expertise.ordered_at),
        "ordered_by": names.get(expertise.ordered_by, expertise.ordered_by),
    }


def _expertise_of(event: Event) -> Expertise:
    return Expertise.objects.select_related("case__unit__territory", "lab").get(
        pk=event.payload["expertise"]
    )


def _seals_at(items: list[Item], seq: int) -> dict[str, str]:
    """Each item's seal as its chain stood before event `seq` of the case."""
    seals: dict[str, str] = {}
    for link in Custody.objects.filter(item__in=items, seq__lt=seq).order_by("seq"):
        if link.kind in ("seized", "handed_over", "received"):
            seals[link.item_id] = link.seal
    return seals


@document_kind(
    "forensics.order",
    source="forensics.expertise.order",
    template="forensics/documents/order.html",
    title=gettext_noop("Decision to order a forensic expertise"),
    legal_basis="CPC 179(1)",
    authorise=read_expertise,
)
def order_document(event: Event) -> dict[str, Any]:
    facts = _expertise_facts(_expertise_of(event))
    seals = _seals_at(facts["items"], event.seq)
    return {
        **facts,
        "days": event.payload["days"],
        "sent": [{"item": i, "seal": seals.get(i.id, "")} for i in facts["items"]],
    }


@document_kind(
    "forensics.opinion",
    source="forensics.opinion.submit",
    template="forensics/documents/opinion.html",
    title=gettext_noop("Expert's opinion"),
    legal_basis="CPC 193",
    authorise=read_expertise,
)
def opinion_document(event: Event) -> dict[str, Any]:
    expertise = _expertise_of(event)
    if expertise.state == "signing":
        raise Conflict(
            say("The opinion becomes a document once every expert of the commission has signed.")
        )
    facts = _expertise_facts(expertise)
    # The objects as they reached the experts: the seal each receipt found, intact or not.
    experts = [a.expert for a in expertise.assignments.all()]
    received = {
        c.item_id: c
        for c in Custody.objects.filter(
            item_id__in=expertise.items, kind="received", by__in=experts, seq__lt=event.seq
        ).order_by("seq")
    }
    answers = {a["question"]: a["answer"] for a in event.payload["conclusions"]}
    return {
        **facts,
        "received": [{"item": i, "receipt": received.get(i.id)} for i in facts["items"]],
        "research": event.payload["research"],
        "answers": [(n, q, answers.get(n, "")) for n, q in facts["questions"]],
        "separate": [e for e in facts["experts"] if e["assignment"].separate],
        "photos": event.payload.get("photos", []),
        "video": event.payload.get("video"),
    }
