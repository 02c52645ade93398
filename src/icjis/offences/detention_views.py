"""Pages of administrative detention (CoO 524-526): the persons held by the officer's unit (a
prosecutor: in their territory), soonest to be released first, with the clock of each; and one
detention with what may be done with it now. The data come from the access filters the API
uses (`icjis.offences.access`); every page naming persons is logged as a read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from icjis.core import clock
from icjis.core.access import log_read
from icjis.core.acts import KINDS
from icjis.core.localised import localised
from icjis.core.refusals import NotFound
from icjis.detention.access import read_purpose
from icjis.offences.access import access_detention, visible_detentions
from icjis.offences.acts import normalise_detention
from icjis.offences.detentions import detention_stream
from icjis.offences.models import AdminDetention
from icjis.offences.views import record_documents
from icjis.web.labels import act_title
from icjis.web.queues import time_left

PAGE_SIZE = 50
EXTENSION_GROUNDS = {
    "judge": gettext_lazy("awaiting the judge"),
    "facts": gettext_lazy("further facts to establish"),
    "identity": gettext_lazy("the person's identity to establish"),
}
RELEASE_GROUNDS = {
    "grounds_gone": gettext_lazy("the grounds fell away"),
    "term": gettext_lazy("the term ended"),
    "prosecutor_order": gettext_lazy("the prosecutor's order"),
    "child_protection": gettext_lazy("handed to the child protection body"),
    "court": gettext_lazy("the court's decision"),
    "crime": gettext_lazy("handed over under the Code of Criminal Procedure"),
}
NOTICE_TO = {
    "relatives": gettext_lazy("relatives"),
    "workplace": gettext_lazy("workplace or school"),
    "defender": gettext_lazy("defender"),
    "prosecutor": gettext_lazy("prosecutor (in writing)"),
    "child_protection": gettext_lazy("child protection body"),
}
TERMS_UNMET = {
    "release": gettext_lazy("release"),
    "notice": gettext_lazy("the notice to the parents and the child protection body"),
    "prosecutor": gettext_lazy("the prosecutor's notice"),
    "court": gettext_lazy("the court"),
}


def release_left(d: AdminDetention, now: datetime) -> tuple[str, str]:
    """The clock of a person held, as words and a css class."""
    if d.state != "held":
        return "", ""
    if d.release_by > now:
        template = _("to hand over within %(time)s") if d.child else _("to release within %(time)s")
        return template % {"time": timeuntil(d.release_by, now, depth=2)}, "running"
    return _("release overdue by %(time)s") % {
        "time": timesince(d.release_by, now, depth=2)
    }, "missed"


def detention_row(d: AdminDetention, now: datetime) -> dict[str, Any]:
    left, css = release_left(d, now)
    return {
        "d": d,
        "article": d.article + (f"({d.part})" if d.part else ""),
        "left": left,
        "css": css,
        "unmet": [TERMS_UNMET[t] for t in d.overruns.split(",") if t in TERMS_UNMET],
        "unit_name": localised(d.unit),
    }


@never_cache
@login_required
def detentions_page(request: HttpRequest) -> HttpResponse:
    """Persons held now, soonest to be released first; then the latest released."""
    now = clock.now()
    qs = visible_detentions(request.user).select_related("person", "unit")
    held = list(qs.filter(state="held").order_by("release_by", "number")[:PAGE_SIZE])
    released = list(qs.exclude(state="held").order_by("-detained_at", "-number")[:PAGE_SIZE])
    persons = [d.person_id for d in held + released]
    log_read(
        request.user,
        "detentions-coo",
        "register",
        read_purpose(request.user),
        "shown",
        persons=persons,
    )
    context = {
        "held": [detention_row(d, now) for d in held],
        "released": [detention_row(d, now) for d in released],
        "may_record": bool(set(request.user.roles) & KINDS["offences.detention.record"].roles),
        "record_title": act_title("offences.detention.record"),
    }
    return render(request, "offences/detentions.html", context)


def _offered(d: AdminDetention, roles: set[str], now: datetime) -> list[dict[str, str]]:
    """The acts the page offers on the detention now, to a user holding `roles`."""
    kinds = ["offences.detention.notify"]  # the prosecutor's notice may follow the release
    if d.state == "held":
        extendable = d.extended_at is None and d.arrest_possible and not d.child
        if extendable and now < d.release_by:
            kinds.append("offences.detention.extend")
        if d.extended_at is not None and d.court_at is None:
            kinds.append("offences.detention.court")
        if d.release_ordered_at is None:
            kinds.append("offences.detention.order_release")
        kinds.append("offences.detention.release")
    offered = [
        {"kind": k, "title": act_title(k), "query": f"detention={d.number}"}
        for k in kinds
        if roles & KINDS[k].roles
    ]
    if d.offence_id is None and roles & KINDS["offences.protocol.register"].roles:
        offered.append(
            {
                "kind": "offences.protocol.register",
                "title": act_title("offences.protocol.register"),
                "query": f"detention={d.number}&article={d.article}",
            }
        )
    return offered


def _notice_left(d: AdminDetention, now: datetime) -> tuple[str, str]:
    """The clock of the prosecutor's written notice and the court, 24 hours from an extended
    detention (CoO 526(2)), while either is still to come."""
    pending = d.prosecutor_told_at is None or (d.state == "held" and d.court_at is None)
    if d.notice_by is None or not pending:
        return "", ""
    text, css = time_left(d.notice_by, now)
    return (_("due within %(time)s") % {"time": text} if css == "running" else text), css


@never_cache
@login_required
def detention_page(request: HttpRequest, number: str) -> HttpResponse:
    now = clock.now()
    try:
        d = access_detention(request.user, normalise_detention(number) or number[:24])
    except NotFound:
        raise Http404(_("No such detention, or it is not visible to you.")) from None
    context = {
        **detention_row(d, now),
        "extension_ground": EXTENSION_GROUNDS.get(d.extension_ground, d.extension_ground),
        "release_ground": RELEASE_GROUNDS.get(d.release_ground, d.release_ground),
        "notices": [
            {"whom": NOTICE_TO.get(n["whom"], n["whom"]), "at": datetime.fromisoformat(n["at"])}
            for n in d.notices
        ],
        "offered": _offered(d, set(request.user.roles), now),
        "notice": _notice_left(d, now),
        "order_waiting": (
            timesince(d.release_ordered_at, now, depth=2)
            if d.release_ordered_at and d.state == "held"
            else ""
        ),
        "court_name": localised(d.court) if d.court_id else "",
        "documents": record_documents(request.user, detention_stream(d.number)),
    }
    return render(request, "offences/detention.html", context)
