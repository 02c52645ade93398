"""Staff pages: log in and out, the work queues, the case page and its acts, persons, feedback.

Every read goes through the access policy (`restrict`, `access_case`): a case the user may not
see is a 404 exactly like a missing one, and every opening of a case page is in the access log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from icjis.core import clock
from icjis.core.access import (
    PURPOSES,
    access_case,
    access_person,
    find_persons,
    in_own_records,
    in_visible_cases_per_row,
    listed_cases,
    reads_of_person,
    records_of,
    records_of_all,
    restrict,
    sightings_of_person,
    visible_persons,
)
from icjis.core.access_labels import (
    AUDIT_PURPOSE_LABELS,
    LIST_LABELS,
    OUTCOME_LABELS,
    PURPOSE_LABELS,
)
from icjis.core.acts import KINDS, perform
from icjis.core.auth import LoginRefused, check_credentials
from icjis.core.localised import localised
from icjis.core.models import CaseOfficer, CaseParticipant, Event, Person, Territory, User
from icjis.core.numbering import normalise
from icjis.core.refusals import NotFound, Refusal
from icjis.core.roles import ROLES
from icjis.core.serialise import deadline_json
from icjis.core.visibility import matches, part_for, shown_participants, visible_events
from icjis.core.warnings import warnings_for
from icjis.evidence.views import case_evidence, case_prints, name_the_item
from icjis.forensics.views import case_expertises
from icjis.legal.deadlines import provisional, rule_of
from icjis.legal.models import Deadline
from icjis.registry.views import case_filings
from icjis.web.documents import documents_of, name_the_document
from icjis.web.forms import AnswerForm, FeedbackForm, LoginForm, PublicFeedbackForm
from icjis.web.labels import CATEGORIES, act_title, choice_label, legal_basis
from icjis.web.models import LANGUAGE_CODES, Feedback, LanguagePreference
from icjis.web.queues import queues_for
from icjis.web.refusals import localise_refusal
from icjis.web.schemaform import Field, attach_errors, fields_of, fix, parse
from icjis.web.stages import possible_at

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


def role_title(name: str) -> str:
    """The title of a role in the current language; an unknown role shows its code."""
    if name == "system":
        return str(gettext_lazy("the system"))
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


def deadline_title(deadline: Deadline) -> str:
    """The title of a term in the current language, from its rule in the rule pack (the row
    keeps the English title)."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    rule = rule_of(deadline)
    if rule is not None:
        try:
            return rule.title.get(language)
        except (LookupError, ValueError):
            pass
    return deadline.title


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
        "title": deadline_title(deadline),
        "article": legal_basis(deadline.article),
        "state": state,
        "state_label": DEADLINE_STATES.get(state, state),
        "left": left,
        "provisional": state in ("running", "missed") and provisional(deadline),
    }


def next_open_deadlines(
    numbers: list[str], now: datetime, part: Any = None
) -> dict[str, dict[str, Any]]:
    """The earliest running or missed deadline of each case, by case number (one query); for a
    role that reads only its part of a file (`core.visibility`), among the terms of that part."""
    found: dict[str, dict[str, Any]] = {}
    open_terms = (
        Deadline.objects.filter(case__in=numbers)
        .with_state(now)
        .filter(current_state__in=("running", "missed"))
        .order_by("case_id", "due_at", "rule")
    )
    for deadline in open_terms:
        if part is not None and not matches(deadline.rule, part.deadlines):
            continue
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
            refusal = localise_refusal(exc.reason)
            form = LoginForm(initial={"username": data["username"]})
        else:
            login(request, user, backend="icjis.core.auth.LockoutBackend")
            return remember_language(request, redirect(next_url), user)
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


def remember_language(request: HttpRequest, response: HttpResponse, user: Any) -> HttpResponse:
    """At login: the language the user chose last time, if any, for this browser too."""
    chosen = LanguagePreference.objects.filter(username=user.username).first()
    if chosen is not None:
        request.session[LANGUAGE_SESSION_KEY] = chosen.language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen.language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


