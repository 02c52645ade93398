"""What the pages, the API and the command share: a month's figures — a published release's, or
provisional ones computed now — and the check of a release against the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icjis.analytics.fold import Figures, compute, digest, month_of, month_start, next_month
from icjis.analytics.metrics import BREAKDOWNS, METHOD, METRICS, Metric
from icjis.analytics.models import Release
from icjis.analytics.tables import Cell
from icjis.core import clock
from icjis.core.models import Event
from icjis.core.refusals import Forbidden, say

READERS = frozenset({"analyst", "auditor", "prosecutor", "ombudsperson"})
"""Who reads the statistics beyond the public page, provisional figures included: the analysts
who publish them, the auditors, the prosecutors who oversee state legal statistics (CPC
34(2)(1)), and the ombudsperson (detention and its clock). The public reads the releases."""
FULL_READERS = frozenset({"analyst", "auditor"})
"""Who reads every cell, however few persons it counts, by any breakdowns at once, and exports
the whole month. The other readers get tables by one breakdown at most, small cells withheld as
on the public page (`tables.withhold`): a prosecutor of a region or the ombudsperson may not read
the case files behind a cell of one or two persons."""
OMBUDSPERSON_METRICS = ("detention.",)


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


def full_reader(user: Any) -> bool:
    return may_read(user) and user.has_role(*FULL_READERS)


def readable_metrics(user: Any) -> list[Metric]:
    """The ombudsperson oversees places of detention: the detention figures alone."""
    if user.has_role(*(READERS - {"ombudsperson"})):
        return list(METRICS)
    return [m for m in METRICS if m.name.startswith(OMBUDSPERSON_METRICS)]


def require_reader(user: Any) -> None:
    if not may_read(user):
        raise Forbidden(
            say(
                "Only analysts, prosecutors, auditors and the ombudsperson read the "
                "statistics in full; the public reads the published ones."
            )
        )


def months_to_publish(now: datetime) -> list[str]:
    """The months that have ended long enough ago to be published (`acts.SETTLE`) and are not
    yet, from the month of the ledger's first event, oldest first."""
    from icjis.analytics.acts import SETTLE

    first = Event.objects.order_by("id").values_list("recorded_at", flat=True).first()
    if first is None:
        return []
    published = set(Release.objects.values_list("period", flat=True))
    out, period = [], month_of(first)
    while month_start(next_month(period)) + SETTLE <= now:
        if period not in published:
            out.append(period)
        period = next_month(period)
    return out


def release_rows(release: Release) -> list[Cell]:
    return [
        (f.metric, release.period, *(getattr(f, b) for b in BREAKDOWNS), f.measure, f.value)
        for f in release.figures.order_by("metric", *BREAKDOWNS, "measure")
    ]


def month(period: str, computed: Figures | None = None) -> Month:
    """The published release of `period`, or — for a month not published (the current one
    included) — its figures computed now, marked provisional (from `computed`, a computation
    up to the same cut, where the caller has one)."""
    release = Release.objects.filter(period=period).first()
    if release is not None:
        rows = sorted(release_rows(release))
        return Month(
            period, rows, release.cut, release.events, release.last_event, release.digest, release
        )
    now = computed.cut if computed is not None else clock.now()
    cut = min(now, month_start(next_month(period)))
    figures = computed if computed is not None and computed.cut == cut else compute(cut)
    rows = figures.rows(period)
    return Month(period, rows, cut, figures.events, figures.last or {}, digest(rows), None)


def check(release: Release) -> dict[str, Any]:
    """Compute the release's month again from the ledger, up to the same cut, and compare: the
    digest of the rows now, of the rows the release keeps, and the one its act recorded. A
    release made under other definitions (`metrics.METHOD`) is not comparable with what this
    code computes: `comparable` is then false and the figures are not recomputed (the rows kept
    are still checked against the digest recorded)."""
    kept = sorted(release_rows(release))
    stored = digest(kept)
    result: dict[str, Any] = {
        "release": release.id,
        "period": release.period,
        "cut": release.cut,
        "method": release.method,
        "comparable": release.method == METHOD,
        "recorded_digest": release.digest,
        "stored_digest": stored,
        "recomputed_digest": None,
        "events_then": release.events,
        "events_now": None,
        "matches": False,
        "differences": [],
    }
    if not result["comparable"]:
        return result
    figures = compute(release.cut)
    again = sorted(figures.rows(release.period))
    recomputed = digest(again)
    result.update(
        recomputed_digest=recomputed,
        events_now=figures.events,
        matches=recomputed == stored == release.digest,
        differences=[list(r) for r in sorted(set(again) ^ set(kept))[:50]],
    )
    return result
