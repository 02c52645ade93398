"""Session idle lock and security headers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from icjis.core.api_errors import asked_language, error_response
from icjis.core.refusals import say

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)


class IdleLockMiddleware:
    """Ends a session after IDLE_LOCK_MINUTES without a request (CJIS: 30 minutes), saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_seen", now)
            if now - last > settings.IDLE_LOCK_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    locked = say(
                        "Your session was locked after %(minutes)s minutes without activity; "
                        "log in again.",
                        minutes=settings.IDLE_LOCK_MINUTES,
                    )
                    return error_response(request, 401, "unauthenticated", locked)
                return redirect(
                    f"{settings.LOGIN_URL}?{urlencode({'idle': 1, 'next': request.path})}"
                )
            request.session["last_seen"] = now
        return self.get_response(request)


class ApiLanguageMiddleware:
    """Under /api/ the language is the one the caller's Accept-Language asks for, or English
    (`api_errors.asked_language`), never the pages' cookie or the site's default: whatever the
    API says is said in it, and the answer's Content-Language (set by Django's LocaleMiddleware,
    which runs before this one) names it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = asked_language(request) or "en"
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ApiJsonErrorsMiddleware:
    """Under /api/ every error is JSON {error, message}, including those produced outside the
    API's own handlers (unknown path, method not allowed, oversized body)."""

    CODES = {
        400: "invalid",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        503: "unavailable",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _has_nul(request):
            # No text the system keeps or searches may hold a NUL character (PostgreSQL refuses
            # it): refused here, for every endpoint, before it reaches a query.
            nul = say("The request contains a NUL character.")
            return error_response(request, 400, "invalid", nul)
        if request.path.startswith("/api/") and _has_lone_surrogate(request):
            # Nor half of a UTF-16 pair (`\ud800` alone), which no UTF-8 text can hold.
            half = say("The request contains a character that is not Unicode text.")
            return error_response(request, 400, "invalid", half)
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = {
                404: say("There is no such API address; see %(docs)s.", docs="/api/v1/docs"),
                405: say(
                    "%(method)s is not allowed here; see %(docs)s.",
                    method=request.method,
                    docs="/api/v1/docs",
                ),
            }.get(status, response.reason_phrase or "Request refused.")
            replaced = error_response(request, status, self.CODES.get(status, "error"), message)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response


def _has_lone_surrogate(request: HttpRequest) -> bool:
    """Whether a JSON body escapes half of a UTF-16 surrogate pair without the other half."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type != "application/json":
        return False
    try:
        body = request.body
    except RequestDataTooBig:
        return False
    if b"\\ud" not in body.lower():
        return False  # no surrogate escaped at all (the common case, decided without parsing)
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False  # not JSON, or too deep: the view answers that
    return False


def _has_nul(request: HttpRequest) -> bool:
    """Whether the query string or a JSON body carries a NUL character (raw or as \\u0000)."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json":
        try:
            body = request.body
        except RequestDataTooBig:  # left to the view, which answers 413
            return False
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False
