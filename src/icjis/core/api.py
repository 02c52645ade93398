"""HTTP API v1 (ARCHITECTURE "API contract v1"). Every handler reads through the access policy;
every write is `acts.perform`. Errors are JSON {error, message}: the message in English, or in
Kyrgyz or Russian when the caller's Accept-Language asks for it (`core.api_errors`)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from icjis.core import acts, clock
from icjis.core.access import (
    access_case,
    access_person,
    find_persons,
    in_visible_cases,
    in_visible_cases_per_row,
    listed_cases,
    log_read,
    person_ids,
    persons_in,
    reads_of_person,
    records_of,
    scope_of,
    sightings_of_person,
)
from icjis.core.api_errors import asked_language, error_response, in_asked_language
from icjis.core.auth import LoginRefused, check_credentials, issue_token, user_for_token
from icjis.core.canonical import iso
from icjis.core.models import (
    AccessRecord,
    CaseParticipant,
    Checkpoint,
    FeedEntry,
    Unit,
    User,
)
from icjis.core.numbering import normalise
from icjis.core.refusals import (
    Forbidden,
    Invalid,
    NotFound,
    Refusal,
    kept_values,
    said_from_json,
    say,
)
from icjis.core.serialise import case_json, deadline_json, event_json, person_json
from icjis.core.visibility import (
    deadline_filter,
    event_filter,
    redact_case,
    redact_event,
    visible_events,
)
from icjis.core.warnings import warnings_for
from icjis.legal.models import Deadline

log = logging.getLogger("icjis.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


class SessionAuth(APIKeyCookie):
    """The browser session (with CSRF on unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user  # type: ignore[return-value]
        return None


class Utf8Json(JSONRenderer):
    """JSON with its text as UTF-8, not `\\u` escapes: a Cyrillic name takes two bytes on the wire
    rather than six, and the body reads as it is (control characters are still escaped)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="ICJIS API",
    version="1",
    description=(
        "Integrated criminal justice information system — API contract v1. Errors are JSON "
        "{error, message}: `error` a fixed code, `message` a sentence in English, or in Kyrgyz "
        "or Russian when Accept-Language asks for `ky` or `ru` (named in Content-Language)."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8Json(),
)


@api.exception_handler(Refusal)
def on_refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    extra = {"fields": exc.fields} if exc.fields else {}
    response = error_response(request, exc.status, exc.code, exc.message, **extra)
    if exc.status == 503:
        response["Retry-After"] = "3600"
    return response


@api.exception_handler(ValidationError)
def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, Any] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "body", err.get("msg", "invalid"))
    first = next(iter(fields.items()), ("body", "invalid"))
    message = say("Check the field '%(field)s': %(problem)s.", field=first[0], problem=first[1])
    return error_response(request, 400, "invalid", message, fields=fields)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", say("Log in or send a valid bearer token.")
    )


@api.exception_handler(HttpError)
def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "invalid",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
    }
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    from django.db import OperationalError

    if isinstance(exc, OperationalError):
        log.warning("database unavailable: %s", type(exc).__name__)
        response = error_response(
            request, 503, "unavailable", say("The database is not answering; retry shortly.")
        )
        response["Retry-After"] = "5"
        return response
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(
        request, 500, "internal", say("Something went wrong on our side; it has been logged.")
    )


# --- auth -------------------------------------------------------------------------------------


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


@api.post("/auth/token", auth=None, tags=["auth"], response={200: dict, 400: dict, 401: dict})
def get_token(request: HttpRequest, body: TokenIn) -> Any:
    """Exchange username, password (and TOTP code) for a bearer token that expires."""
    if len(body.username) > 64 or len(body.password) > 512 or (body.otp and len(body.otp) > 16):
        raise Invalid(say("Username, password or code is too long."))
    try:
        user = check_credentials(body.username, body.password, body.otp, "api")
    except LoginRefused as exc:
        return error_response(request, 401, "unauthenticated", exc.reason)
    token, expires = issue_token(user)
    return {
        "token": token,
        "expires_at": iso(expires),
        "username": user.username,
        "roles": user.roles,
    }


@api.get("/health", auth=None, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/clock", tags=["system"])
def show_clock(request: HttpRequest) -> dict[str, Any]:
    """The server's clock (simulated outside production)."""
    return {"now": iso(clock.now()), "simulated": clock.simulated()}


# --- acts -------------------------------------------------------------------------------------


@api.get("/acts/catalogue", tags=["acts"])
def act_catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    """Every act kind with its JSON schema, the roles that may perform it and its legal basis."""
    return acts.catalogue()


class ActIn(Schema):
    kind: str
    case: str | None = None
    data: dict[str, Any] = {}
    idempotency_key: str | None = None


@api.post("/acts", tags=["acts"], response={201: dict, 400: dict, 403: dict, 404: dict, 409: dict})
def perform_act(request: HttpRequest, body: ActIn) -> Any:
    """Perform an act. 201 with the event and result; 400/403/404/409 with {error, message}."""
    case = None
    if body.case is not None:
        case = normalise(body.case)
        if case is None:
            raise NotFound(say("No such case, or it is not visible to you."))
    outcome = acts.perform(
        request.user, body.kind, body.data, case=case, idempotency_key=body.idempotency_key
    )
    return Status(201, outcome.as_json())


# --- cases ------------------------------------------------------------------------------------


def _case_number(number: str) -> str:
    found = normalise(number)
    if found is None:
        raise NotFound(say("No such case, or it is not visible to you."))
    return found


@api.get("/cases/{number}", tags=["cases"])
def get_case(request: HttpRequest, number: str, purpose: str = "caseload") -> dict[str, Any]:
    """The case as it stands: stage, qualification, participants, officers, open deadlines."""
    case = access_case(request.user, _case_number(number), purpose)
    return redact_case(request.user, case_json(case, clock.now()))


@api.get("/cases/{number}/timeline", tags=["cases"])
def get_timeline(
    request: HttpRequest, number: str, purpose: str = "caseload"
) -> list[dict[str, Any]]:
    """The case's events the caller may see, in order: the whole journey across agencies, or
    the caller's part of it (`core.visibility`)."""
    case = access_case(request.user, _case_number(number), purpose)
    return [redact_event(request.user, event_json(e)) for e in visible_events(request.user, case)]


class CaseFilter(Schema):
    stage: str | None = None
    unit: str | None = None
    overdue: bool | None = None
    limit: int = 50
    offset: int = 0


@api.get("/cases", tags=["cases"])
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """Cases the caller may see, newest movement first."""
    qs = listed_cases(request.user).select_related("unit")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.overdue:
        now = clock.now()
        qs = qs.filter(pk__in=Deadline.objects.in_state("missed", now).values("case_id"))
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    rows = list(qs.order_by("-last_movement_at", "number")[offset : offset + limit])
    return {
        "items": [
            {
                "number": c.number,
                "stage": c.stage,
                "unit": c.unit_id,
                "article": c.article,
                "category": c.category,
                "registered_at": iso(c.registered_at),
                "last_movement_at": iso(c.last_movement_at),
            }
            for c in rows
        ],
        "limit": limit,
        "offset": offset,
    }


class DeadlineFilter(Schema):
    state: str | None = None
    case: str | None = None
    unit: str | None = None
    limit: int = 100


@api.get("/deadlines", tags=["cases"])
def list_deadlines(request: HttpRequest, filters: Query[DeadlineFilter]) -> list[dict[str, Any]]:
    """Deadlines of the cases the caller may see; `state` is computed at query time."""
    now = clock.now()
    qs = Deadline.objects.filter(in_visible_cases(request.user))
    if (only := deadline_filter(request.user)) is not None:
        qs = qs.filter(only)
    if filters.state:
        if filters.state not in ("running", "met", "missed", "suspended", "cancelled", "lapsed"):
            raise Invalid(
                say("state must be running, met, missed, suspended, cancelled or lapsed.")
            )
        qs = qs.in_state(filters.state, now)
    case = (normalise(filters.case) or "-") if filters.case else None
    if case:
        qs = qs.filter(case_id=case)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    limit = max(1, min(filters.limit, 1000))
    rows = list(qs.with_state(now).order_by("due_at")[:limit])
    # A term of one person (custody, a probation report) names that person by id: the list is
    # then a read that showed them (SPEC 6), logged when it names anyone.
    if persons := person_ids(d.subject for d in rows):
        log_read(request.user, "deadlines", case or "list", "caseload", "shown", persons)
    return [deadline_json(d, now) for d in rows]


# --- persons ----------------------------------------------------------------------------------


@api.get("/persons", tags=["persons"])
def search_persons(request: HttpRequest, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Fuzzy search by name in Cyrillic or Latin, or by PIN, among persons you may see."""
    if len(q) > 200:
        raise Invalid(say("The search text is too long."))
    found = find_persons(request.user, q, max(1, min(limit, 100)))
    return [{**person_json(p, brief=True), "score": round(score, 1)} for p, score in found]


@api.get("/persons/{person_id}", tags=["persons"])
def get_person(request: HttpRequest, person_id: str, purpose: str = "caseload") -> dict[str, Any]:
    """A person and the cases of theirs you may see (the read is logged)."""
    person = access_person(request.user, person_id[:16], purpose)
    # One query: the person's roles in the cases the caller may see.
    rows = (
        CaseParticipant.objects.filter(in_visible_cases_per_row(request.user), person=person)
        .order_by("case_id", "role")
        .values_list("case_id", "case__stage", "role")
    )
    cases: dict[str, dict[str, Any]] = {}
    for number, stage, role in rows:
        cases.setdefault(number, {"number": number, "stage": stage, "roles": []})["roles"].append(
            role
        )
    # What other modules warn of (a protection order in force naming the person …).
    warnings = warnings_for(request.user, records_of(person.pk), clock.now())
    return {**person_json(person), "cases": list(cases.values()), "warnings": warnings}


# --- ledger, audit, feed, directory -----------------------------------------------------------


@api.get("/ledger/checkpoints", tags=["ledger"])
def checkpoints(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    """Signed checkpoints, newest first: anyone holding one can detect a rewritten history."""
    rows = Checkpoint.objects.order_by("-number")[: max(1, min(limit, 500))]
    return [
        {
            "number": c.number,
            "made_at": iso(c.made_at),
            "root": c.root,
            "stream_count": c.stream_count,
            "event_count": c.event_count,
            "simulated": c.simulated,
            "public_key": c.public_key,
            "prev_hash": c.prev_hash,
            "hash": c.hash,
            "signature": c.signature,
        }
        for c in rows
    ]


@api.get("/audit/access", tags=["audit"])
def audit_access(
    request: HttpRequest,
    person: str | None = None,
    case: str | None = None,
    actor: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Who read what, when, why and with what outcome (auditors only)."""
    if not request.user.has_role("auditor"):
        raise Forbidden(say("Only auditors may read the access log."))
    qs = reads_of_person(records_of(person)) if person else AccessRecord.objects.all()
    if case:
        qs = qs.filter(subject_type="case", subject=normalise(case) or case[:64])
    if actor:
        qs = qs.filter(actor=actor[:64])
    return [
        {
            "actor": r.actor,
            "at": iso(r.at),
            "subject_type": r.subject_type,
            "subject": r.subject,
            "purpose": r.purpose,
            "outcome": r.outcome,
            "event": {"stream": f"access/{r.actor}", "seq": r.event_seq, "hash": r.event_hash},
        }
        for r in qs.order_by("-at", "-id").annotate(
            event_seq=F("event__seq"), event_hash=F("event__hash")
        )[: max(1, min(limit, 1000))]
    ]


@api.get("/audit/sightings", tags=["audit"])
def audit_sightings(request: HttpRequest, person: str, limit: int = 200) -> list[dict[str, Any]]:
    """Who saw a person in a list or a search (auditors only): per reader, list, purpose and
    local day, the first and last time, how many reads, and the first and last of those reads
    in the reader's access stream. The reads of the person and of the person's cases are in
    `/audit/access?person=`."""
    if not request.user.has_role("auditor"):
        raise Forbidden(say("Only auditors may read the access log."))
    rows = sightings_of_person(records_of(person)).annotate(
        first_seq=F("first_event__seq"),
        first_hash=F("first_event__hash"),
        last_seq=F("last_event__seq"),
        last_hash=F("last_event__hash"),
    )
    return [
        {
            "actor": r.actor,
            "subject_type": r.subject_type,
            "subject": r.subject,
            "purpose": r.purpose,
            "day": r.day.isoformat(),
            "first_at": iso(r.first_at),
            "last_at": iso(r.last_at),
            "times": r.times,
            "first_event": {
                "stream": f"access/{r.actor}",
                "seq": r.first_seq,
                "hash": r.first_hash,
            },
            "last_event": {"stream": f"access/{r.actor}", "seq": r.last_seq, "hash": r.last_hash},
        }
        for r in rows[: max(1, min(limit, 1000))]
    ]


@api.get("/feed", tags=["integration"])
def feed(request: HttpRequest, after: int = 0, limit: int = 100) -> dict[str, Any]:
    """Events in delivery order after a cursor, for the cases the caller may follow."""
    if scope_of(request.user) == "none":
        raise Forbidden(say("Your role may not follow the event feed."))
    qs = FeedEntry.objects.filter(position__gt=max(0, after)).select_related("event")
    if scope_of(request.user) != "national":
        qs = qs.filter(in_visible_cases(request.user, "case_number"))
    if (only := event_filter(request.user, "event__kind")) is not None:
        qs = qs.filter(only)
    rows = list(qs.order_by("position")[: max(1, min(limit, 1000))])
    user = request.user
    items = [
        {"position": r.position, "topic": r.topic, **redact_event(user, event_json(r.event))}
        for r in rows
    ]
    # Events carry whole person records (a report's applicant, a participant added): the read
    # names every person the items name. A poll that finds nothing new shows nothing to log.
    if items:
        persons = {p for i in items for p in persons_in(i["stream"], i.get("data"))}
        log_read(user, "feed", f"after:{max(0, after)}", "caseload", "shown", persons=persons)
    return {
        "items": items,
        "cursor": rows[-1].position if rows else max(0, after),
    }


@api.get("/alerts", tags=["cases"])
def list_alerts(
    request: HttpRequest, state: str = "open", limit: int = 100
) -> list[dict[str, Any]]:
    """Items for the caller to review (late records, injuries, roster gaps …), newest first."""
    from icjis.core.alerts import alerts_for

    if state not in ("open", "acknowledged"):
        raise Invalid(say("state must be open or acknowledged."))
    rows = list(
        alerts_for(request.user, state).order_by("-raised_at", "id")[: max(1, min(limit, 500))]
    )
    # The alerts name persons by id (their subjects, their messages' values): the read is
    # logged with them. (The landing page's list names the subjects, by name, and logs those.)
    persons = person_ids(
        v for a in rows for v in [a.subject, *(kept_values(a.said) if a.said else [])]
    )
    log_read(request.user, "alerts", f"api:{state}", "caseload", "shown", persons=persons)
    language = asked_language(request)  # the message in it, where the alert kept its template
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "case": a.case_id,
            "unit": a.unit_id,
            "message": in_asked_language(language, said_from_json(a.said))[0]
            if a.said
            else a.message,
            "subject": a.subject or None,
            "raised_at": iso(a.raised_at),
            "state": a.state,
            "roles": [r for r in a.roles.split(",") if r],
        }
        for a in rows
    ]


