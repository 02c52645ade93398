"""API routes of material evidence (mounted under /api/v1 by icjis.urls).

`/evidence` lists the items the caller may see — a case's, those the caller holds, those on
their way to the caller, the tampered ones — in ONE query; `/evidence/{id}` gives an item with
its whole chain of custody; `/evidence/{id}/label` its printable label with a QR code;
`/evidence/prints` a case's fingerprint cards and searches. Every read is logged.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.numbering import normalise
from icjis.evidence.access import access_item, visible_items
from icjis.evidence.labels import label_pdf
from icjis.evidence.models import Custody, Item, PrintCard, PrintSearch
from icjis.evidence.prints import FINGERS, visible_cards, visible_searches

router = Router(tags=["evidence"])


class ItemFilter(Schema):
    case: str | None = Field(None, max_length=24, description="a case number")
    mine: Literal["held", "incoming"] | None = Field(
        None, description="the items the caller holds, or those on their way to the caller"
    )
    status: Literal["held", "in_transit", "disposed"] | None = None
    tampered: bool | None = None
    limit: int = Field(200, ge=1, le=1000, description="rows per page, at most 1000")
    offset: int = Field(0, ge=0, le=10_000_000)


def item_row(item: Item) -> dict[str, Any]:
    return {
        "item": item.id,
        "case": item.case_id,
        "number": item.number,
        "description": item.description,
        "category": item.category,
        "obtained": item.obtained,
        "place": item.place,
        "seized_at": iso(item.seized_at),
        "recorded_at": iso(item.recorded_at),
        "seized_by": item.seized_by,
        "seal": item.seal or None,
        "holder": item.holder,
        "holder_unit": item.holder_unit,
        "location": item.location,
        "status": item.status,
        "transit": {
            "to": item.transit_to,
            "purpose": item.transit_purpose,
            "seal": item.transit_seal or None,
        }
        if item.status == "in_transit"
        else None,
        "recognised_at": iso(item.recognised_at),
        "keeping": item.keeping or None,
        "tampered": item.tampered,
        "disposal": {
            "outcome": item.disposal,
            "basis": item.disposal_basis,
            "reference": item.disposal_reference,
            "at": iso(item.disposed_at),
        }
        if item.status == "disposed"
        else None,
    }


def link_row(link: Custody) -> dict[str, Any]:
    return {
        "seq": link.seq,
        "at": iso(link.at),
        "kind": link.kind,
        "by": link.by,
        "unit": link.unit,
        "to": link.to or None,
        "purpose": link.purpose or None,
        "seal": link.seal or None,
        "seal_intact": link.seal_intact,
        "location": link.location or None,
        "note": link.note or None,
    }


@router.get("/evidence")
def items(request: HttpRequest, filters: Query[ItemFilter]) -> dict[str, Any]:
    """The items the caller may see (the cases whose whole file they read), newest first:
    narrowed to a case, to the caller's own (`mine=held`) or incoming (`mine=incoming`) items,
    by status, or to those received under a broken or changed seal (`tampered=true`). The read
    is logged."""
    user = request.user
    qs = visible_items(user)
    if filters.case:
        qs = qs.filter(case_id=normalise(filters.case) or "-")
    if filters.mine == "held":
        qs = qs.filter(holder=user.username, status="held")
    elif filters.mine == "incoming":
        qs = qs.filter(transit_to=user.username, status="in_transit")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tampered is not None:
        qs = qs.filter(tampered=filters.tampered)
    rows = list(
        qs.order_by("-recorded_at", "-id")[filters.offset : filters.offset + filters.limit + 1]
    )
    scope = filters.case or filters.mine or "visible"
    log_read(user, "evidence", f"list:{scope}"[:64], "caseload", "shown")
    more = len(rows) > filters.limit
    return {
        "items": [item_row(i) for i in rows[: filters.limit]],
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if more else None,
    }


class PrintsFilter(Schema):
    case: str = Field(..., max_length=24, description="a case number")


def card_row(card: PrintCard) -> dict[str, Any]:
    return {
        "card": card.id,
        "person": card.person_id,
        "taken_at": iso(card.taken_at),
        "taken_by": card.taken_by,
        "unit": card.unit,
        "fingers": [
            {"finger": FINGERS[f.position - 1], "position": f.position, "minutiae": f.minutiae}
            for f in card.fingers.all()
        ],
    }


def search_row(search: PrintSearch) -> dict[str, Any]:
    return {
        "search": search.id,
        "kind": search.kind,
        "card": search.card_id,
        "item": search.item or None,
        "requested_at": iso(search.requested_at),
        "requested_by": search.requested_by,
        "status": search.status,
        "done_at": iso(search.done_at),
        "compared": search.compared,
        "candidates": [
            {**c, "fingers": [FINGERS[p - 1] for p in c["fingers"]]} for c in search.candidates
        ],
    }


@router.get("/evidence/prints", url_name="evidence_prints")
def prints(request: HttpRequest, filters: Query[PrintsFilter]) -> dict[str, Any]:
    """The fingerprint cards taken in a case (whose, when, by whom, which fingers, never the
    images or templates) and its searches of the register, with what each found: the persons
    whose prints match, the fingers and the best Bozorth3 score — a lead for an expertise. The
    read is logged, naming the persons shown."""
    user = request.user
    number = normalise(filters.case) or "-"
    cards = list(visible_cards(user).filter(case_id=number).order_by("seq"))
    searches = list(visible_searches(user).filter(case_id=number).order_by("requested_at", "id"))
    persons = {c.person_id for c in cards}
    persons |= {c["person"] for s in searches for c in s.candidates}
    log_read(user, "prints", number, "caseload", "shown", persons=sorted(persons))
    return {"cards": [card_row(c) for c in cards], "searches": [search_row(s) for s in searches]}


@router.get("/evidence/{item_id}")
def item_detail(request: HttpRequest, item_id: str) -> dict[str, Any]:
    """One item with its chain of custody, link by link as the ledger recorded them: seized,
    recognised, handed over (to whom, for what, under which seal), received (the seal seen,
    intact or not, where kept), disposed of. The read is logged, whatever its outcome."""
    item = access_item(request.user, item_id)
    return {**item_row(item), "chain": [link_row(c) for c in item.chain.order_by("seq")]}


@router.get("/evidence/{item_id}/label", response={200: None}, url_name="evidence_label")
def item_label(request: HttpRequest, item_id: str) -> HttpResponse:
    """The item's label as a PDF to print and stick on its packing: the case, the item's number
    and id, its description, seal, and a QR code that opens the item's page (for staff who may
    read it). The read is logged."""
    item = access_item(request.user, item_id)
    response = HttpResponse(label_pdf(request, item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{item.id}.pdf"'
    return response
