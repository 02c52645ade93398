"""Session idle lock and security headers."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

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
                    return JsonResponse(
                        {"error": "unauthenticated", "message": "Your session was locked after "
                         f"{settings.IDLE_LOCK_MINUTES} minutes without activity; log in again."},
                        status=401,
                    )
                return redirect(f"{settings.LOGIN_URL}?idle=1&next={request.path}")
            request.session["last_seen"] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
