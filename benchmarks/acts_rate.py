"""Benchmark 1 — acts per second through `core.acts.perform()` on PostgreSQL, 1 and 8 concurrent
clients, adding a participant (`registry.participant.add`); baseline: a bare INSERT + COMMIT of a
row the size of that act's event, on the same server in the same run.

It runs with ICJIS_ENV=test, so `clock.now()` is the simulation clock, whose offset lives in the
database; since the issue 8 performance pass that offset is read inside the act's head-lock
statement, so it adds no round trip and the act makes the same round trips as in production
(which reads no clock row): 7 on PostgreSQL with its BEGIN and COMMIT, the look-up of persons
born the same day included (tests/core/test_act_round_trips.py)."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import time
from typing import Any

import psycopg

from benchmarks.common import Figure, Results, progress


def participant(rng: random.Random, i: int) -> dict[str, Any]:
    """A witness or victim, new to the index, with a synthetic name (`core.synthetic_names`, as
    the seeded persons have) and birth date."""
    from icjis.registry.seed import synthetic_person

    return {"role": rng.choice(["witness", "victim"]), "person": synthetic_person(rng)}


def new_case(region_suffix: str = "") -> str:
    from icjis.core import acts
    from icjis.core.models import User

    registrar = User.objects.get(username=f"registrar{region_suffix}")
    return acts.perform(
        registrar,
        "registry.report.register",
        {"channel": "in_person", "summary": "Кража телефона", "place": {"region": "KG-GB"}},
    ).result["case"]


def _act_client(case: str, seconds: float, seed: int, barrier: Any, out: Any) -> None:
    from django.db import connections

    from icjis.core import acts
    from icjis.core.models import User

    connections.close_all()  # a fresh connection per process, never the parent's
    user = User.objects.get(username="investigator")
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    barrier.wait()
    done = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        acts.perform(user, "registry.participant.add", participant(rng, done), case=case)
        done += 1
    out.put(done)


def _insert_client(url: str, row_bytes: int, seconds: float, barrier: Any, out: Any) -> None:
    payload = "x" * row_bytes
    with psycopg.connect(url) as conn:
        barrier.wait()
        done = 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            conn.execute(
                "INSERT INTO bench_bare_insert (stream, seq, data) VALUES (%s, %s, %s)",
                (f"s/{os.getpid()}", done, payload),
            )
            conn.commit()
            done += 1
    out.put(done)


def _run(target: Any, args_for: Any, clients: int, seconds: float) -> float:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), barrier, out)) for i in range(clients)]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)
    started = time.perf_counter()
    total = sum(out.get(timeout=seconds + 120) for _ in procs)
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"a benchmark client failed (exit {p.exitcode})")
    return total / elapsed


def event_row_bytes() -> int:
    from icjis.core.models import Event

    e = Event.objects.filter(kind="registry.participant.add").order_by("-id").first()
    assert e is not None
    texts = [e.stream, e.kind, e.data, e.actor, e.actor_agency, e.actor_unit, e.actor_role]
    texts += [e.legal_basis, e.rule_pack, e.prev_hash, e.hash]
    return sum(len(t.encode()) for t in texts) + 8 * 4  # + seq, times, flags


def run(results: Results, url: str, seconds: float) -> None:
    from django.db import connection, connections

    cases = [new_case() for _ in range(8)]
    # One act first, so the baseline row is the size of a real participant event.
    from icjis.core import acts
    from icjis.core.models import User

    acts.perform(
        User.objects.get(username="investigator"),
        "registry.participant.add",
        participant(random.Random(0), 0),  # noqa: S311
        case=cases[0],
    )
    row_bytes = event_row_bytes()
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_bare_insert (id bigserial PRIMARY KEY, stream text, seq int, "
            "recorded_at timestamptz DEFAULT now(), data text)"
        )
    connections.close_all()
    for clients in (1, 8):
        started = time.perf_counter()
        progress(f"bare INSERT + COMMIT, {clients} client(s), {seconds:.0f}s")
        bare = _run(_insert_client, lambda i: (url, row_bytes, seconds), clients, seconds)
        progress(f"perform(registry.participant.add), {clients} client(s), {seconds:.0f}s")
        rate = _run(_act_client, lambda i: (cases[i], seconds, 1000 + i), clients, seconds)
        connections.close_all()
        fig = Figure(
            name=f"acts/s through perform(), {clients} client(s)",
            value=rate,
            unit="acts/s",
            baseline=bare,
            baseline_name=f"bare INSERT+COMMIT of a {row_bytes}-byte row",
            target="ratio >= 0.25",
            seconds=time.perf_counter() - started,
            details={"clients": clients, "cases": "one per client"},
        )
        fig.met = (fig.ratio or 0) >= 0.25
        results.add(fig)
