"""Appending to the ledger and verifying it.

Each stream (`case/<number>`, `person/<id>`, `access/<username>` …) is a hash chain: event n
carries the hash of event n-1, and its own hash covers every field. Appending locks the stream's
head row inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.encoder import encode_basestring  # what `canonical.dumps` uses for text
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


# The hashed fields of an event, in hash order: what `event_hash` encodes, the verifiers read and
# the append statement writes (before `hash`).
HASHED = (
    "stream",
    "seq",
    "kind",
    "data",
    "actor",
    "actor_agency",
    "actor_unit",
    "actor_role",
    "recorded_at",
    "claimed_at",
    "legal_basis",
    "rule_pack",
    "corrects",
    "simulated",
    "prev_hash",
)


def canonical_fields(event: Event) -> list[Any]:
    """The hashed fields of `event` as the canonical encoding takes them (times as ISO text)."""
    values = [getattr(event, name) for name in HASHED]
    values[8], values[9] = iso(event.recorded_at), iso(event.claimed_at)
    return values


def event_body(event: Event) -> bytes:
    """The canonical encoding of every hashed field of `event`: the bytes `hash` covers."""
    return dumps(canonical_fields(event)).encode()


def event_hash(event: Event) -> str:
    """SHA-256 over the canonical encoding of every field of `event` and its `prev_hash`."""
    return sha256_hex(event_body(event))


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
    outbox: Sequence[tuple[Any, ...]] = (),
) -> Event:
    """Append one event to `stream`. Call inside `transaction.atomic()`; pass the head when the
    caller has already locked it. `recorded_at` is the server clock; only the bulk seeder,
    which runs the clock itself, passes one. `outbox` holds the event's outbox rows without the
    event id, in `OUTBOX_COLUMNS` order (`acts.outbox_rows`): written with the event, on
    PostgreSQL in the same statement."""
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
    event.body = event_body(event)
    event.hash = sha256_hex(event.body)
    if connection.vendor == "postgresql":
        _insert_and_move_head(event, outbox)
        head.seq, head.hash = event.seq, event.hash
    else:
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
        if outbox:
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO core_outboxmessage ({OUTBOX_COLUMNS}) "  # noqa: S608
                    f"VALUES {_rows_sql(outbox, '%s')}",
                    [v for row in outbox for v in (event.pk, *row)],
                )
    return event


OUTBOX_COLUMNS = (
    "event_id, target, topic, state, attempts, next_attempt_at, last_error, delivered_at, alerted"
)


def _rows_sql(rows: Sequence[tuple[Any, ...]], event_id: str) -> str:
    """VALUES rows for `OUTBOX_COLUMNS`: `event_id` (SQL) then one parameter per value."""
    return ", ".join("(" + ", ".join([event_id] + ["%s"] * len(row)) + ")" for row in rows)


# The event row, its stream's head and its outbox rows in one statement (one round trip instead
# of three). The caller holds the head's lock, so nothing moves the head between the lock and
# this update.
_PG_APPEND = """
    WITH new_event AS (
        INSERT INTO core_event (stream, seq, kind, data, actor, actor_agency, actor_unit,
            actor_role, recorded_at, claimed_at, legal_basis, rule_pack, corrects, simulated,
            prev_hash, hash, body)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING id
    ), moved AS (
        UPDATE core_streamhead SET seq = %s, hash = %s WHERE stream = %s RETURNING 1
    ){outbox}
    SELECT (SELECT id FROM new_event), (SELECT count(*) FROM moved)
