"""Typed refusals: every act or request that cannot be done says why, in a sentence a clerk can
act on, and writes nothing."""

from __future__ import annotations


class Refusal(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class Invalid(Refusal):
    """The input is malformed or incomplete (HTTP 400)."""


class Unauthenticated(Refusal):
    """No valid credentials (HTTP 401)."""

    code = "unauthenticated"
    status = 401


class Forbidden(Refusal):
    """The user may see the object but may not do this (HTTP 403)."""

    code = "forbidden"
    status = 403


class NotFound(Refusal):
    """Unknown, or not visible to this user — the two look the same (HTTP 404)."""

    code = "not_found"
    status = 404


class Conflict(Refusal):
    """The procedure does not allow this act in the current state (HTTP 409)."""

    code = "conflict"
    status = 409
