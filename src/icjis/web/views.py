"""Staff pages: log in and out, the work list, the case page.

Every read goes through the access policy (`restrict`, `access_case`): a case the user may not
see is a 404 exactly like a missing one, and every opening of a case page is in the access log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from icjis.core import clock
from icjis.core.access import access_case, restrict
from icjis.core.auth import LoginRefused, check_credentials
from icjis.core.models import Event, User
from icjis.core.numbering import normalise
from icjis.core.refusals import NotFound
from icjis.core.roles import ROLES
from icjis.core.serialise import deadline_json
from icjis.legal.models import Deadline
from icjis.web.forms import LoginForm

WORK_LIST_SIZE = 50

STAGES = {
    "registered": gettext_lazy("Registered"),
    "pre_investigation": gettext_lazy("Pre-investigation check"),
    "investigation": gettext_lazy("Investigation"),
    "prosecution": gettext_lazy("With the prosecutor"),
    "trial": gettext_lazy("Trial"),
    "appeal": gettext_lazy("Appeal"),
    "execution": gettext_lazy("Execution of sentence"),
    "closed": gettext_lazy("Closed"),
}
DEADLINE_STATES = {
    "running": gettext_lazy("running"),
    "missed": gettext_lazy("missed"),
    "met": gettext_lazy("met"),
    "suspended": gettext_lazy("suspended"),
    "cancelled": gettext_lazy("cancelled"),
}
PARTICIPANT_ROLES = {
    "suspect": gettext_lazy("Suspect"),
    "accused": gettext_lazy("Accused"),
    "victim": gettext_lazy("Victim"),
    "witness": gettext_lazy("Witness"),
    "applicant": gettext_lazy("Applicant"),
}


def localised(obj: Any, field: str = "name") -> str:
    """`obj.<field>_<language>` (name_ky, name_ru, name_en …), falling back to Russian."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_ru", "")


def role_title(name: str) -> str:
    """The title of a role in the current language; an unknown role shows its code."""
    role = ROLES.get(name)
    return localised(role, "title") if role else name


def local_path(candidate: str | None) -> str:
    """`candidate` if it is a path on this site, else the landing page: a login link must never
    send the user to another site."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def deadline_row(deadline: Deadline, now: datetime) -> dict[str, Any]:
    """A deadline as the pages show it; its state is the API's (`deadline_json`)."""
    state = deadline_json(deadline, now)["state"]
    if state == "running":
        left = timeuntil(deadline.due_at, now, depth=2)
    elif state == "missed":
        left = _("overdue by %(time)s") % {"time": timesince(deadline.due_at, now, depth=2)}
    else:
        left = ""
    return {
        "deadline": deadline,
        "state": state,
        "state_label": DEADLINE_STATES.get(state, state),
        "left": left,
    }


def next_open_deadlines(numbers: list[str], now: datetime) -> dict[str, dict[str, Any]]:
    """The earliest running or missed deadline of each case, by case number (one query)."""
    found: dict[str, dict[str, Any]] = {}
    open_terms = (
        Deadline.objects.filter(case__in=numbers)
        .with_state(now)
        .filter(current_state__in=("running", "missed"))
        .order_by("case_id", "due_at", "rule")
    )
    for deadline in open_terms:
        if deadline.case_id not in found:
            found[deadline.case_id] = deadline_row(deadline, now)
    return found


@sensitive_post_parameters("password", "otp")
@require_http_methods(["GET", "POST"])
@never_cache
def login_page(request: HttpRequest) -> HttpResponse:
    """The login form: username, password and one-time code, checked by `check_credentials`
    (which records the attempt and applies the lock-out)."""
    next_url = local_path(request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = check_credentials(data["username"], data["password"], data["otp"] or None, "web")
        except LoginRefused as exc:
            refusal = exc.reason
            form = LoginForm(initial={"username": data["username"]})
        else:
            login(request, user, backend="icjis.core.auth.LockoutBackend")
            return redirect(next_url)
    context = {
        "form": form,
        "refusal": refusal,
        "next": next_url,
        "idle": request.GET.get("idle") == "1",
        "idle_minutes": settings.IDLE_LOCK_MINUTES,
    }
    return render(request, "web/login.html", context)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    """End the session and go back to the login page."""
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect(settings.LOGIN_URL)


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Who is logged in, the clock, and the cases the user may see, newest movement first."""
    user = request.user
    now = clock.now()
    visible = restrict(user).select_related("unit").order_by("-last_movement_at", "number")
    cases = list(visible[:WORK_LIST_SIZE])
    deadlines = next_open_deadlines([c.number for c in cases], now)
    rows = [
        {"case": c, "stage": STAGES.get(c.stage, c.stage), "next": deadlines.get(c.number)}
        for c in cases
    ]
    context = {
        "roles": [role_title(r) for r in user.roles],
        "unit_name": localised(user.unit),
        "now": now,
        "simulated": clock.simulated(),
        "rows": rows,
        "full": len(rows) == WORK_LIST_SIZE,
    }
    return render(request, "web/home.html", context)


@never_cache
@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """One case: header, deadlines, participants and the timeline of its ledger stream. Opening
    it is logged, with the purpose given (`?purpose=`, default caseload)."""
    canonical = normalise(number)
    if canonical is None:
        raise Http404(_("No such case, or it is not visible to you."))
    if canonical != number:
        return redirect("web:case", number=canonical)
    try:
        case = access_case(request.user, canonical, request.GET.get("purpose", "caseload"))
    except NotFound:
        raise Http404(_("No such case, or it is not visible to you.")) from None
    now = clock.now()
    officers = list(case.officers.order_by("role", "username"))
    participants = case.participants.select_related("person").order_by("since", "person_id", "role")
    names = dict(
        User.objects.filter(username__in=[o.username for o in officers]).values_list(
            "username", "full_name"
        )
    )
    context = {
        "case": case,
        "stage": STAGES.get(case.stage, case.stage),
        "unit_name": localised(case.unit),
        "court_name": localised(case.court) if case.court else "",
        "officers": [
            {"officer": o, "name": names.get(o.username, o.username), "role": role_title(o.role)}
            for o in officers
        ],
        "deadlines": [
            deadline_row(d, now) for d in case.deadlines.with_state(now).order_by("due_at", "rule")
        ],
        "participants": [
            {"participant": p, "role": PARTICIPANT_ROLES.get(p.role, p.role)} for p in participants
        ],
        "events": [
            {"event": e, "role": role_title(e.actor_role)}
            for e in Event.objects.filter(stream=f"case/{case.number}").order_by("seq")
        ],
        "now": now,
        "simulated": clock.simulated(),
    }
    return render(request, "web/case.html", context)