"""
_PG_OUTBOX = ", queued AS (INSERT INTO core_outboxmessage ({columns}) VALUES {rows})"


def _insert_and_move_head(event: Event, outbox: Sequence[tuple[Any, ...]]) -> None:
    queued = ""
    if outbox:
        rows = _rows_sql(outbox, "(SELECT id FROM new_event)")
        queued = _PG_OUTBOX.format(columns=OUTBOX_COLUMNS, rows=rows)
    with connection.cursor() as cur:
        cur.execute(
            _PG_APPEND.format(outbox=queued),
            [
                *(getattr(event, name) for name in HASHED),
                event.hash,
                event.body,
                event.seq,
                event.hash,
                event.stream,
                *(v for row in outbox for v in row),
            ],
        )
        event_id, moved = cur.fetchone()
    if moved != 1:
        raise RuntimeError(f"{event.stream}: the stream head is missing; nothing appended")
    event.pk = event_id
    event._state.adding = False
    event._state.db = connection.alias


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


_ZERO = timedelta(0)


def _iso_json(moment: datetime | str | None) -> str:
    """`canonical.iso` of a time as JSON. PostgreSQL gives the time already in that form (see
    `_PG_ROWS`); otherwise an aware datetime, encoded without strftime when it is UTC."""
    if moment is None:
        return "null"
    if isinstance(moment, str):
        return '"' + moment + '"'
    if moment.utcoffset() != _ZERO or moment.year < 1000:
        return encode_basestring(str(iso(moment)))
    return '"' + moment.replace(tzinfo=None).isoformat(timespec="microseconds") + 'Z"'


def canonical_row(row: tuple[Any, ...]) -> str:
    """`dumps` of the hashed fields given as a tuple in `HASHED` order (no model instance): the
    same bytes as `event_hash` encodes, built without the generic encoder. Every value here is
    text, an integer, None, a bool or a time, so each is encoded directly."""
    (
        stream,
        seq,
        kind,
        data,
        actor,
        agency,
        unit,
        role,
        recorded_at,
        claimed_at,
        legal_basis,
        rule_pack,
        corrects,
        simulated,
        prev_hash,
    ) = row
    esc = encode_basestring
    return (
        f"[{esc(stream)},{int(seq)},{esc(kind)},{esc(data)},{esc(actor)},"
        f"{esc(agency)},{esc(unit)},{esc(role)},{_iso_json(recorded_at)},{_iso_json(claimed_at)},"
        f"{esc(legal_basis)},{esc(rule_pack)},{'null' if corrects is None else int(corrects)},"
        f"{'true' if simulated else 'false'},{esc(prev_hash)}]"
    )


# PostgreSQL formats `recorded_at` as `canonical.iso` does (UTC, microseconds, 'Z'), which spares
# parsing a datetime per event; the year unpadded ('FM'), as strftime's %Y wrote it below 1000.
# `claimed_at` (a real-world time a user gave, rarely present) is read as a datetime.
_PG_ROWS = """
    SELECT id, stream, seq, kind, data, actor, actor_agency, actor_unit, actor_role,
           to_char(recorded_at AT TIME ZONE 'UTC', 'FMYYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           claimed_at, legal_basis, rule_pack, corrects, simulated, prev_hash, hash
    FROM core_event WHERE id > %s ORDER BY id LIMIT %s
"""


def iter_hashed_rows(batch: int = 20000) -> Iterator[tuple[Any, ...]]:
    """(id, *HASHED, hash) of every event in insertion order, as plain tuples in keyset batches
    (constant memory, no model instances)."""
    last_id = 0
    columns = ("id", *HASHED, "hash")
    while True:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(_PG_ROWS, [last_id, batch])
                page = cur.fetchall()
        else:
            page = list(
                Event.objects.filter(id__gt=last_id).order_by("id").values_list(*columns)[:batch]
            )
        if not page:
            return
        yield from page
        last_id = page[-1][0]


def verify_chains() -> tuple[dict[str, tuple[int, str]], list[Fault]]:
    """Recompute every chain. Returns the heads found (in stream order) and the first fault of
    each bad stream (in the order the walk meets them)."""
    heads: dict[str, tuple[int, str]] = {}
    faults: list[Fault] = []
    bad: set[str] = set()
    sha256 = hashlib.sha256
    no_head = (0, GENESIS)
    for row in iter_hashed_rows():
        stream = row[1]
        if stream in bad:
            continue
        seq, prev = heads.get(stream, no_head)
        found_seq, prev_hash, found_hash = row[2], row[15], row[16]
        problem = None
        if found_seq != seq + 1:
            problem = f"expected seq {seq + 1}, found seq {found_seq} (removed or reordered)"
        elif prev_hash != prev:
            problem = "prev_hash does not match the previous event (reordered or replaced)"
        elif sha256(canonical_row(row[1:16]).encode()).hexdigest() != found_hash:
            problem = "the event's content does not match its hash (altered)"
        if problem:
            faults.append(Fault(stream, seq + 1, problem))
            bad.add(stream)
            continue
        heads[stream] = (found_seq, found_hash)
    return dict(sorted(heads.items())), faults


def head_rows(batch: int = 10000) -> Iterator[tuple[str, int, str]]:
    """(stream, seq, hash) of every stream head past seq 0, in stream order, from one plain
    cursor: the rows are no more than the heads the caller already holds in memory, and the
    ORM's server-side cursor spent more on its round trips than the comparison itself."""
    with connection.cursor() as cur:
        cur.execute("SELECT stream, seq, hash FROM core_streamhead WHERE seq > 0 ORDER BY stream")
        while rows := cur.fetchmany(batch):
            yield from rows


def check_heads(
    heads: dict[str, tuple[int, str]], rows: Iterable[tuple[str, int, str]] | None = None
) -> list[Fault]:
    """Compare recomputed chain ends with the stream-head table (a cut stream shows here): its
    `rows` (`head_rows`), read now unless the caller read them already in the same snapshot."""
    faults = []
    for stream, seq, hash_ in head_rows() if rows is None else rows:
        found = heads.get(stream)
        if found is None or found[0] < seq:
            have = found[0] if found else 0
            faults.append(
                Fault(stream, have + 1, f"stream ends at seq {have} but its head is {seq}")
            )
        elif found != (seq, hash_):
            faults.append(Fault(stream, seq, "head hash differs from the chain"))
    return faults
