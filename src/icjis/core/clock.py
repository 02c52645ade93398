"""The one source of time.

Production: the system's UTC clock, which nothing can override. Demo and test: a simulation
clock — system time plus an offset kept in the database — moved only forward, by
`icjis clock set|advance`, so the seed generator and acceptance tests can live through legal terms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.conf import settings


class ClockRefused(Exception):
    """The clock may not be moved (production, or an attempt to move it backwards)."""


def wall() -> datetime:
    """System UTC time, for operational timing (retry back-off, idle locks) — never for acts."""
    return datetime.now(UTC)


def simulated() -> bool:
    return not settings.PRODUCTION


def _offset_us() -> int:
    from icjis.core.models import SimClock

    row = SimClock.objects.filter(pk=1).values_list("offset_us", flat=True).first()
    return row or 0


_override = threading.local()

# The simulation offset as a scalar subquery, for a caller that reads it within a statement it
# makes anyway (the act's head lock) instead of in a round trip of its own; see `reads_offset`.
OFFSET_SQL = "(SELECT offset_us FROM core_simclock WHERE id = 1)"


def reads_offset() -> bool:
    """Whether `now()` would read the simulation offset from the database (demo and test, when
    the seeder has not pinned the time); production never does."""
    return not settings.PRODUCTION and getattr(_override, "moment", None) is None


def now(offset_us: int | None = None) -> datetime:
    """The current time, timezone-aware UTC with microseconds. `offset_us` is the simulation
    offset when the caller has just read it (`OFFSET_SQL`); it is ignored where `reads_offset()`
    is false, so production time stays the system clock whatever a caller passes."""
    if settings.PRODUCTION:
        return datetime.now(UTC)
    pinned = getattr(_override, "moment", None)
    if pinned is not None:
        return pinned
    if offset_us is None:
        offset_us = _offset_us()
    return datetime.now(UTC) + timedelta(microseconds=offset_us)


@contextmanager
def running_at(moment: datetime) -> Iterator[None]:
    """Seeder only: let the simulation clock read `moment` in this thread. Refused in
    production. The seeder moves forward through time and leaves the database clock at its end."""
    if settings.PRODUCTION:
        raise ClockRefused("The clock cannot be moved in production.")
    previous = getattr(_override, "moment", None)
    _override.moment = moment
    try:
        yield
    finally:
        _override.moment = previous


def advance(delta: timedelta) -> datetime:
    """Move the simulation clock forward by `delta`."""
    if settings.PRODUCTION:
        raise ClockRefused("The clock cannot be moved in production.")
    if delta < timedelta(0):
        raise ClockRefused("The clock only moves forward: nothing may be back-dated.")
    from django.db import transaction

    from icjis.core.models import SimClock

    with transaction.atomic():
        row, _ = SimClock.objects.select_for_update().get_or_create(pk=1)
        row.offset_us += int(delta / timedelta(microseconds=1))
        row.save(update_fields=["offset_us"])
    return now()


def set_to(moment: datetime) -> datetime:
    """Move the simulation clock forward to `moment` (refused if that lies in its past)."""
    if moment.tzinfo is None:
        raise ClockRefused("Give the time with a timezone, e.g. 2026-12-01T09:00:00+06:00.")
    current = now()
    if moment < current:
        raise ClockRefused(
            f"The clock reads {current.isoformat()}; it cannot be set back to {moment.isoformat()}."
        )
    return advance(moment - current)


def parse_delta(text: str) -> timedelta:
    """'31d', '48h', '90m', '2w' → timedelta."""
    units = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    text = text.strip()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise ValueError(f"{text!r} is not a duration like 31d, 48h, 90m or 2w")
    return timedelta(**{units[text[-1]]: int(text[:-1])})
