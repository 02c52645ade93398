"""Pages of the register of protection orders: the register of the officer's unit and one
order with what may be done with it now. The data come from the same access filters as the
API (`icjis.offences.access`), and every page that names persons is logged as a read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from icjis.core import clock
from icjis.core.access import log_read
from icjis.core.acts import KINDS
from icjis.core.models import Event
from icjis.core.refusals import NotFound
from icjis.offences.access import (
    access_offence,
    access_order,
    crime_cases_shown,
    order_persons,
    visible_detentions,
    visible_offences,
    visible_orders,
)
from icjis.offences.acts import normalise_order
from icjis.offences.models import OffenceCase, ProtectionOrder
from icjis.offences.protocols import normalise_offence
from icjis.offences.rules import condition_title
from icjis.offences.transfers import TRANSFERABLE, may_report, report_fields
from icjis.web.documents import documents_of
from icjis.web.labels import act_title

STATE_LABELS = {
    "requested": gettext_lazy("awaiting issue"),
    "in_force": gettext_lazy("in force"),
    "expired": gettext_lazy("expired"),
    "refused": gettext_lazy("refused"),
    "revoked": gettext_lazy("revoked"),
}
# What may be done with an order in each state, in the order the page offers it.
ACTS_BY_STATE = {
    "requested": ("offences.order.issue", "offences.order.refuse"),
    "in_force": ("offences.order.extend", "offences.order.breach", "offences.order.revoke"),
    "expired": ("offences.order.breach",),
    "revoked": ("offences.order.breach",),
}
PAGE_SIZE = 50


def conditions_said(codes: list[str]) -> list[str]:
    language = get_language() or "en"
    return [condition_title(c, language[:2]) for c in codes]


def term_left(order: ProtectionOrder, state: str, now: datetime) -> tuple[str, str]:
    """The clock of the order's state as words and a css class: the hours left to issue it,
    or the days left in force."""
    if state == "requested":
        due = order.issue_due_at
        if due > now:
            return _("to issue within %(time)s") % {"time": timeuntil(due, now, depth=2)}, "running"
        return _("issue overdue by %(time)s") % {"time": timesince(due, now, depth=2)}, "missed"
    if state == "in_force" and order.until is not None:
        return _("in force for %(time)s more") % {"time": timeuntil(order.until, now, depth=2)}, ""
    return "", ""


def _restrained_name(order: ProtectionOrder) -> str:
    return next((p.person.full_name for p in order.persons.all() if p.role == "restrained"), "")


@never_cache
@login_required
def orders_page(request: HttpRequest) -> HttpResponse:
    """The register: orders awaiting issue first (soonest due), then the others, newest first."""
    now = clock.now()
    wanted = request.GET.get("state", "")
    qs = visible_orders(request.user).prefetch_related("persons__person")
    if wanted in STATE_LABELS:
        qs = qs.in_state(wanted, now)
    waiting = list(qs.filter(state="requested").order_by("issue_due_at", "number")[:PAGE_SIZE])
    rest = list(qs.exclude(state="requested").order_by("-requested_at", "-number")[:PAGE_SIZE])
    rows = []
    for o in waiting + rest:
        state = o.state_at(now)
        left, css = term_left(o, state, now)
        rows.append(
            {
                "order": o,
                "state": STATE_LABELS[state],
                "restrained": _restrained_name(o),
                "left": left,
                "css": css,
            }
        )
    persons = [pid for o in waiting + rest for pid in order_persons(o)]
    log_read(request.user, "orders", "register", "caseload", "shown", persons=persons)
    may_request = bool(set(request.user.roles) & KINDS["offences.order.request"].roles)
    context = {
        "rows": rows,
        "states": list(STATE_LABELS.items()),
        "wanted": wanted,
        "may_request": may_request,
        "request_title": act_title("offences.order.request"),
    }
    return render(request, "offences/orders.html", context)


@never_cache
@login_required
def order_page(request: HttpRequest, number: str) -> HttpResponse:
    now = clock.now()
    try:
        order = access_order(request.user, normalise_order(number) or number[:24])
    except NotFound:
        raise Http404(_("No such protection order, or it is not visible to you.")) from None
    state = order.state_at(now)
    left, css = term_left(order, state, now)
    roles = set(request.user.roles)
    offered = [
        {"kind": k, "title": act_title(k)}
        for k in ACTS_BY_STATE.get(state, ())
        if roles & KINDS[k].roles
    ]
    persons = sorted(order.persons.all(), key=lambda p: (p.role != "restrained", p.person_id))
    if (
        state in ("in_force", "expired", "revoked")
        and order.breaches
        and (roles & KINDS["offences.protocol.register"].roles)
    ):  # a breach is an offence under CoO 71 where the facts are no crime
        offered.append(
            {
                "kind": "offences.protocol.register",
                "title": act_title("offences.protocol.register"),
                "query": "article=71",
            }
        )
    context = {
        "order": order,
        "state": STATE_LABELS[state],
        "left": left,
        "css": css,
        "persons": persons,
        "conditions": conditions_said(order.conditions),
        "breaches": [
            {"b": b, "conditions": conditions_said(b.conditions)}
            for b in order.breach_rows.order_by("occurred_at", "seq")
        ],
        "offered": offered,
        "offences": list(order.offences.filter(pk__in=visible_offences(request.user).values("pk"))),
        "documents": record_documents(request.user, f"order/{order.number}"),
    }
    return render(request, "offences/order.html", context)


OFFENCE_STATES = {
    "registered": gettext_lazy("registered"),
    "referred": gettext_lazy("sent to court"),
    "decided": gettext_lazy("decided"),
    "terminated": gettext_lazy("terminated"),
    "appealed": gettext_lazy("under appeal"),
    "quashed": gettext_lazy("quashed on appeal"),
    "transferred": gettext_lazy("passed on as a crime report"),
}
OPEN_STATES = ("registered", "referred", "appealed")
PENALTY_LABELS = {
    "fine": gettext_lazy("fine, calculation units"),
    "warning": gettext_lazy("warning"),
    "community_work": gettext_lazy("community work, hours"),
    "arrest": gettext_lazy("arrest, days"),
    "deprivation_of_driving_right": gettext_lazy("deprivation of the right to drive, months"),
    "expulsion": gettext_lazy("expulsion"),
}


def decide_left(case: OffenceCase, now: datetime) -> tuple[str, str]:
    """The term to decide an open case, as words and a css class."""
    if case.state not in OPEN_STATES or case.due_at is None:
        return "", ""
    due = case.due_at
    if case.state == "registered" and case.forum == "court":
        if due > now:
            return _("to send to court within %(time)s") % {
                "time": timeuntil(due, now, depth=2)
            }, "running"
        return _("sending to court overdue by %(time)s") % {
            "time": timesince(due, now, depth=2)
        }, "missed"
    if case.state == "appealed":
        if due > now:
            return _("appeal to decide within %(time)s") % {
                "time": timeuntil(due, now, depth=2)
            }, "running"
        return _("appeal overdue by %(time)s") % {"time": timesince(due, now, depth=2)}, "missed"
    if due > now:
        return _("to decide within %(time)s") % {"time": timeuntil(due, now, depth=2)}, "running"
    return _("decision overdue by %(time)s") % {"time": timesince(due, now, depth=2)}, "missed"


def offence_row(case: OffenceCase, now: datetime) -> dict[str, Any]:
    left, css = decide_left(case, now)
    return {
        "case": case,
        "state": OFFENCE_STATES.get(case.state, case.state),
        "article": case.article + (f"({case.part})" if case.part else ""),
        "left": left,
        "css": css,
    }


@never_cache
@login_required
def offences_page(request: HttpRequest) -> HttpResponse:
    """The register of offences of the user's unit (or the cases sent to their court): open
    cases soonest due first, then the others, newest first."""
    now = clock.now()
    qs = visible_offences(request.user).select_related("person")
    open_cases = list(
        qs.filter(state__in=OPEN_STATES).order_by(F("due_at").asc(nulls_last=True), "number")[
            :PAGE_SIZE
        ]
    )
    closed = list(qs.exclude(state__in=OPEN_STATES).order_by("-number")[:PAGE_SIZE])
    persons = [c.person_id for c in open_cases + closed]
    log_read(request.user, "offences", "register", "caseload", "shown", persons=persons)
    context = {
        "rows": [offence_row(c, now) for c in open_cases + closed],
        "may_register": bool(set(request.user.roles) & KINDS["offences.protocol.register"].roles),
        "register_title": act_title("offences.protocol.register"),
    }
    return render(request, "offences/offences.html", context)


@never_cache
@login_required
def offence_page(request: HttpRequest, number: str) -> HttpResponse:
    now = clock.now()
    try:
        case = access_offence(request.user, normalise_offence(number) or number[:24])
    except NotFound:
        raise Http404(_("No such offence case, or it is not visible to you.")) from None
    roles = set(request.user.roles)
    kinds: tuple[str, ...] = ()
    if case.state == "registered":
        kinds = (
            ("offences.case.extend", "offences.decision.make")
            if case.forum == "police"
            else ("offences.protocol.refer",)
        )
    elif case.state == "referred":
        kinds = ("offences.case.extend", "offences.decision.make")
    # An appeal is registered by the court that hears it, from the act's form by the case's
    # number: the case is not yet that court's to read.
    elif case.state == "appealed" and case.appeal_court_id == request.user.unit_id:
        kinds = ("offences.appeal.decide",)
    # The prosecutor's own cancellation of a police decision no court has seen (452(3)(5)).
    elif case.state in ("decided", "terminated") and case.forum == "police":
        kinds = () if case.appeal_outcome else ("offences.decision.cancel",)
    # The prosecutor's appeal of a court's penalty, or joining the person's pending before the
    # second instance, within its days (452(3)(7), 547(2)); a court registers its own.
    elif case.forum != "police" and "prosecutor" in roles and case.appeal_until:
        open_to_appeal = case.state == "decided" and case.appealed_at is None
        joinable = case.state == "appealed" and case.appellant in ("", "person")
        in_time = now <= case.appeal_until
        kinds = ("offences.decision.appeal",) if in_time and (open_to_appeal or joinable) else ()
    offered = [{"kind": k, "title": act_title(k)} for k in kinds if roles & KINDS[k].roles]
    transferable = case.state in TRANSFERABLE
    context = {
        **offence_row(case, now),
        "penalty": PENALTY_LABELS.get(case.penalty_kind, case.penalty_kind),
        "offered": offered,
        "documents": record_documents(request.user, f"offence/{case.number}"),
        # One click makes it a crime report when its facts are a crime (CoO 516).
        "report": (report_fields(case) if transferable and may_report(request.user, case) else []),
        "report_key": uuid.uuid4().hex,
        "report_title": _("Pass on as a crime report (CoO 516)"),
        "crime_case_visible": case.crime_case in crime_cases_shown(request.user, [case]),
        # The detention of the person for it, when the reader may see it (a judge need not).
        "detentions": visible_detentions(request.user)
        .filter(offence=case)
        .values_list("number", flat=True),
    }
    return render(request, "offences/offence.html", context)


def record_documents(user: Any, stream: str) -> dict[str, list[Any]]:
    """The documents of a register's record, and what is left to sign (every event of the
    record is its reader's to see)."""
    return documents_of(user, stream, Event.objects.filter(stream=stream).order_by("seq"))
