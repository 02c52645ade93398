"""What the pages, the API and the command share: a month's figures — a published release's, or
provisional ones computed now — and the check of a release against the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icjis.analytics.fold import compute, digest, month_start, next_month
from icjis.analytics.metrics import BREAKDOWNS
from icjis.analytics.models import Release
from icjis.analytics.tables import Cell
from icjis.core import clock
from icjis.core.refusals import Forbidden, say

READERS = frozenset({"analyst", "auditor", "prosecutor", "ombudsperson"})
"""Who reads the statistics in full (small cells included) and provisional figures: the
analysts who publish them, the prosecutors who oversee state legal statistics (CPC 34(2)(1)),
the auditors, and the ombudsperson (detention and its clock). The public reads releases."""


@dataclass
class Month:
    period: str
    rows: list[Cell]
    cut: datetime
    events: int
    last_event: dict[str, Any]
    digest: str
    release: Release | None  # None: provisional, computed now from the ledger as it stands


def may_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*READERS)


def require_reader(user: Any) -> None:
    if not may_read(user):
        raise Forbidden(
            say(
                "Only analysts, prosecutors, auditors and the ombudsperson read the "
                "statistics in full; the public reads the published ones."
            )
        )


def release_rows(release: Release) -> list[Cell]:
    return [
        (f.metric, release.period, *(getattr(f, b) for b in BREAKDOWNS), f.measure, f.value)
        for f in release.figures.order_by("metric", *BREAKDOWNS, "measure")
    ]


def month(period: str) -> Month:
    """The published release of `period`, or — for a month not published (the current one
    included) — its figures computed now, marked provisional."""
    release = Release.objects.filter(period=period).first()
    if release is not None:
        rows = sorted(release_rows(release))
        return Month(
            period, rows, release.cut, release.events, release.last_event, release.digest, release
        )
    cut = min(clock.now(), month_start(next_month(period)))
    figures = compute(cut)
    rows = figures.rows(period)
    return Month(period, rows, cut, figures.events, figures.last or {}, digest(rows), None)


def check(release: Release) -> dict[str, Any]:
    """Compute the release's month again from the ledger, up to the same cut, and compare: the
    digest of the rows now, of the rows the release keeps, and the one its act recorded."""
    figures = compute(release.cut)
    again = sorted(figures.rows(release.period))
    kept = sorted(release_rows(release))
    recomputed = digest(again)
    stored = digest(kept)
    differ = sorted(set(again) ^ set(kept))
    return {
        "release": release.id,
        "period": release.period,
        "cut": release.cut,
        "recorded_digest": release.digest,
        "stored_digest": stored,
        "recomputed_digest": recomputed,
        "events_then": release.events,
        "events_now": figures.events,
        "matches": recomputed == stored == release.digest,
        "differences": [list(r) for r in differ[:50]],
    }
