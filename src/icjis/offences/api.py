"""API routes of the register of protection orders (mounted under /api/v1 by icjis.urls).

Officers of a police unit read the orders of their register; anyone who reads a criminal case
reads the orders asked for in it; national scope reads every order. The warnings lookup answers
any role that meets the public, wherever the order was issued. Every read names persons and is
logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import F
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import log_read, records_of
from icjis.core.canonical import iso
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.core.warnings import address_key
from icjis.detention.access import read_purpose
from icjis.offences.access import (
    access_detention,
    access_offence,
    access_order,
    crime_cases_shown,
    order_persons,
    visible_detentions,
    visible_offences,
    visible_orders,
)
from icjis.offences.acts import normalise_detention, normalise_order
from icjis.offences.models import AdminDetention, OffenceCase, ProtectionOrder
from icjis.offences.protocols import normalise_offence
from icjis.offences.warnings import address_orders, order_warning, orders_in_force, warned

router = Router(tags=["offences"])

STATES = ("requested", "in_force", "expired", "refused", "revoked")


def order_json(order: ProtectionOrder, now: datetime) -> dict[str, Any]:
    state = order.state_at(now)
    persons = list(order.persons.all())
    return {
        "number": order.number,
        "state": state,
        "unit": order.unit_id,
        "rules": order.rules,
        "reported_at": iso(order.reported_at),
        "issue_due_at": iso(order.issue_due_at),
        "issue_overdue": state == "requested" and order.issue_due_at <= now,
        "issued_at": iso(order.issued_at),
        "issued_late": order.issued_late,
        "until": iso(order.until),
        "days": order.days,
        "conditions": order.conditions,
        "restrained": [p.person_id for p in persons if p.role == "restrained"],
        "protected": [p.person_id for p in persons if p.role == "protected"],
        "place": {"region": order.region, "district": order.district or None},
        "case": order.case_id,
        "breaches": order.breaches,
        "closed_at": iso(order.closed_at),
    }


class OrdersQuery(Schema):
    state: Literal["requested", "in_force", "expired", "refused", "revoked", "all"] = "all"
    overdue: bool = Field(False, description="only orders not issued within their 24 hours")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/offences/orders")
def orders(request: HttpRequest, q: Query[OrdersQuery]) -> dict[str, Any]:
    """Protection orders you may read: awaiting issue soonest due first, then the others newest
    first. `overdue=true`: those still awaiting issue past their 24 hours."""
    now = clock.now()
    qs = visible_orders(request.user)
    if q.state != "all":
        qs = qs.in_state(q.state, now)
    if q.overdue:
        qs = qs.filter(state="requested", issue_due_at__lte=now)
    ordered = qs.order_by("-requested_at", "-number")
    if q.state == "requested" or q.overdue:
        ordered = qs.order_by("issue_due_at", "number")
    rows = list(ordered.prefetch_related("persons")[q.offset : q.offset + q.limit + 1])
    shown = rows[: q.limit]
    persons = [pid for o in shown for pid in order_persons(o)]
    log_read(request.user, "orders", "list", "caseload", "shown", persons=persons)
    return {
        "items": [order_json(o, now) for o in shown],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/offences/warnings")
def warnings(
    request: HttpRequest,
    person: str | None = None,
    region: str | None = None,
    address: str | None = None,
) -> list[dict[str, Any]]:
    """Orders in force naming a person (`person`, an id) or an address (`region` and `address`,
    compared word for word, case and punctuation aside), wherever they were issued: for roles
    that meet the public (police, prosecutors, courts, detention, probation). The lookup is
    logged."""
    user = request.user
    if not warned(user):
        raise Forbidden(say("Your role is not warned of protection orders."))
    now = clock.now()
    found: list[dict[str, Any]] = []
    if person:
        records = records_of(person[:16])
        named = orders_in_force(now).filter(persons__person_id__in=records).distinct()
        for o in named.prefetch_related("persons").order_by("until", "number"):
            p = next(p for p in o.persons.all() if p.person_id in records)
            found.append(order_warning(o, p.role, p.person_id))
    elif region and address:
        key = address_key(address)
        if len(key) < 3:
            raise Invalid(say("Give more of the address."))
        found = address_orders(region[:8], key, now)
    else:
        raise Invalid(say("Give a person's id, or a region and an address."))
    persons = {w["person"] for w in found}
    subject = person[:16] if person else "address"
    log_read(user, "orders", f"warnings:{subject}", "search", "shown", persons=persons)
    return found


@router.get("/offences/orders/{number}")
def order_detail(request: HttpRequest, number: str, purpose: str = "caseload") -> dict[str, Any]:
    """One order with its breaches (the read is logged)."""
    order = access_order(request.user, normalise_order(number) or number[:24], purpose)
    return {
        **order_json(order, clock.now()),
        "address": order.address,
        "breach_list": [
            {
                "occurred_at": iso(b.occurred_at),
                "recorded_at": iso(b.recorded_at),
                "conditions": b.conditions,
                "description": b.description,
            }
            for b in order.breach_rows.order_by("occurred_at", "seq")
        ],
    }


# --- the register of offences -----------------------------------------------------------------


def offence_json(case: OffenceCase, now: datetime, crime_cases: set[str]) -> dict[str, Any]:
    """One offence case; the criminal case it was passed on as only when in `crime_cases`, those
    the reader may read (`crime_cases_shown`)."""
    open_ = case.state in ("registered", "referred", "appealed")
    return {
        "number": case.number,
        "state": case.state,
        "forum": case.forum,
        "unit": case.unit_id,
        "court": case.court_id,
        "person": case.person_id,
        "article": case.article,
        "part": case.part or None,
        "title": case.title,
        "committed_at": iso(case.committed_at),
        "protocol_at": iso(case.protocol_at),
        "registered_at": iso(case.registered_at),
        "late_entry": case.late_entry,
        "refer_by": iso(case.refer_by),
        "decide_by": iso(case.decide_by),
        "due_at": iso(case.due_at),
        "overdue": open_ and case.due_at is not None and case.due_at < now,
        "time_bar_at": iso(case.time_bar_at),
        "decided_at": iso(case.decided_at),
        "cancelled_at": iso(case.cancelled_at),
        "penalty": (
            {"kind": case.penalty_kind, "amount": case.penalty_amount}
            if case.penalty_kind
            else None
        ),
        "appeal_until": iso(case.appeal_until),
        "appeal": (
            {
                "court": case.appeal_court_id,
                "filed_at": iso(case.appealed_at),
                "due_at": iso(case.appeal_due_at),
                "outcome": case.appeal_outcome or None,
                "appellant": case.appellant or "person",
            }
            if case.appealed_at
            else None
        ),
        "order": case.order_id,
        "detained_at": iso(case.detained_at),
        "crime_case": case.crime_case if case.crime_case in crime_cases else None,
    }


class OffencesQuery(Schema):
    state: Literal[
        "registered",
        "referred",
        "decided",
        "terminated",
        "appealed",
        "quashed",
        "transferred",
        "open",
        "all",
    ] = "open"
    overdue: bool = Field(
        False, description="only open cases past their term (to send to court, or to decide)"
    )
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/offences/cases")
def offence_cases(request: HttpRequest, q: Query[OffencesQuery]) -> dict[str, Any]:
    """Offence cases you may read (your unit's register, or those sent to your court): open
    ones soonest due first by default (to be sent to court within 24 hours, or decided);
    `overdue=true`: those past that term."""
    now = clock.now()
    qs = visible_offences(request.user)
    if q.state == "open" or q.overdue:
        qs = qs.filter(state__in=("registered", "referred", "appealed"))
    elif q.state != "all":
        qs = qs.filter(state=q.state)
    if q.overdue:
        qs = qs.filter(due_at__lt=now)
    ordered = qs.order_by("-number")
    if q.state == "open" or q.overdue:
        ordered = qs.order_by(F("due_at").asc(nulls_last=True), "number")
    rows = list(ordered[q.offset : q.offset + q.limit + 1])
    shown = rows[: q.limit]
    persons = [c.person_id for c in shown]
    log_read(request.user, "offences", "list", "caseload", "shown", persons=persons)
    crime_cases = crime_cases_shown(request.user, shown)  # one query for the page
    return {
        "items": [offence_json(c, now, crime_cases) for c in shown],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/offences/cases/{number}")
def offence_detail(request: HttpRequest, number: str, purpose: str = "caseload") -> dict[str, Any]:
    """One offence case (the read is logged)."""
    case = access_offence(request.user, normalise_offence(number) or number[:24], purpose)
    crime_cases = crime_cases_shown(request.user, [case])
    return {**offence_json(case, clock.now(), crime_cases), "address": case.address}


# --- administrative detention ---------------------------------------------------------------


def detention_json(d: AdminDetention, now: datetime) -> dict[str, Any]:
    held = d.state == "held"
    return {
        "number": d.number,
        "state": d.state,
        "unit": d.unit_id,
        "person": d.person_id,
        "article": d.article,
        "part": d.part or None,
        "title": d.title,
        "child": d.child,
        "arrest_possible": d.arrest_possible,
        "detained_at": iso(d.detained_at),
        "recorded_at": iso(d.recorded_at),
        "late_record": d.late_record,
        "release_by": iso(d.release_by),
        "overdue": held and d.release_by < now,
        "extended": (
            {
                "at": iso(d.extended_at),
                "ground": d.extension_ground,
                "reasons": d.extension_reasons,
                "notice_by": iso(d.notice_by),
            }
            if d.extended_at
            else None
        ),
        "prosecutor_told_at": iso(d.prosecutor_told_at),
        "court": {"unit": d.court_id, "at": iso(d.court_at)} if d.court_at else None,
        "notices": d.notices,
        "release_ordered": (
            {"at": iso(d.release_ordered_at), "grounds": d.release_order_grounds}
            if d.release_ordered_at
            else None
        ),
        "released_at": iso(d.released_at),
        "release_ground": d.release_ground or None,
        "release_note": d.release_note or None,
        "released_late": d.released_late,
        "terms_passed_unmet": [t for t in d.overruns.split(",") if t],
        "offence": d.offence_id,
        "place": {"region": d.region, "district": d.district or None},
    }


class DetentionsQuery(Schema):
    state: Literal["held", "released", "all"] = "held"
    overdue: bool = Field(False, description="only persons still held past their term")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/offences/detentions")
def detentions(request: HttpRequest, q: Query[DetentionsQuery]) -> dict[str, Any]:
    """Administrative detentions you may read (your unit's; a prosecutor's territory; those
    brought to your court): persons held, soonest to be released first, by default;
    `overdue=true`: those held past their term."""
    now = clock.now()
    qs = visible_detentions(request.user)
    if q.state != "all" or q.overdue:
        qs = qs.filter(state="held" if q.overdue else q.state)
    if q.overdue:
        qs = qs.filter(release_by__lt=now)
    ordered = qs.order_by("-detained_at", "-number")
    if q.state == "held" or q.overdue:
        ordered = qs.order_by("release_by", "number")
    rows = list(ordered[q.offset : q.offset + q.limit + 1])
    shown = rows[: q.limit]
    persons = [d.person_id for d in shown]
    log_read(
        request.user, "detentions-coo", "list", read_purpose(request.user), "shown", persons=persons
    )
    return {
        "items": [detention_json(d, now) for d in shown],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/offences/detentions/{number}")
def detention_detail(
    request: HttpRequest, number: str, purpose: str = "caseload"
) -> dict[str, Any]:
    """One administrative detention (the read is logged)."""
    d = access_detention(request.user, normalise_detention(number) or number[:24], purpose)
    return {**detention_json(d, clock.now()), "address": d.address, "grounds": d.grounds}
