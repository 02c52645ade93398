"""Pages of the dispatch centre: the board (open incidents most urgent first, the crews, the
protection orders lately in force in the area) and one incident with the crews ranked for it,
the warnings at its address, and one-click acts: send the recommended crew, a crew on the
scene, register the crime report. The data come from the API's access filters
(`dispatch.access`); every page is logged as a read."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from icjis.core import clock
from icjis.core.access import log_read
from icjis.core.acts import KINDS
from icjis.core.refusals import NotFound
from icjis.dispatch.access import (
    access_incident,
    dispatches,
    visible_crews,
    visible_hazards,
    visible_incidents,
)
from icjis.dispatch.acts import normalise_incident, ranking
from icjis.dispatch.models import Incident
from icjis.dispatch.warnings import hazards_in_force
from icjis.web.labels import act_title, choice_label

STATE_LABELS = {
    "received": gettext_lazy("awaiting a crew"),
    "dispatched": gettext_lazy("crew on the way"),
    "on_scene": gettext_lazy("crew on the scene"),
    "cleared": gettext_lazy("cleared"),
}
CREW_LABELS = {
    "available": gettext_lazy("available"),
    "dispatched": gettext_lazy("on the way"),
    "on_scene": gettext_lazy("on the scene"),
    "unavailable": gettext_lazy("unavailable"),
    "off_duty": gettext_lazy("off duty"),
}
RECENT = timedelta(hours=24)


def _may(user: Any, kind: str) -> bool:
    return bool(set(user.roles) & KINDS[kind].roles)


def _since(moment: datetime | None, now: datetime) -> str:
    return timesince(moment, now, depth=2) if moment else ""


def _minutes(start: datetime | None, end: datetime | None) -> str:
    if not start or not end:
        return ""
    return _("%(minutes)s min") % {"minutes": round((end - start).total_seconds() / 60)}


def warnings_said(found: list[dict[str, Any]]) -> list[str]:
    """Warnings as sentences in the reader's language."""
    out = []
    for w in found:
        if w["kind"] == "protection_order":
            until = timezone.localtime(datetime.fromisoformat(w["until"]))
            out.append(
                _("Protection order %(order)s in force at the address until %(until)s.")
                % {"order": w["order"], "until": date_format(until, "SHORT_DATETIME_FORMAT")}
            )
        else:
            out.append(
                _("Hazard %(ref)s: %(kind)s — %(note)s")
                % {"ref": w["ref"], "kind": choice_label(w["hazard"]), "note": w["note"]}
            )
    return out


def _row(i: Incident, now: datetime) -> dict[str, Any]:
    return {
        "incident": i,
        "type": choice_label(i.type),
        "state": STATE_LABELS[i.state],
        "waiting": _since(i.received_at, now),
        "late": i.state == "received" and now - i.received_at > timedelta(minutes=10),
        "to_dispatch": _minutes(i.received_at, i.dispatched_at),
        "to_arrive": _minutes(i.received_at, i.arrived_at),
    }