LANGUAGE_SESSION_KEY = "language"


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: kept for the user (restored at every login), in the session and in
    the language cookie for visitors who are not logged in.

    A logged-in user's choice is checked against CSRF like any change to their account. A
    visitor's is not: the public report pages send no Referer, so browsers send the switcher's
    form with `Origin: null`, and changing a visitor's language harms nobody."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
        if refused is not None:
            return refused
    code = request.POST.get("language", "")
    response = redirect(local_path(request.POST.get("next")))
    if code not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated:
        LanguagePreference.objects.update_or_create(
            username=request.user.username,
            defaults={"language": code, "chosen_at": clock.wall()},
        )
    request.session[LANGUAGE_SESSION_KEY] = code
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


def _case_rows(user: Any, now: datetime) -> list[dict[str, Any]]:
    visible = listed_cases(user).select_related("unit").order_by("-last_movement_at", "number")
    cases = list(visible[:WORK_LIST_SIZE])
    deadlines = next_open_deadlines([c.number for c in cases], now, part_for(user))
    return [
        {"case": c, "stage": STAGES.get(c.stage, c.stage), "next": deadlines.get(c.number)}
        for c in cases
    ]


# Acts without a case that the pages offer where their object is shown, already filled in: an
# alert in the alerts list, a person on the person's page. The Start list would ask for an id.
OFFERED_IN_PLACE = frozenset({"alerts.acknowledge", "persons.residence.record"})


def _new_acts(user: Any) -> list[dict[str, str]]:
    """Acts the user may start without a case (a new report, a person, a roster …)."""
    return [
        {"kind": k.name, "title": act_title(k.name)}
        for k in sorted(KINDS.values(), key=lambda k: k.name)
        if k.target in ("new", "stream")
        and k.name not in OFFERED_IN_PLACE
        and set(user.roles) & k.roles
        and "system" not in user.roles
    ]


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the queues of the user's roles, then the cases they may see, newest
    movement first, with each case's next deadline."""
    user = request.user
    now = clock.now()
    rows = _case_rows(user, now)
    context = {
        "roles": [role_title(r) for r in user.roles],
        "unit_name": localised(user.unit),
        "now": now,
        "simulated": clock.simulated(),
        "queues": queues_for(request, now),
        "rows": rows,
        "full": len(rows) == WORK_LIST_SIZE,
        "new_acts": _new_acts(user),
    }
    return render(request, "web/home.html", context)


@never_cache
@login_required
def queue_fragment(request: HttpRequest, key: str) -> HttpResponse:
    """One queue alone, for the page to refresh it in place (htmx) while a clock runs."""
    for queue in queues_for(request, clock.now(), only=key):
        if queue.key == key:
            return render(request, "web/queue.html", {"queue": queue})
    raise Http404(_("No such list."))


def _open_case(request: HttpRequest, number: str, purpose: str = "caseload") -> Any:
    canonical = normalise(number)
    if canonical is None:
        raise Http404(_("No such case, or it is not visible to you."))
    try:
        return access_case(request.user, canonical, purpose)
    except NotFound:
        raise Http404(_("No such case, or it is not visible to you.")) from None


def timeline_of(user: Any, case: Any) -> list[Event]:
    """The events of the case the user may read: the same function the API's timeline uses
    (`core.visibility.visible_events`), so the page and the API cannot drift apart."""
    return list(visible_events(user, case))


def case_acts(user: Any, case: Any) -> list[dict[str, str]]:
    """The acts on this case the user's roles allow and the case's stage admits
    (`web.stages`), if the user may act on the case at all."""
    if not restrict(user, "act").filter(pk=case.pk).exists():
        return []
    roles = set(user.roles)
    return [
        {"kind": k.name, "title": act_title(k.name), "basis": k.legal_basis}
        for k in sorted(KINDS.values(), key=lambda k: k.name)
        if k.target == "case" and roles & k.roles and possible_at(k.name, case.stage)
    ]


def _case_alerts(user: Any, case: Any) -> list[dict[str, Any]]:
    """The open alerts told to the user in this case, as the landing page says them, each with
    its link to acknowledge it."""
    from icjis.core.alerts import alerts_for
    from icjis.web.queues import open_alerts

    if not set(user.roles) & KINDS["alerts.acknowledge"].roles:
        return []
    found = alerts_for(user).filter(case=case)
    return [
        {"alert": a, "text": said, "href": href}
        for a, said, href in open_alerts(user, found, f"case:{case.number}")
    ]


