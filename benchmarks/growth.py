"""Benchmarks 3 and 6 — growth and seeding.

The database is grown in steps (default: SCALE/100, SCALE/10, SCALE cases; `make bench
SCALE=1000000` gives 10k, 100k and 1M) by the bulk path (`icjis seed --bulk`, `core.bulk_seed`:
one pre-trial story per case, events and projections written in batches exactly as the acts
would, then VACUUM and ANALYZE), and a CHECKPOINT writes out what the load left dirty before the
step is measured. At each step: the act rate (one client adding participants; the best of three
windows, with what else the server was running at the end of each) and the
overdue-deadlines query for a unit (`Deadline.objects.in_state("missed", now)` filtered by the
unit, first page, and the `/oversight/deadlines` list of the unit's head) — p50/p95 over
repeated runs. Benchmark 6 is the bulk path's rate in cases/s and events/s, beside the old path
(`core.seeding.seed`, every act through `perform`) measured on a few cases in the same run.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import Figure, Results, progress, summary_ms

# Each step's act rate is the best of this many windows of `seconds`, one after the other: this
# machine's speed drifts by half over tens of seconds, and the steps are measured tens of minutes
# apart, so one window per step compared one spell of the machine with another.
WINDOWS = 3


def act_rate(seconds: float, case: str, seed: int) -> tuple[list[float], list[list[str]]]:
    """Participants added for `seconds`, each a new person, in `WINDOWS` windows: the rate of
    each, and what else the server was running at the end of each (autovacuum workers, other
    active backends), which shares the two cores with the act. Each step passes its own
    `seed`: with one seed for every step, each step added the very persons of the steps before
    it (the same names and birth days), and every one of them was flagged as a possible
    duplicate of its earlier copies, work that the first step did not have."""
    from benchmarks.acts_rate import participant
    from icjis.core import acts
    from icjis.core.models import User

    user = User.objects.get(username="investigator")
    rng = random.Random(seed)  # noqa: S311
    done = 0
    rates: list[float] = []
    busy: list[list[str]] = []
    for _ in range(WINDOWS):
        counted = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            acts.perform(user, "registry.participant.add", participant(rng, done), case=case)
            done += 1
            counted += 1
        rates.append(counted / (time.perf_counter() - start))
        busy.append(server_busy())
    return rates, busy


def server_busy() -> list[str]:
    """The server's other active processes just now: their backend types, and for autovacuum
    workers the table (no client's query text: it could carry data)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT CASE WHEN backend_type = 'autovacuum worker' THEN query ELSE backend_type END "
            "FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND (state = 'active' OR backend_type = 'autovacuum worker')"
        )
        return [what for (what,) in cur.fetchall()]


def settle() -> None:
    """Write out the pages a bulk load left dirty (CHECKPOINT) before a step is measured, so no
    step's act rate pays for the load before it; the seeder has vacuumed what it wrote."""
    from django.db import connection

    progress("checkpoint before measuring")
    with connection.cursor() as cur:
        cur.execute("CHECKPOINT")


def overdue_latencies(repeats: int) -> tuple[list[float], list[float], int]:
    from icjis.core import clock
    from icjis.core.models import Case, User
    from icjis.legal.models import Deadline
    from icjis.registry import oversight

    head = User.objects.get(username="unit_head")
    unit = head.unit_id
    now = clock.now()
    raw: list[float] = []
    listed: list[float] = []
    found = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = list(
            Deadline.objects.in_state("missed", now).filter(unit_id=unit).order_by("due_at")[:50]
        )
        raw.append(time.perf_counter() - t0)
        found = len(rows)
        t0 = time.perf_counter()
        list(oversight.deadlines(head, now, state="missed")[:50])
        listed.append(time.perf_counter() - t0)
    assert Case.objects.exists()
    return raw, listed, found


def through_acts(results: Results, cases: int, seed: int) -> float:
    """The old seeding path on a few cases: the baseline of benchmark 6."""
    from icjis.core import seeding

    progress(f"baseline: seeding {cases} cases through acts (core.seeding)")
    t0 = time.perf_counter()
    r = seeding.seed(cases, seed)
    took = time.perf_counter() - t0
    results.add(
        Figure(
            name=f"seeding through acts ({r.cases} cases)",
            value=r.cases / took,
            unit="cases/s",
            seconds=took,
            details={"acts": r.acts, "acts/s": round(r.acts / took, 1), "refused": r.refused},
        )
    )
    return r.cases / took


