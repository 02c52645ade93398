"""Benchmark 5 — ledger verification rate: `verify_chains()` (what `icjis verify-ledger` runs:
read every event in keyset batches, re-encode it canonically, SHA-256, compare the chain) in
events/s; baseline: bare SHA-256 over the same canonical bytes, held in memory, in the same run.

When the scenario runs without the growth scenario before it, the ledger holds only a few hundred
events, too few to measure a rate; it is then padded to `MIN_EVENTS` with synthetic events
appended through `ledger.append` (valid chains, ~700 bytes each, in `bench/...` streams that no
projection reads)."""

from __future__ import annotations

import hashlib
import time

from benchmarks.common import Figure, Results, progress

MIN_EVENTS = 20_000


def pad_ledger(total: int) -> None:
    import random

    from django.db import transaction

    from icjis.core.ledger import Actor, append
    from icjis.core.models import Event

    have = Event.objects.count()
    rng = random.Random(5)  # noqa: S311 - synthetic data, fixed seed
    actor = Actor("registrar", "MVD", "GB-UVD", "registrar")
    while have < total:
        with transaction.atomic():
            for _ in range(min(1000, total - have)):
                append(
                    f"bench/{rng.randint(1, 1500)}",
                    "bench.fact",
                    {
                        "person": {"id": "P0123456789AB", "surname": "Асанов", "sex": "M"},
                        "role": "witness",
                        "note": "ы" * rng.randint(100, 400),
                    },
                    actor,
                    legal_basis="CPC 40-58",
                )
                have += 1
        progress(f"    ledger at {have:,} events")


def run(results: Results) -> None:
    from icjis.core.canonical import dumps, iso
    from icjis.core.ledger import iter_events, verify_chains

    started = time.perf_counter()
    pad_ledger(MIN_EVENTS)
    progress("verifying every chain")
    t0 = time.perf_counter()
    heads, faults = verify_chains()
    verify_s = time.perf_counter() - t0
    count = sum(seq for seq, _ in heads.values())
    if faults:
        raise RuntimeError(f"the ledger does not verify: {faults[0]}")
    progress("collecting the canonical bytes of every event for the baseline")
    blobs = []
    for e in iter_events():
        fields = [
            e.stream,
            e.seq,
            e.kind,
            e.data,
            e.actor,
            e.actor_agency,
            e.actor_unit,
            e.actor_role,
            iso(e.recorded_at),
            iso(e.claimed_at),
            e.legal_basis,
            e.rule_pack,
            e.corrects,
            e.simulated,
            e.prev_hash,
        ]
        blobs.append(dumps(fields).encode())
    t0 = time.perf_counter()
    for blob in blobs:
        hashlib.sha256(blob).hexdigest()
    sha_s = time.perf_counter() - t0
    fig = Figure(
        name=f"ledger verification over {count:,} events",
        value=count / verify_s,
        unit="events/s",
        baseline=len(blobs) / sha_s,
        baseline_name="bare SHA-256 over the same bytes in memory",
        target="ratio >= 0.5",
        seconds=time.perf_counter() - started,
        details={
            "streams": len(heads),
            "verify_seconds": round(verify_s, 2),
            "mean_event_bytes": round(sum(map(len, blobs)) / max(len(blobs), 1)),
        },
    )
    fig.met = (fig.ratio or 0) >= 0.5
    results.add(fig)