@never_cache
@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """One case: header, deadlines, participants, the timeline and the acts the user may perform
    now. Opening it is logged, with the purpose given (`?purpose=`, default caseload)."""
    canonical = normalise(number)
    if canonical is not None and canonical != number:
        return redirect("web:case", number=canonical)
    case = _open_case(request, number, request.GET.get("purpose", "caseload"))
    now = clock.now()
    officers = list(case.officers.order_by("role", "username"))
    participants = case.participants.select_related("person").order_by("since", "person_id", "role")
    names = dict(
        User.objects.filter(username__in=[o.username for o in officers]).values_list(
            "username", "full_name"
        )
    )
    deadlines = case.deadlines.with_state(now).order_by("due_at", "rule")
    part = part_for(request.user)
    participants = shown_participants(request.user, participants)
    if part is not None:  # a role that reads only its part of the file (core.visibility)
        deadlines = [d for d in deadlines if matches(d.rule, part.deadlines)]
    timeline = timeline_of(request.user, case)
    events = [
        {
            "event": e,
            "role": role_title(e.actor_role),
            "title": act_title(e.kind),
            "basis": legal_basis(e.legal_basis),
        }
        for e in timeline
    ]
    context = {
        "case": case,
        "partial": part is not None,
        "stage": STAGES.get(case.stage, case.stage),
        "category": CATEGORIES.get(case.category, case.category),
        "unit_name": localised(case.unit),
        "court_name": localised(case.court) if case.court else "",
        "officers": [
            {"officer": o, "name": names.get(o.username, o.username), "role": role_title(o.role)}
            for o in officers
        ],
        "deadlines": [deadline_row(d, now) for d in deadlines],
        "participants": [
            {"participant": p, "role": PARTICIPANT_ROLES.get(p.role, p.role)} for p in participants
        ],
        "events": events,
        "acts": case_acts(request.user, case),
        "documents": documents_of(request.user, f"case/{case.number}", timeline),
        "evidence": case_evidence(request.user, case),
        "prints": case_prints(request.user, case),
        "expertises": case_expertises(request.user, case),
        "filings": case_filings(request.user, case),
        "alerts": _case_alerts(request.user, case),
        "now": now,
        "simulated": clock.simulated(),
    }
    return render(request, "web/case.html", context)


def _person_options(user: Any, case: Any) -> list[tuple[str, str]]:
    """The persons of the case a form may name, as the case page lists them to `user`: a role
    that reads only its part of the file (`core.visibility`) sees the defendants alone."""
    rows = shown_participants(
        user, case.participants.select_related("person").order_by("person_id", "role")
    )
    seen: dict[str, str] = {}
    for p in rows:
        label = f"{p.person.full_name} ({PARTICIPANT_ROLES.get(p.role, p.role)})"
        seen[p.person_id] = seen.get(p.person_id, label)
    return list(seen.items())


def _place_name(place: Territory) -> str:
    """A district with its region ("Ошская область — Узгенский район"), a region by its name."""
    if place.level == "district" and place.parent is not None:
        return f"{localised(place.parent)} — {localised(place)}"
    return localised(place)


def _place_options() -> list[tuple[str, str]]:
    """The districts and regions a place of residence may name, each region followed by its
    districts."""
    places = Territory.objects.filter(level__in=("region", "district")).select_related("parent")
    return [(t.code, _place_name(t)) for t in places.order_by("path")]


