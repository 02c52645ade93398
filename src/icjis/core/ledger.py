"""Appending to the ledger and verifying it.

Each stream (`case/<number>`, `person/<id>`, `access/<username>` …) is a hash chain: event n
carries the hash of event n-1, and its own hash covers every field. Appending locks the stream's
head row inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from icjis.core import clock
from icjis.core.canonical import dumps, iso, sha256_hex
from icjis.core.models import Event, StreamHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who performs an act, as they were at that moment."""

    username: str
    agency: str = ""
    unit: str = ""
    role: str = ""


SYSTEM = Actor(username="system", role="system")


def event_hash(event: Event) -> str:
    """SHA-256 over the canonical encoding of every field of `event` and its `prev_hash`."""
    fields = [
        event.stream,
        event.seq,
        event.kind,
        event.data,
        event.actor,
        event.actor_agency,
        event.actor_unit,
        event.actor_role,
        iso(event.recorded_at),
        iso(event.claimed_at),
        event.legal_basis,
        event.rule_pack,
        event.corrects,
        event.simulated,
        event.prev_hash,
    ]
    return sha256_hex(dumps(fields))


def lock_head(stream: str) -> StreamHead:
    """Lock (creating if new) the head row of `stream` until the transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger appends must run inside a transaction")
    StreamHead.objects.bulk_create([StreamHead(stream=stream)], ignore_conflicts=True)
    return StreamHead.objects.select_for_update().get(stream=stream)


def append(
    stream: str,
    kind: str,
    data: dict[str, Any],
    actor: Actor,
    *,
    head: StreamHead | None = None,
    recorded_at: datetime | None = None,
    claimed_at: datetime | None = None,
    legal_basis: str = "",
    rule_pack: str = "",
    corrects: int | None = None,
) -> Event:
    """Append one event to `stream`. Call inside `transaction.atomic()`; pass the head when the
    caller has already locked it. `recorded_at` is the server clock; only the bulk seeder,
    which runs the clock itself, passes one."""
    if head is None:
        head = lock_head(stream)
    event = Event(
        stream=stream,
        seq=head.seq + 1,
        kind=kind,
        data=dumps(data),
        actor=actor.username,
        actor_agency=actor.agency,
        actor_unit=actor.unit,
        actor_role=actor.role,
        recorded_at=recorded_at or clock.now(),
        claimed_at=claimed_at,
        legal_basis=legal_basis,
        rule_pack=rule_pack,
        corrects=corrects,
        simulated=clock.simulated(),
        prev_hash=head.hash or GENESIS,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class Fault:
    """The first thing found wrong in a stream."""

    stream: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.stream} seq {self.seq}: {self.problem}"


def iter_events(batch: int = 5000) -> Iterator[Event]:
    """Every event in insertion order, read in keyset batches (constant memory). Within one
    stream insertion order is seq order, because seq n+1 is taken only after n has committed."""
    last_id = 0
    while True:
        page = list(Event.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not page:
            return
        yield from page
        last_id = page[-1].id


def verify_chains() -> tuple[dict[str, tuple[int, str]], list[Fault]]:
    """Recompute every chain. Returns the heads found and the first fault of each bad stream."""
    heads: dict[str, tuple[int, str]] = {}
    faults: list[Fault] = []
    bad: set[str] = set()
    for event in iter_events():
        if event.stream in bad:
            continue
        seq, prev = heads.get(event.stream, (0, GENESIS))
        problem = None
        if event.seq != seq + 1:
            problem = f"expected seq {seq + 1}, found seq {event.seq} (removed or reordered)"
        elif event.prev_hash != prev:
            problem = "prev_hash does not match the previous event (reordered or replaced)"
        elif event_hash(event) != event.hash:
            problem = "the event's content does not match its hash (altered)"
        if problem:
            faults.append(Fault(event.stream, seq + 1, problem))
            bad.add(event.stream)
            continue
        heads[event.stream] = (event.seq, event.hash)
    return heads, faults


def check_heads(heads: dict[str, tuple[int, str]]) -> list[Fault]:
    """Compare recomputed chain ends with the stream-head table (a cut stream shows here)."""
    faults = []
    for row in StreamHead.objects.order_by("stream").iterator(chunk_size=5000):
        if row.seq == 0:
            continue
        found = heads.get(row.stream)
        if found is None or found[0] < row.seq:
            have = found[0] if found else 0
            faults.append(
                Fault(row.stream, have + 1, f"stream ends at seq {have} but its head is {row.seq}")
            )
        elif found != (row.seq, row.hash):
            faults.append(Fault(row.stream, row.seq, "head hash differs from the chain"))
    return faults
