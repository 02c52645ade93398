"""Benchmarks 3 and 6 — growth and seeding.

The database is grown in steps by `icjis seed`'s own path (`core.seeding.seed`: every act through
`perform`, so chains, projections and deadlines are real, committed in batches). At each step:
the act rate (one client adding participants) and the overdue-deadlines query for a unit
(`Deadline.objects.in_state("missed", now)` filtered by the unit, first page, and the
`/oversight/deadlines` list of the unit's head) — p50/p95 over repeated runs. The seeding rate
of each step is benchmark 6. There is no faster bulk path: see RESULTS.md for the scale this
allows and what 1M cases would take at the measured rate.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import Figure, Results, progress, summary_ms


def act_rate(seconds: float, case: str) -> float:
    from benchmarks.acts_rate import participant
    from icjis.core import acts
    from icjis.core.models import User

    user = User.objects.get(username="investigator")
    rng = random.Random(7)  # noqa: S311
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        acts.perform(user, "registry.participant.add", participant(rng, done), case=case)
        done += 1
    return done / (time.perf_counter() - start)


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


def run(results: Results, steps: list[int], act_seconds: float, seed: int = 1) -> None:
    from benchmarks.acts_rate import new_case
    from icjis.core import seeding
    from icjis.core.models import Case, Event
    from icjis.legal.models import Deadline

    rates: dict[int, float] = {}
    seeded_total = 0.0
    seeded_cases = 0
    for step in steps:
        have = Case.objects.count()
        want = max(0, step - have)
        started = time.perf_counter()
        if want:
            progress(f"seeding {want} cases through acts (to {step})")
            if seeded_cases:
                minutes = want / (seeded_cases / seeded_total) / 60
                progress(f"    at the rate measured so far this takes about {minutes:.0f} min")
            t0 = time.perf_counter()

            def report(r: seeding.SeedReport, t0: float = t0, want: int = want) -> None:
                rate = r.cases / max(time.perf_counter() - t0, 1e-6)
                progress(f"    {r.cases}/{want} cases, {r.acts} acts, {rate:.1f} cases/s")

            r = seeding.seed(want, seed + step, progress=report)
            took = time.perf_counter() - t0
            seeded_total += took
            seeded_cases += r.cases
            results.add(
                Figure(
                    name=f"seeding through acts, to {step} cases",
                    value=r.cases / took,
                    unit="cases/s",
                    seconds=took,
                    details={"cases": r.cases, "acts": r.acts, "refused": r.refused},
                )
            )
        case = new_case()
        progress(f"at {Case.objects.count()} cases: act rate and the overdue query")
        rate = act_rate(act_seconds, case)
        rates[step] = rate
        raw, listed, found = overdue_latencies(60)
        fig = Figure(
            name=f"growth at {Case.objects.count()} cases: acts/s (1 client)",
            value=rate,
            unit="acts/s",
            baseline=rates[steps[0]],
            baseline_name=f"act rate at the first step ({steps[0]} cases)",
            target="ratio >= 0.8 at the largest scale",
            seconds=time.perf_counter() - started,
            details={
                "events": Event.objects.count(),
                "deadlines": Deadline.objects.count(),
                "missed_in_unit_first_page": found,
                "overdue_query_for_a_unit": summary_ms(raw),
                "oversight_deadlines_list_missed": summary_ms(listed),
            },
        )
        fig.met = (fig.ratio or 0) >= 0.8 if step == steps[-1] else None
        results.add(fig)
        if step == steps[-1]:
            p95 = summary_ms(raw)["p95_ms"]
            results.add(
                Figure(
                    name=f"overdue query for a unit at {Case.objects.count()} cases, p95",
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
                name="seeding rate (the only seeding path: acts through perform, batched)",
                value=rate,
                unit="cases/s",
                seconds=seeded_total,
                details={"1M cases would take (hours)": round(1_000_000 / rate / 3600, 1)},
            )
        )