@api.get("/outbox/problems", tags=["integration"])
def outbox_problems(request: HttpRequest) -> list[dict[str, Any]]:
    """Deliveries that keep failing or are overdue (administrators and auditors)."""
    from icjis.core import outbox

    if not request.user.has_role("admin", "auditor"):
        raise Forbidden(say("Only administrators and auditors may see delivery problems."))
    return outbox.problems()


DIRECTORY_KINDS = {
    "units": None,
    "facilities": ("ivs", "prison"),
    "courts": ("court", "appeal_court"),
    "probation-offices": ("probation_office",),
}


# Directories kept by modules (e.g. legal aid's register of advocates), by name.
DIRECTORY_PROVIDERS: dict[str, Any] = {}


@api.get("/directory/{kind}", tags=["directory"])
def directory(request: HttpRequest, kind: str) -> list[dict[str, Any]]:
    """Reference data a client needs to fill in an act: units, facilities, courts, judges,
    advocates, probation-offices."""
    if kind in DIRECTORY_PROVIDERS:
        return DIRECTORY_PROVIDERS[kind](request)
    if kind == "judges":
        judges = (
            User.objects.filter(is_active=True)
            .select_related("unit__territory")
            .order_by("username")
        )
        return [
            {
                "code": u.username,
                "name": u.full_name,
                "court": u.unit_id,
                "region": u.unit.territory.region_code(),
            }
            for u in judges
            if u.has_role("judge", "appeal_judge", "investigating_judge")
        ]
    if kind not in DIRECTORY_KINDS:
        raise NotFound(say("There is no directory %(kind)s.", kind=repr(kind)))
    qs = Unit.objects.select_related("territory").order_by("code")
    kinds = DIRECTORY_KINDS[kind]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return [
        {
            "code": u.code,
            "name": u.name_ru,
            "name_ky": u.name_ky,
            "name_en": u.name_en,
            "kind": u.kind,
            "agency": u.agency_id,
            "region": u.territory.region_code(),
            "territory": u.territory_id,
        }
        for u in qs
    ]
