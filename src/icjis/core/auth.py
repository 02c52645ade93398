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
from django.db import connection
from django.db.models import Field, Model
from django.http import HttpRequest

from icjis.core import clock
from icjis.core.canonical import sha256_hex
from icjis.core.models import ApiToken, LoginAttempt, Territory, Unit, User
from icjis.core.refusals import say


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
    """Why a login is refused: `reason` is made by `core.refusals.say`, so that the login page can
    say it in the reader's language (the API in the language its caller asks for)."""

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
            say(
                "This account is locked after %(failures)s failed attempts; "
                "try again in %(minutes)s minutes or ask an administrator.",
                failures=settings.LOCKOUT_FAILURES,
                minutes=settings.LOCKOUT_WINDOW_MINUTES,
            )
        )
    user = User.objects.filter(username=username, is_active=True).first()
    ok = user is not None and user.check_password(password)
    if ok and user is not None and not totp_ok(user, otp):
        LoginAttempt.objects.create(
            username=username, at=clock.wall(), success=False, channel=channel
        )
        raise LoginRefused(say("A valid one-time code from your authenticator app is required."))
    LoginAttempt.objects.create(username=username, at=clock.wall(), success=ok, channel=channel)
    if not ok or user is None:
        raise LoginRefused(say("Wrong username or password."))
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
    """The active user of an unexpired token, with their unit and its territory (which the access
    rules read). Asked on every API request, so written as one plain query: composing the same
    select_related queryset cost ~3-4 ms of Python per request, the query itself ~0.3 ms."""
    with connection.cursor() as cur:
        cur.execute(_TOKEN_USER, [sha256_hex(token), clock.wall()])
        row = cur.fetchone()
    if row is None:
        return None
    n_user, n_unit = len(_fields(User)), len(_fields(Unit))
    user = _instance(User, row[:n_user])
    unit = _instance(Unit, row[n_user : n_user + n_unit])
    Unit.territory.field.set_cached_value(unit, _instance(Territory, row[n_user + n_unit :]))
    User.unit.field.set_cached_value(user, unit)
    return user


def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(model._meta.concrete_fields)


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in _fields(model))


# Column names come from the models; the values are parameters.
_TOKEN_USER = f"""
    SELECT {_columns(User, "u")}, {_columns(Unit, "n")}, {_columns(Territory, "r")}
    FROM core_apitoken t
    JOIN core_user u ON u.id = t.user_id
    JOIN core_unit n ON n.code = u.unit_id
    JOIN core_territory r ON r.code = n.territory_id
    WHERE t.key_hash = %s AND t.expires_at > %s AND u.is_active
"""  # noqa: S608
_CONVERTERS: dict[tuple[str, type[Model]], list[list[Any]]] = {}


def _instance(model: type[Model], values: tuple[Any, ...]) -> Any:
    """A model instance from its concrete columns' values, converted as the ORM converts them
    (the backend's converters, then the field's: JSON text, SQLite's times and booleans)."""
    key = (connection.vendor, model)
    if key not in _CONVERTERS:
        cols = [f.get_col(model._meta.db_table) for f in _fields(model)]
        _CONVERTERS[key] = [
            [
                (c, conv)
                for conv in connection.ops.get_db_converters(c) + c.get_db_converters(connection)
            ]
            for c in cols
        ]
    converted = []
    for value, converters in zip(values, _CONVERTERS[key], strict=True):
        for col, conv in converters:
            value = conv(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in _fields(model)], converted)