def _name_the_object(request: HttpRequest, fields: list[Any]) -> None:
    """An act outside a case opened for its object (`?person=` from the person's page, `?alert=`
    from the alerts list): the object named as the pages name it, not by its id, when the user
    may see it; for a person, the place of residence as last recorded. The person is opened as
    the person's page opens them (`access_person`, the read logged): in the user's caseload, or
    for the purpose the person's page was opened with (`?purpose=`)."""
    from icjis.core.alerts import alerts_for
    from icjis.web.queues import say_alerts

    def given(name: str) -> str:
        return (request.GET.get(name) or request.POST.get(name) or "")[:240]

    by_name = {f.name: f for f in fields}
    person_field, alert_field = by_name.get("person"), by_name.get("alert")
    pid = given("person")[:16]
    if person_field is not None and person_field.widget == "text" and pid:
        purpose = request.GET.get("purpose", "")
        if purpose not in PURPOSES:
            purpose = "caseload" if _in_caseload(request.user, pid) else ""
        try:
            person = access_person(request.user, pid, purpose) if purpose else None
        except NotFound:
            person = None
        if person is not None:
            fix(person_field, person.id, person.full_name)
            residence = by_name.get("residence")
            if residence is not None and request.method == "GET":
                residence.value = person.residence_id or ""
    if alert_field is not None and alert_field.widget == "text" and given("alert"):
        alert = alerts_for(request.user).filter(pk=given("alert")).first()
        if alert is not None:
            fix(alert_field, alert.id, say_alerts(request.user, [alert], "form")[alert.id])
    name_the_document(request.user, by_name, given)


def _act_form(request: HttpRequest, kind: Any, case: Any | None) -> HttpResponse:
    """GET: the form of the act, generated from its schema, with a fresh idempotency key.
    POST: perform the act as the API would; a refusal shows beside the field it concerns and
    the same key rides along, so pressing the button twice records the act once."""
    fields = fields_of(kind.schema.model_json_schema())
    if case is not None:
        options = _person_options(request.user, case)
        for f in fields:
            if f.name == "person" and f.widget == "text" and options:
                f.widget = "select"
                f.options = options
    pick_places(fields)
    if case is None:
        _name_the_object(request, fields)
    else:
        name_the_item(request.user, case, fields, request.GET.get("item", ""))
    refusal = ""
    key = uuid.uuid4().hex
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")[:128] or key
        data, errors = parse(fields, request.POST, request.FILES)
        if errors:
            attach_errors(fields, errors)
            refusal = _("Some values could not be read; see the fields marked below.")
        else:
            try:
                outcome = perform(
                    request.user,
                    kind.name,
                    data,
                    case=case.number if case is not None else None,
                    idempotency_key=key,
                )
            except Refusal as exc:
                rest = attach_errors(fields, exc.fields)
                refusal = localise_refusal(exc.message)
                if rest:
                    refusal += " " + "; ".join(f"{k}: {v}" for k, v in rest.items())
            else:
                return _after_act(request, kind, case, outcome)
    else:
        prefill(request, fields)
    context = {
        "kind": kind,
        "title": act_title(kind.name),
        "basis": legal_basis(kind.legal_basis),
        "case": case,
        "fields": fields,
        "refusal": refusal,
        "idempotency_key": key,
        "action": request.path,
        "multipart": any(f.widget in ("file", "files") for f in fields),
    }
    return render(request, "web/act.html", context, status=400 if refusal else 200)


def pick_places(fields: list[Field]) -> None:
    """A place of residence picked from the territory, not typed."""
    for f in fields:
        if f.name.split(".")[-1] == "residence" and f.widget == "text":
            # No place is picked for the clerk: a required picker starts on an empty choice
            # (an optional one has the template's own).
            places = _place_options()
            f.widget, f.options = "select", [("", "—"), *places] if f.required else places


def prefill(request: HttpRequest, fields: list[Field]) -> None:
    """A new form's values: those the link gives, and now for a time it asks for."""
    moment = timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")
    for f in fields:
        if f.name in request.GET:
            f.value = request.GET[f.name][:500]
        elif f.widget == "datetime" and f.required:
            f.value = moment  # the usual answer (a detention recorded as it happens)