@never_cache
@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The board: open incidents most urgent first, then the longest waiting; the crews on
    duty; the incidents cleared today; the protection orders issued in the last day in the
    area (so a crew sent there knows); the hazards noted in the area. Refreshes itself every 30
    seconds."""
    from icjis.offences.access import visible_orders

    user = request.user
    if not dispatches(user):
        raise Http404(_("Your role does not dispatch crews."))
    now = clock.now()
    incidents = visible_incidents(user)
    open_ = incidents.exclude(state="cleared").order_by("priority", "received_at", "number")
    cleared = incidents.filter(state="cleared", cleared_at__gte=now - RECENT)
    crews = visible_crews(user).exclude(status="off_duty").order_by("call_sign")
    orders = (
        visible_orders(user)
        .in_state("in_force", now)
        .filter(issued_at__gte=now - RECENT)
        .order_by("-issued_at")
    )
    hazards = list(
        visible_hazards(user)
        .filter(pk__in=hazards_in_force(now).values("pk"))
        .order_by("-recorded_at")[:100]
    )
    persons = {h.person_id for h in hazards if h.person_id}
    log_read(user, "incidents", "board", "caseload", "shown", persons=persons)
    context = {
        "open": [_row(i, now) for i in open_[:200]],
        "cleared": [_row(i, now) for i in cleared.order_by("-cleared_at")[:50]],
        "crews": [
            {"crew": c, "status": CREW_LABELS[c.status], "kind": choice_label(c.kind)}
            for c in crews
        ],
        "orders": list(orders[:20]),
        "hazards": [
            {
                "hazard": h,
                "kind": choice_label(h.kind),
                # Held to the end of its last day (24:00 local): that day is the one to name.
                "last_day": timezone.localtime(h.until - timedelta(microseconds=1)).date()
                if h.until
                else None,
            }
            for h in hazards
        ],
        "withdraw_title": act_title("dispatch.hazard.withdraw"),
        "may_withdraw": _may(user, "dispatch.hazard.withdraw"),
        "acts": [
            {"kind": k, "title": act_title(k)}
            for k in ("dispatch.call.receive", "dispatch.crew.on_duty", "dispatch.hazard.record")
            if _may(user, k)
        ],
        "alerts": _warnings_to_pass_on(user),
    }
    return render(request, "dispatch/board.html", context)


def _warnings_to_pass_on(user: Any) -> list[tuple[Any, str, str]]:
    """The open alerts of orders issued at the address of an open incident, each with the link
    to acknowledge it once the crews are told."""
    from icjis.core.alerts import alerts_for
    from icjis.web.queues import open_alerts

    return open_alerts(user, alerts_for(user).filter(kind="dispatch.incident.warn"), "board")


def _report_fields(incident: Incident) -> list[tuple[str, str]]:
    """The crime report the incident becomes, as the hidden fields of one button."""
    fields = [
        ("channel", "dispatch"),
        ("summary", incident.summary),
        ("place.region", incident.region),
        ("place.address", incident.address),
        ("reference", incident.number),
    ]
    if incident.district:
        fields.append(("place.district", incident.district))
    return fields


@never_cache
@login_required
def incident_page(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        incident, warnings = access_incident(user, normalise_incident(number) or number[:24])
    except NotFound:
        raise Http404(_("No such incident, or it is not visible to you.")) from None
    now = clock.now()
    open_ = incident.state != "cleared"
    sent = list(incident.crews.all())
    active = [a for a in sent if a.released_at is None]
    ranked = ranking(user, incident) if open_ and _may(user, "dispatch.incident.dispatch") else []
    may_report = (
        incident.case_id is None
        and _may(user, "registry.report.register")
        and bool(user.unit_id and user.unit.register_code)
    )
    context = {
        "incident": incident,
        "row": _row(incident, now),
        "open": open_,
        "disposition": choice_label(incident.disposition) if incident.disposition else "",
        "at_call": [w["ref"] for w in incident.warnings],
        "now_warnings": warnings_said(warnings),
        "sent": sent,
        # Each button its own idempotency key: pressed twice, it records its act once.
        "active": [
            {"a": a, "arrive_key": uuid.uuid4().hex, "release_key": uuid.uuid4().hex}
            for a in active
        ]
        if _may(user, "dispatch.incident.arrive")
        else [],
        "ranked": [
            {
                **r,
                "km": r["distance_m"] / 1000 if r["distance_m"] is not None else None,
                "key": uuid.uuid4().hex,
            }
            for r in ranked
        ],
        "report_key": uuid.uuid4().hex,
        "report": _report_fields(incident) if may_report else [],
        "report_title": act_title("registry.report.register"),
        "may_clear": open_ and _may(user, "dispatch.incident.clear"),
        "clear_title": act_title("dispatch.incident.clear"),
        "order_request": (
            open_ and incident.type == "family_violence" and _may(user, "offences.order.request")
        ),
        "order_title": act_title("offences.order.request"),
        "persons": _persons(user, incident),
        "may_name": open_ and _may(user, "dispatch.incident.person"),
        "name_title": act_title("dispatch.incident.person"),
    }
    return render(request, "dispatch/incident.html", context)


def _persons(user: Any, incident: Incident) -> list[dict[str, Any]]:
    """The persons named on the incident, each with the warnings on them in force now."""
    from icjis.web.views import person_warnings

    return [
        {
            "named": p,
            "role": choice_label(p.role),
            "warnings": person_warnings(user, p.person_id, also=p.maybe),
        }
        for p in incident.persons.select_related("person").order_by("named_at", "pk")
    ]
