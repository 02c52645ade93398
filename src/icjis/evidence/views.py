"""Staff pages of material evidence: an item with its chain of custody and the acts its reader
may perform on it now; and the evidence section of the case page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from icjis.core.access import log_read
from icjis.core.acts import KINDS
from icjis.core.models import Case
from icjis.core.refusals import NotFound
from icjis.evidence.access import access_item, visible_items
from icjis.evidence.models import Item
from icjis.evidence.prints import FINGERS, visible_cards, visible_searches
from icjis.web.labels import act_title, choice_label
from icjis.web.schemaform import fix

STATUS_LABELS = {
    "held": gettext_lazy("in keeping"),
    "in_transit": gettext_lazy("handed over, not yet received"),
    "disposed": gettext_lazy("disposed of"),
}
LINK_LABELS = {
    "seized": gettext_lazy("seized"),
    "recognised": gettext_lazy("recognised as material evidence"),
    "handed_over": gettext_lazy("handed over"),
    "received": gettext_lazy("received"),
    "disposed": gettext_lazy("disposed of"),
}


def offered_acts(user: Any, item: Item) -> list[str]:
    """The acts on `item` that `user` may perform now: as its holder, hand it over or dispose of
    it; as its addressee, receive it; recognise it, while it is not yet recognised. Each act
    still decides for itself (its stage and its rules)."""
    roles = set(user.roles)
    kinds = []
    if item.status == "held" and item.holder == user.username:
        kinds += ["evidence.item.hand_over", "evidence.item.dispose"]
    if item.status == "in_transit" and item.transit_to == user.username:
        kinds.append("evidence.item.receive")
    if item.status != "disposed" and item.recognised_at is None:
        kinds.append("evidence.item.recognise")
    return [k for k in kinds if roles & KINDS[k].roles]


def act_url(case: str, kind: str, item: Item) -> str:
    return reverse("web:act", args=[case, kind]) + "?" + urlencode({"item": item.id})


def said(item: Item) -> dict[str, Any]:
    """An item as the pages show it: the values of its choices in the reader's language."""
    return {
        "item": item,
        "category": choice_label(item.category),
        "status": STATUS_LABELS[item.status],
        "keeping": choice_label(item.keeping) if item.keeping else "",
        "url": reverse("evidence:item", args=[item.id]),
    }


def case_evidence(user: Any, case: Case) -> list[dict[str, Any]]:
    """The evidence section of the case page (whose read is logged as the case's): the case's
    items the reader may read (`evidence.access`). Recording a seizure is among the page's
    acts."""
    return [said(i) for i in visible_items(user).filter(case=case).order_by("number")]


FINGER_LABELS = {
    "right_thumb": gettext_lazy("right thumb"),
    "right_index": gettext_lazy("right index"),
    "right_middle": gettext_lazy("right middle"),
    "right_ring": gettext_lazy("right ring"),
    "right_little": gettext_lazy("right little"),
    "left_thumb": gettext_lazy("left thumb"),
    "left_index": gettext_lazy("left index"),
    "left_middle": gettext_lazy("left middle"),
    "left_ring": gettext_lazy("left ring"),
    "left_little": gettext_lazy("left little"),
}


def _fingers(positions: list[int]) -> str:
    return ", ".join(str(FINGER_LABELS[FINGERS[p - 1]]) for p in positions)


def case_prints(user: Any, case: Case) -> dict[str, Any]:
    """The fingerprint section of the case page: the cards taken and the searches with what
    they found. The case's read is logged by the page; the persons the searches found, who may
    be of other cases, are logged as shown by a read of their own."""
    cards = visible_cards(user).filter(case=case).select_related("person").order_by("seq")
    searches = list(visible_searches(user).filter(case=case).order_by("requested_at", "id"))
    found = sorted({c["person"] for s in searches for c in s.candidates})
    if found:
        log_read(user, "prints", case.number, "caseload", "shown", persons=found)
    return {
        "cards": [
            {"card": c, "fingers": _fingers([f.position for f in c.fingers.all()])} for c in cards
        ],
        "searches": [
            {
                "search": s,
                "candidates": [{**c, "fingers": _fingers(c["fingers"])} for c in s.candidates],
            }
            for s in searches
        ],
    }


@never_cache
@login_required
def item_page(request: HttpRequest, item_id: str) -> HttpResponse:
    """One item: what it is, where it was taken, who holds it and where it is kept, its seal,
    the whole chain of custody, its label, and the acts the reader may perform on it now."""
    try:
        item = access_item(request.user, item_id[:48])
    except NotFound:
        raise Http404(_("No such item, or it is not visible to you.")) from None
    chain = [
        {
            "link": c,
            "kind": LINK_LABELS[c.kind],
            "purpose": choice_label(c.purpose) if c.purpose else "",
            "note": choice_label(c.note) if c.kind == "recognised" else c.note,
        }
        for c in item.chain.order_by("seq")
    ]
    context = {
        **said(item),
        "chain": chain,
        "label": reverse("api:evidence_label", args=[item.id]),
        "offered": [
            {"title": act_title(k), "url": act_url(item.case_id, k, item)}
            for k in offered_acts(request.user, item)
        ],
    }
    return render(request, "evidence/item.html", context)


def name_the_item(user: Any, case: Case, fields: list[Any], given: str) -> None:
    """An act on an item opened from its page (`?item=`): the item shown by its number and
    description, when it belongs to the case and the user may read it (`evidence.access`; the
    case's own read, logged, covers it)."""
    found = [f for f in fields if f.name == "item" and f.widget == "text"]
    if not found or not given:
        return
    item = visible_items(user).filter(pk=given[:48], case=case).first()
    if item is not None:
        label = _("Item No. %(number)s: %(description)s") % {
            "number": item.number,
            "description": item.description[:80],
        }
        fix(found[0], item.id, label)