def _after_act(request: HttpRequest, kind: Any, case: Any | None, outcome: Any) -> HttpResponse:
    messages.success(request, _("Recorded: %(act)s.") % {"act": act_title(kind.name)})
    result = outcome.as_json()["result"]
    token = result.get("receipt_token")
    if token:
        return redirect("registry:receipt", token=token)
    number = case.number if case is not None else result.get("case")
    if number:
        return redirect("web:case", number=number)
    # A document goes back to the record it documents, where it is listed.
    record_pages = {
        "order": "offences:order",
        "offence": "offences:offence",
        "detention-coo": "offences:detention",
    }
    prefix, _slash, record = str(result.get("record", "")).partition("/")
    if result.get("document") and prefix in record_pages and record:
        return redirect(record_pages[prefix], number=record)
    # An offence case and a protection order are records of their own, with their own pages.
    if result.get("offence"):
        return redirect("offences:offence", number=result["offence"])
    if result.get("order"):
        return redirect("offences:order", number=result["order"])
    if str(result.get("detention", "")).startswith("AD-"):  # an administrative detention
        return redirect("offences:detention", number=result["detention"])
    # The dispatch centre's acts go back to the incident, or to the board.
    if result.get("incident"):
        return redirect("dispatch:incident", number=result["incident"])
    if result.get("crew") or result.get("hazard"):
        return redirect("dispatch:board")
    # A report of access goes back to the auditor's page of the person, where it is listed.
    if result.get("access_report") or (result.get("document") and prefix == "person"):
        return redirect("web:person_views", person_id=result.get("person") or record)
    return redirect("web:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def act_on_case(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """An act on a case, if the user's role allows it and the user may act on the case."""
    found = KINDS.get(kind)
    case = _open_case(request, number)
    if found is None or found.target != "case" or not set(request.user.roles) & found.roles:
        raise Http404(_("There is no such act, or your role does not allow it."))
    if not restrict(request.user, "act").filter(pk=case.pk).exists():
        raise Http404(_("No such case, or it is not visible to you."))
    return _act_form(request, found, case)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def act_new(request: HttpRequest, kind: str) -> HttpResponse:
    """An act that starts a record of its own (a report, a person, a roster …)."""
    found = KINDS.get(kind)
    if (
        found is None
        or found.target == "case"
        or not set(request.user.roles) & found.roles
        or "system" in found.roles
        and len(found.roles) == 1
    ):
        raise Http404(_("There is no such act, or your role does not allow it."))
    return _act_form(request, found, None)


@never_cache
@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    """Fuzzy search by name in Cyrillic or Latin, or by PIN, among the persons the user may see
    (the API's own search)."""
    query = request.GET.get("q", "").strip()[:200]
    found = find_persons(request.user, query, 30) if query else []
    return render(
        request, "web/persons.html", {"query": query, "found": [p for p, _score in found]}
    )


def _in_caseload(user: Any, person_id: str) -> bool:
    if in_own_records(user, person_id):  # an order they asked for, a protocol they entered …
        return True
    return CaseParticipant.objects.filter(
        person_id=person_id,
        case__in=CaseOfficer.objects.filter(username=user.username).values("case_id"),
    ).exists()


@never_cache
@login_required
def person_page(request: HttpRequest, person_id: str) -> HttpResponse:
    """A person and the cases of theirs the user may see. Outside the user's own caseload the
    user first says why (a purpose from `core.access.PURPOSES`); the read is logged with it."""
    person_id = person_id[:16]
    purpose = request.GET.get("purpose", "")
    if not purpose:
        if _in_caseload(request.user, person_id):
            purpose = "caseload"
        elif visible_persons(request.user).filter(pk=person_id).exists():
            choices = [(p, PURPOSE_LABELS[p]) for p in PURPOSES if p in PURPOSE_LABELS]
            return render(
                request, "web/purpose.html", {"person_id": person_id, "purpose_choices": choices}
            )
    if purpose not in PURPOSES:
        purpose = "caseload"
    try:
        person = access_person(request.user, person_id, purpose)
    except NotFound:
        raise Http404(_("No such person, or the person is not visible to you.")) from None
    rows = (
        CaseParticipant.objects.filter(in_visible_cases_per_row(request.user), person=person)
        .order_by("case_id", "role")
        .values_list("case_id", "case__stage", "role")
    )
    cases: dict[str, dict[str, Any]] = {}
    for number, stage, role in rows:
        entry = cases.setdefault(
            number, {"number": number, "stage": STAGES.get(stage, stage), "roles": []}
        )
        entry["roles"].append(PARTICIPANT_ROLES.get(role, role))
    residence = _place_name(person.residence) if person.residence_id else ""
    may_record = set(request.user.roles) & KINDS["persons.residence.record"].roles
    context = {
        "warnings": person_warnings(request.user, person.pk),
        "person": person,
        "purpose": purpose,
        "residence": residence,
        "record_residence": bool(may_record),
        "cases": list(cases.values()),
        "auditor": request.user.has_role("auditor"),
    }
    return render(request, "web/person.html", context)


def person_warnings(user: Any, person_id: str, also: Iterable[str] = ()) -> list[dict[str, Any]]:
    """What other modules warn of about the person (`core.warnings`), as sentences; with `also`,
    of the records the person may be the same as too."""
    from icjis.offences.access import visible_orders
    from icjis.offences.views import conditions_said

    found = warnings_for(user, records_of_all([person_id, *also]), clock.now())
    numbers = [w["order"] for w in found if w["kind"] == "protection_order"]
    readable = set(visible_orders(user).filter(pk__in=numbers).values_list("pk", flat=True))
    out = []
    for w in found:
        if w["kind"] == "hazard":
            text = _("Hazard %(ref)s noted by %(unit)s: %(kind)s — %(note)s") % {
                "ref": w["ref"],
                "unit": w["unit"],
                "kind": choice_label(w["hazard"]),
                "note": w["note"],
            }
            out.append({"order": "", "text": text, "href": ""})
            continue
        if w["kind"] != "protection_order":
            continue
        until = timezone.localtime(datetime.fromisoformat(w["until"]))
        values = {
            "order": w["order"],
            "until": date_format(until, "SHORT_DATETIME_FORMAT"),
            "conditions": "; ".join(conditions_said(w["conditions"])),
        }
        if w["role"] == "restrained":
            text = _("Restrained by protection order %(order)s until %(until)s: %(conditions)s.")
        else:
            text = _("Protected by protection order %(order)s until %(until)s.")
        href = reverse("offences:order", args=[w["order"]]) if w["order"] in readable else ""
        out.append({"order": w["order"], "text": text % values, "href": href})
    return out


@never_cache
@login_required
def person_views(request: HttpRequest, person_id: str) -> HttpResponse:
    """For auditors: who viewed this person, when, why and with what outcome (the records
    merged into this one included, each named)."""
    if not request.user.has_role("auditor"):
        raise Http404(_("Only auditors see who viewed a person."))
    person_id = person_id[:16]
    records = records_of(person_id)  # the person's own and those merged into it
    rows = [
        {
            "record": r,
            "case": r.subject if r.subject_type == "case" else "",
            "merged": r.subject if r.subject_type == "person" and r.subject != person_id else "",
            "purpose": AUDIT_PURPOSE_LABELS.get(r.purpose, r.purpose),
            "outcome": OUTCOME_LABELS.get(r.outcome, r.outcome),
        }
        for r in reads_of_person(records)[:500]
    ]
    seen = [
        {
            "sighting": r,
            "merged": r.person if r.person != person_id else "",
            "list": LIST_LABELS.get(r.subject_type, r.subject_type),
            # A list of one case names it; the others' subjects are the API's words, not shown.
            "case": normalise(r.subject) or "",
            "purpose": AUDIT_PURPOSE_LABELS.get(r.purpose, r.purpose),
        }
        for r in sightings_of_person(records)[:500]
    ]
    # The reports of access given to the person (core.transparency), with their documents.
    # Those given on a record merged into this one since are the person's too; the newest 50.
    streams = [f"person/{r}" for r in records]
    reports = list(
        Event.objects.filter(stream__in=streams, kind="persons.access_report.give")
        .only("stream", "seq", "kind", "actor", "recorded_at", "data")
        .order_by("-recorded_at", "-id")[:50]
    )
    context = {
        "person_id": person_id,
        "rows": rows,
        "seen": seen,
        "reports": [
            {
                "event": e,
                "reads": sum(r["count"] for r in e.payload["reads"]),
                "seen": sum(r["count"] for r in e.payload["sightings"]),
                "withheld": e.payload["withheld"],
            }
            for e in reports
        ],
        "documents": documents_of(request.user, f"person/{person_id}", reports),
        "give_report": reverse("web:act_new", args=["persons.access_report.give"])
        + "?"
        + urlencode({"person": person_id})
        if settings.ACCESS_REPORTS
        and not Person.objects.filter(pk=person_id, merged_into__isnull=False).exists()
        else "",
    }
    return render(request, "web/person_views.html", context)


@login_required
@require_POST
def feedback_send(request: HttpRequest) -> HttpResponse:
    """Feedback from any staff page (module P), kept for the administrators."""
    form = FeedbackForm(request.POST)
    page = local_path(request.POST.get("page"))
    if form.is_valid():
        Feedback.objects.create(
            author=request.user.username,
            page=page,
            text=form.cleaned_data["text"],
            language=get_language() or settings.LANGUAGE_CODE,
            sent_at=clock.wall(),
        )
        messages.success(request, _("Thank you: your remark was sent to the administrators."))
    else:
        messages.error(request, _("The remark was empty or too long; nothing was sent."))
    return redirect(page)


FEEDBACK_STATES = {
    "new": gettext_lazy("new"),
    "in_progress": gettext_lazy("in progress"),
    "answered": gettext_lazy("answered"),
}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest) -> HttpResponse:
    """For administrators: the feedback received, newest first, with its status; an answer
    marks it answered."""
    if not request.user.has_role("admin"):
        raise Http404(_("Only administrators read the feedback."))
    if request.method == "POST":
        item = Feedback.objects.filter(pk=request.POST.get("id", "0")).first()
        form = AnswerForm(request.POST)
        if item is not None and form.is_valid():
            item.status = form.cleaned_data["status"]
            item.answer = form.cleaned_data["answer"]
            item.answered_by = request.user.username
            item.answered_at = clock.wall()
            item.save()
            messages.success(request, _("The answer was saved."))
        return redirect("web:feedback_list")
    items = [
        {"item": f, "status": FEEDBACK_STATES.get(f.status, f.status)}
        for f in Feedback.objects.order_by("-sent_at")[:200]
    ]
    return render(request, "web/feedback_list.html", {"items": items, "states": FEEDBACK_STATES})


