"""Benchmark 7 — statistics: events per second through the fold that computes every figure
from the ledger (`analytics.fold.compute`, what a provisional month, a publication and
`icjis statistics --check` each run); baseline: the same events fetched by the same chunked
query and their data decoded, with no figure computed, in the same run. The ratio says what the
figures cost above reading the record at all; each the best of `REPEAT` runs, in turns.

It runs on the ledger the growth scenario left (bulk-seeded pre-trial cases); alone, it first
bulk-seeds `MIN_CASES` cases, so that there is something to count."""

from __future__ import annotations

import json
import time

from benchmarks.common import Figure, Results, progress

MIN_CASES = 5_000
REPEAT = 3


def run(results: Results) -> None:
    from benchmarks.growth import bulk
    from icjis.analytics.fold import compute, events_before
    from icjis.core import clock
    from icjis.core.models import Case

    have = Case.objects.count()
    if have < MIN_CASES:
        progress(f"bulk-seeding {MIN_CASES - have:,} cases to count")
        bulk(MIN_CASES - have, seed=7)
    cut = clock.now()
    fold_times, read_times, events, rows = [], [], 0, 0
    for i in range(REPEAT):
        t0 = time.perf_counter()
        read = 0
        for e in events_before(cut):
            json.loads(e.data)
            read += 1
        read_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        figures = compute(cut)
        fold_times.append(time.perf_counter() - t0)
        events, rows = figures.events, len(figures.rows())
        assert read == events, (read, events)
        progress(f"    run {i + 1}/{REPEAT}: {events:,} events, fold {fold_times[-1]:.2f}s")
    best_fold, best_read = min(fold_times), min(read_times)
    results.add(
        Figure(
            name=f"statistics fold ({Case.objects.count():,} cases)",
            value=events / best_fold,
            unit="events/s",
            baseline=events / best_read,
            baseline_name="the same events fetched and decoded, no figures",
            seconds=sum(fold_times) + sum(read_times),
            details={
                "events read": events,
                "rows of figures": rows,
                "one full computation, s": round(best_fold, 2),
            },
        )
    )
