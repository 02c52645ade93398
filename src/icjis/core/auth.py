"""Authentication: argon2 passwords, TOTP, lock-out after repeated failures, API tokens.

Figures from the CJIS Security Policy: 5 failed attempts within 15 minutes lock the account
(settings LOCKOUT_FAILURES / LOCKOUT_WINDOW_MINUTES); API tokens expire (API_TOKEN_HOURS).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from icjis.core import clock
from icjis.core.canonical import sha256_hex
from icjis.core.models import ApiToken, LoginAttempt, User


def is_locked(username: str) -> bool:
    since = clock.wall() - timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)
    last_success = (
        LoginAttempt.objects.filter(username=username, success=True, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(username=username, success=False, at__gte=since)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    return failures.count() >= settings.LOCKOUT_FAILURES


def totp_ok(user: User, otp: str | None) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not devices.exists():
        return not settings.REQUIRE_TOTP
    if not otp:
        return False
    return any(d.verify_token(otp) for d in devices)


class LoginRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_credentials(username: str, password: str, otp: str | None, channel: str) -> User:
    """The user, if the credentials are right and the account is not locked; else LoginRefused.
    Every attempt is recorded."""
    username = username.strip()[:64]
    if is_locked(username):
        LoginAttempt.objects.create(
            username=username, at=clock.wall(), success=False, channel=channel
        )
        raise LoginRefused(
            f"This account is locked after {settings.LOCKOUT_FAILURES} failed attempts; "
            f"try again in {settings.LOCKOUT_WINDOW_MINUTES} minutes or ask an administrator."
        )
    user = User.objects.filter(username=username, is_active=True).first()
    ok = user is not None and user.check_password(password)
    if ok and user is not None and not totp_ok(user, otp):
        LoginAttempt.objects.create(
            username=username, at=clock.wall(), success=False, channel=channel
        )
        raise LoginRefused("A valid one-time code from your authenticator app is required.")
    LoginAttempt.objects.create(username=username, at=clock.wall(), success=ok, channel=channel)
    if not ok or user is None:
        raise LoginRefused("Wrong username or password.")
    return user


class LockoutBackend(BaseBackend):
    """Django authentication backend used by the login page."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str = "",
        password: str = "",
        otp: str | None = None,
        **_: Any,
    ) -> User | None:
        try:
            return check_credentials(username, password, otp, "web")
        except LoginRefused:
            return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


def issue_token(user: User) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = clock.wall() + timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(
        key_hash=sha256_hex(token), user=user, created_at=clock.wall(), expires_at=expires
    )
    return token, expires


def user_for_token(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user", "user__unit__territory")
        .filter(key_hash=sha256_hex(token), expires_at__gt=clock.wall(), user__is_active=True)
        .first()
    )
    return row.user if row else None