# --- public portal (no login, no personal data) ------------------------------------------------


def portal(request: HttpRequest) -> HttpResponse:
    """The public portal: the status of a report by its token, the court screens, document
    verification and a feedback form."""
    token = request.GET.get("token", "").strip()
    if token:
        return redirect("registry:report_status", token=token[:128])
    return render(request, "web/portal.html", {})


def verify_document(request: HttpRequest) -> HttpResponse:
    """Whether a receipt is genuine and still valid (by the token printed on it), or, for the
    code of a signed document, its own check (`documents.views.verify`)."""
    from icjis.documents.codes import display
    from icjis.documents.codes import normalise as document_code
    from icjis.documents.models import Document
    from icjis.registry.receipts import valid_receipt

    token = request.GET.get("token", "").strip()[:128]
    outcome = None
    code = document_code(token)
    if code is not None and Document.objects.filter(pk=code).exists():
        return redirect("documents:verify", code=display(code))
    if token:
        outcome = "valid" if valid_receipt(token) is not None else "unknown"
    return render(request, "web/verify.html", {"token": token, "outcome": outcome})


@require_http_methods(["GET", "POST"])
def public_feedback(request: HttpRequest) -> HttpResponse:
    """Feedback from the public, kept for the administrators with the same handling."""
    form = PublicFeedbackForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        Feedback.objects.create(
            page="/public/",
            text=form.cleaned_data["text"],
            contact=form.cleaned_data["contact"],
            language=get_language() or settings.LANGUAGE_CODE,
            sent_at=clock.wall(),
        )
        sent = True
        form = PublicFeedbackForm()
    return render(request, "web/public_feedback.html", {"form": form, "sent": sent})


@never_cache
@login_required
def feedback_mine(request: HttpRequest) -> HttpResponse:
    """The user's own remarks with their status and the administrators' answers."""
    items = [
        {"item": f, "status": FEEDBACK_STATES.get(f.status, f.status)}
        for f in Feedback.objects.filter(author=request.user.username).order_by("-sent_at")[:100]
    ]
    return render(request, "web/feedback_mine.html", {"items": items})
