"""Canonical JSON: the one byte encoding that hashes and signatures are computed over."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def dumps(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text (not \\u escapes), datetimes as ISO UTC."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def iso(moment: datetime | None) -> str | None:
    """An aware datetime as UTC ISO 8601 with microseconds ('2026-11-29T17:19:22.000001Z')."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the ledger")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def day_or_none(value: str | None) -> date | None:
    """A day recorded in an event as ISO text ('2027-07-15'), or None."""
    return date.fromisoformat(value) if value else None


def sha256_hex(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()