def bulk(want: int, seed: int) -> tuple[float, int, int]:
    """Bulk-seed `want` cases; (seconds, cases, events), with progress on stderr."""
    from icjis.core import bulk_seed

    t0 = time.perf_counter()
    last = [t0]

    def report(r: bulk_seed.BulkReport) -> None:
        now = time.perf_counter()
        if now - last[0] >= 15 or r.cases >= want:
            last[0] = now
            took = max(now - t0, 1e-6)
            progress(
                f"    {r.cases:,}/{want:,} cases, {r.events:,} events, {r.cases / took:,.0f} "
                f"cases/s, {took:,.0f}s"
            )

    r = bulk_seed.seed(want, seed, progress=report)
    return time.perf_counter() - t0, r.cases, r.events


def run(
    results: Results, steps: list[int], act_seconds: float, seed: int = 1, baseline: int = 100
) -> None:
    import os

    from benchmarks.acts_rate import new_case
    from icjis.core.models import Case, Event
    from icjis.legal.models import Deadline

    acts_rate = through_acts(results, baseline, seed)
    rates: dict[int, float] = {}
    seeded_total = 0.0
    seeded_cases = 0
    seeded_events = 0
    for step in steps:
        have = Case.objects.count()
        want = max(0, step - have)
        started = time.perf_counter()
        if want:
            progress(f"bulk-seeding {want:,} cases (to {step:,})")
            if seeded_cases:
                minutes = want / (seeded_cases / seeded_total) / 60
                progress(f"    at the rate measured so far this takes about {minutes:.0f} min")
            took, cases, events = bulk(want, seed + step)
            seeded_total += took
            seeded_cases += cases
            seeded_events += events
            results.add(
                Figure(
                    name=f"bulk seeding, to {step:,} cases",
                    value=cases / took,
                    unit="cases/s",
                    baseline=acts_rate,
                    baseline_name="seeding through acts, same run",
                    seconds=took,
                    details={
                        "cases": cases,
                        "events": events,
                        "events/s": round(events / took),
                        "load average after": [round(x, 2) for x in os.getloadavg()],
                    },
                )
            )
        settle()
        case = new_case()
        progress(f"at {Case.objects.count():,} cases: act rate and the overdue query")
        windows, busy = act_rate(act_seconds, case, seed=7 + step)
        rate = max(windows)
        rates[step] = rate
        raw, listed, found = overdue_latencies(60)
        fig = Figure(
            name=f"growth at {Case.objects.count():,} cases: acts/s (1 client)",
            value=rate,
            unit="acts/s",
            baseline=rates[steps[0]],
            baseline_name=f"act rate at the first step ({steps[0]:,} cases)",
            target="ratio >= 0.8 at the largest scale",
            seconds=time.perf_counter() - started,
            details={
                "act rate windows (acts/s)": [round(r, 1) for r in windows],
                "server busy at the end of each window": busy,
                "events": Event.objects.count(),
                "deadlines": Deadline.objects.count(),
                "missed_in_unit_first_page": found,
                "overdue_query_for_a_unit": summary_ms(raw),
                "oversight_deadlines_list_missed": summary_ms(listed),
                "load average": [round(x, 2) for x in os.getloadavg()],
            },
        )
        fig.met = (fig.ratio or 0) >= 0.8 if step == steps[-1] else None
        results.add(fig)
        if step == steps[-1]:
            p95 = summary_ms(raw)["p95_ms"]
            results.add(
                Figure(
                    name=f"overdue query for a unit at {Case.objects.count():,} cases, p95",
                    value=p95,
                    unit="ms",
                    target="< 20 ms p95",
                    met=p95 < 20,
                    details={"oversight list p95 ms": summary_ms(listed)["p95_ms"]},
                )
            )
    if seeded_cases:
        rate = seeded_cases / seeded_total
        results.add(
            Figure(
                name="bulk seeding rate (icjis seed --bulk), all steps",
                value=rate,
                unit="cases/s",
                baseline=acts_rate,
                baseline_name="seeding through acts, same run",
                seconds=seeded_total,
                details={
                    "events/s": round(seeded_events / seeded_total),
                    "1M cases would take (minutes)": round(1_000_000 / rate / 60, 1),
                    "1M cases through acts would take (hours)": round(
                        1_000_000 / acts_rate / 3600, 1
                    ),
                },
            )
        )
