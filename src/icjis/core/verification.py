"""Verifying every hash chain, inside PostgreSQL where the ledger lives there.

`ledger.verify_chains` is the reference: it reads every event into Python, re-encodes it and
hashes it. On PostgreSQL the same check runs in the database, one of two ways:

- While the body check is in force as installed (`dbtriggers.body_check_sound`), each event's
  stored bytes (`body`) are its columns' canonical encoding, so hashing them is the reference's
  content check. One query hashes them (`sha256`); another walks every chain in the order of
  its covering index (stream, seq), each event after the one before it. The two run at once
  where they can: most of the hashing on a second connection that shares this transaction's
  snapshot (`pg_export_snapshot`), the walk and then the rest of the hashing on this one. Only
  the streams either flags are then read by the reference query below.
- Otherwise (the check removed or changed, as only a superuser can), one query builds each
  event's canonical bytes from its columns (`CANONICAL_SQL`: exactly the bytes
  `ledger.event_hash` hashed), hashes them, and compares each event with the one before it in
  its stream (`lag()` in insertion order, as the reference walks it).

Either way only what the reference would act on comes back: the first bad event of a stream and
the last event of each stream. The faults, their order and the heads (in stream order) are the
reference's (tests/core/test_verification.py compares them after every kind of tampering, both
ways).

Elsewhere (SQLite) the reference runs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
from django.db import connection, transaction

from icjis.core import dbtriggers, ledger
from icjis.core.canonical_sql import CANONICAL_SQL
from icjis.core.ledger import GENESIS, Fault

Heads = dict[str, tuple[int, str]]

# Per event: is its hash its content's, and what came before it in its stream (insertion order,
# as `ledger.iter_hashed_rows` reads). The hashing runs below the window, in parallel workers.
# `{where}` narrows it to some streams (`_named_faults`).
_VERIFY = """
SELECT id, stream, seq, hash, prev_seq, prev_h, hash_ok, seq_ok, link_ok
FROM (
    SELECT id, stream, seq, hash, hash_ok,
           coalesce(lag(seq) OVER w, 0) AS prev_seq,
           coalesce(lag(hash) OVER w, '{genesis}') AS prev_h,
           seq::numeric = coalesce(lag(seq) OVER w, 0)::numeric + 1 AS seq_ok,
           prev_hash = coalesce(lag(hash) OVER w, '{genesis}') AS link_ok,
           lead(id) OVER w IS NULL AS last
    FROM (
        SELECT id, stream, seq, prev_hash, hash,
               encode(sha256(convert_to({canonical}, 'UTF8')), 'hex') = hash AS hash_ok
        FROM core_event{where}
        OFFSET 0
    ) hashed
    WINDOW w AS (PARTITION BY stream COLLATE "C" ORDER BY id)
) chained
WHERE last OR NOT (seq_ok AND link_ok AND hash_ok)
ORDER BY id
"""


def _verify_sql(where: str = "") -> str:
    return _VERIFY.format(genesis=GENESIS, canonical=CANONICAL_SQL, where=where)


VERIFY_SQL = _verify_sql()

# The fast path, while the body check is in force (`dbtriggers.body_check_sound`): each event's
# stored bytes are then its columns' canonical encoding, so hashing them is the reference's
# content check. Two queries, because hashing inside the chain's window would keep it from
# running in parallel:
# - the streams holding an event, in a range of ids, whose stored bytes do not hash to its hash;
_HASH_SQL = """
SELECT DISTINCT stream FROM core_event
WHERE id BETWEEN %s AND %s AND encode(sha256(body), 'hex') IS DISTINCT FROM hash
"""
# - every chain in the order of its index (stream, seq), read from the index alone: each event
#   follows the one before it (seq, prev_hash) and was inserted after it (id), so that insertion
#   order, which the reference walks, is seq order. Its seqs run 1, 2, 3 … exactly when each is
#   its row's number in the stream (`row_number`, cheaper than a second `lag`). Back come the
#   last event of every stream and any event out of line.
_CHAIN_SQL = f"""
SELECT stream, seq, hash, ok FROM (
    SELECT stream, seq, hash,
           seq = row_number() OVER w
               AND prev_hash = coalesce(lag(hash) OVER w, '{GENESIS}')
               AND id > coalesce(lag(id) OVER w, 0) AS ok,
           lead(seq) OVER w IS NULL AS last
    FROM core_event
    WINDOW w AS (PARTITION BY stream ORDER BY seq)
) chained
WHERE last OR NOT ok
"""  # noqa: S608 - assembled from this module's constants only

# The share of the hashing the second connection takes, while this one walks the chains and then
# hashes the rest: hashing an event in PostgreSQL costs about twice what walking past it does
# (`sha256` about 2 µs a call, the walk about 1 µs an event, on the machines of benchmarks/
# RESULTS.md), so with 70 % of the ids on the second connection both end at about the same time.
HELPER_SHARE = 0.7

# Parallel workers per query: with two connections busy, the cores beyond two, shared between
# them (none on a two-core machine, where a worker only takes a core from the other
# connection). The database is taken to run on a machine like this one.
PARALLEL_WORKERS = max(0, (os.cpu_count() or 2) // 2 - 1)
# With one connection busy (no second one, or the check built from the columns): the other
# cores, two at least, as before the hashing was shared.
ALONE_WORKERS = max(2, (os.cpu_count() or 2) - 1)

# Let the hashing spread over those workers whatever the table's size, and sort the narrow
# (stream, id) rows for the window in memory; no JIT compile for a query this shape.
_SETTINGS = {
    "jit": "off",
    "max_parallel_workers_per_gather": str(PARALLEL_WORKERS),
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0.001",
    "min_parallel_table_scan_size": "0",
    "work_mem": "128MB",
}


# One statement sets them (transaction-local) and returns what they were.
_SET_SETTINGS = (
    "SELECT current_setting(name), set_config(name, value, true) "
    "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS s (name, value, n) ORDER BY n"
)


@contextmanager
def _query_settings() -> Iterator[None]:
    """`_SETTINGS` for the statements inside, restored afterwards (they are transaction-local):
    one statement each way."""
    names, values = list(_SETTINGS), list(_SETTINGS.values())
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_SET_SETTINGS, [names, values])
        previous = [row[0] for row in cur.fetchall()]
        try:
            yield
        finally:
            cur.execute(
                "SELECT set_config(name, value, true) FROM unnest(%s::text[], %s::text[]) "
                "AS s (name, value)",
                [names, previous],
            )


def _problem(row: tuple) -> str:
    """The reference's words for the first thing wrong with this event (same order of checks)."""
    _, _, seq, _, prev_seq, _, hash_ok, seq_ok, link_ok = row
    if not seq_ok:
        return f"expected seq {prev_seq + 1}, found seq {seq} (removed or reordered)"
    if not link_ok:
        return "prev_hash does not match the previous event (reordered or replaced)"
    return "the event's content does not match its hash (altered)"


def _named_faults(rows: list[tuple]) -> tuple[Heads, list[Fault]]:
    """From `_VERIFY` rows: each stream's head and the first fault of each bad stream, in the
    order the reference meets them."""
    found: Heads = {}
    faults: list[Fault] = []
    bad: set[str] = set()
    for row in rows:
        _, stream, seq, hash_, prev_seq, prev_h, hash_ok, seq_ok, link_ok = row
        if stream in bad:
            continue
        if seq_ok and link_ok and hash_ok:  # the last event of a sound stream
            found[stream] = (seq, hash_)
            continue
        faults.append(Fault(stream, prev_seq + 1, _problem(row)))
        bad.add(stream)
        if prev_seq:  # the events before the bad one were sound: the chain ends there
            found[stream] = (prev_seq, prev_h)
    return found, faults


# A snapshot id as `pg_export_snapshot` gives it (hex words and a number joined by dashes): it is
# written into SET TRANSACTION SNAPSHOT, which takes no parameters.
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


def _exported_snapshot(cur) -> str | None:
    """This transaction's snapshot, for a second connection to read the same moment; None where
    it cannot be shared: inside a savepoint, outside REPEATABLE READ (each statement would read
    a moment of its own), or after this transaction wrote (a second connection would not see
    what it wrote)."""
    if any(connection.savepoint_ids):
        return None
    cur.execute(
        "SELECT CASE WHEN current_setting('transaction_isolation') "
        "IN ('repeatable read', 'serializable') AND pg_current_xact_id_if_assigned() IS NULL "
        "THEN pg_export_snapshot() END"
    )
    (exported,) = cur.fetchone()
    return exported


def _hash_flags_elsewhere(exported: str, params: dict, ids: tuple[int, int]) -> set[str] | None:
    """`_HASH_SQL` over the `ids` on a connection of its own, in the snapshot `exported`. None
    if it cannot
    start at once: no connection to be had, or the events table's lock queued behind another
    session's request for an exclusive one (the verifier's own connection holds the lock that
    request waits for, so waiting here would never end)."""
    if not _SNAPSHOT_ID.fullmatch(exported):
        raise ValueError(f"not a snapshot id: {exported!r}")
    try:
        helper = psycopg.connect(**params)
    except psycopg.OperationalError:
        return None
    with helper:  # closed on the way out
        helper.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        helper.read_only = True
        with helper.cursor() as cur:
            cur.execute(f"SET TRANSACTION SNAPSHOT '{exported}'")
            try:
                cur.execute("LOCK TABLE core_event IN ACCESS SHARE MODE NOWAIT")
            except psycopg.errors.LockNotAvailable:
                return None
            cur.execute(_SET_SETTINGS, [list(_SETTINGS), list(_SETTINGS.values())])
            cur.execute(_HASH_SQL, list(ids))
            return {stream for (stream,) in cur.fetchall()}


def _alone(cur) -> None:
    """Parallel workers for a query this connection runs with no second one busy (until the end
    of the transaction, where `_query_settings` restores the setting)."""
    cur.execute(
        "SELECT set_config('max_parallel_workers_per_gather', %s, true)", [str(ALONE_WORKERS)]
    )


def _hash_flags(cur, ids: tuple[int, int]) -> set[str]:
    """`_HASH_SQL` over the `ids` on this connection."""
    cur.execute(_HASH_SQL, list(ids))
    return {stream for (stream,) in cur.fetchall()}


# Every id an event can take (a bigint): the far ends of the hashing's ranges.
_ALL_IDS = (0, 2**63 - 1)


def _split(first: int, last: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The ids `first`..`last` in two ranges: this connection's (the lower) and the second
    connection's (the upper, `HELPER_SHARE` of them). Both ranges are open at their far ends,
    so that a query reading a later moment than the bounds were read at (as a second connection
    with a snapshot of its own would, which tests/core/test_verification.py rules out) would
    still meet every event committed since, whatever id it took."""
    mine = first - 1 + math.floor((last - first + 1) * (1 - HELPER_SHARE))
    return (_ALL_IDS[0], mine), (mine + 1, _ALL_IDS[1])


# The stream-head table's rows (`ledger.head_rows`), when the verification read them itself.
HeadRows = list[tuple[str, int, str]]


def _from_stored_bytes(
    cur, exported: str | None, early: dict[str, HeadRows] | None = None
) -> tuple[Heads, list[Fault]]:
    """The fast path: hash the stored bytes, walk the chains in index order, and name the faults
    of the streams either check flags with the reference query over those streams alone. With
    an `exported` snapshot a second connection hashes most of the events while this one walks
    the chains, and this one then hashes the rest (`HELPER_SHARE`): on two cores both are busy
    to the end. With `early`, the head table is read into it while the second connection is
    still hashing (this connection would otherwise wait idle)."""
    cur.execute("SELECT min(id), max(id) FROM core_event")
    first, last = cur.fetchone()
    if first is None:  # no events: nothing to hash or walk
        return {}, []
    mine, theirs = _split(first, last)
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = None
        if exported:
            hashing = pool.submit(
                _hash_flags_elsewhere, exported, connection.get_connection_params(), theirs
            )
        cur.execute(_CHAIN_SQL)
        chains = cur.fetchall()
        if hashing:
            flagged = _hash_flags(cur, mine)
            if early is not None and not hashing.done():
                early["rows"] = list(ledger.head_rows())
            elsewhere = hashing.result()
            if elsewhere is None:  # the second connection could not start: its share is here
                _alone(cur)
                elsewhere = _hash_flags(cur, theirs)
            flagged |= elsewhere
        else:  # not shared: all of it here, open above as the second connection's share is
            _alone(cur)
            flagged = _hash_flags(cur, _ALL_IDS)
    found: Heads = {}
    for stream, seq, hash_, ok in chains:
        if not ok:
            flagged.add(stream)
        elif stream not in flagged:
            found[stream] = (seq, hash_)
    if not flagged:
        return found, []
    cur.execute(_verify_sql(" WHERE stream = ANY(%s)"), [sorted(flagged)])
    named, faults = _named_faults(cur.fetchall())
    for stream in flagged:
        found.pop(stream, None)
    found.update(named)
    return found, faults


def stored_bytes_trusted() -> bool:
    """Does the body check hold every event's stored bytes to its columns (PostgreSQL)? If not
    (removed or changed by a superuser), the verifier builds the bytes from the columns."""
    return dbtriggers.body_check_sound(connection)


def _verify_in_database(early: dict[str, HeadRows] | None = None) -> tuple[Heads, list[Fault]]:
    # One view of the ledger for every query below (outside a caller's transaction).
    with snapshot(), connection.cursor() as cur:
        exported = _exported_snapshot(cur)
        with _query_settings():
            # Held to the end of the transaction: the body check cannot change while it is read.
            cur.execute("LOCK TABLE core_event IN ACCESS SHARE MODE")
            if stored_bytes_trusted():
                found, faults = _from_stored_bytes(cur, exported, early)
            else:
                _alone(cur)
                cur.execute(VERIFY_SQL)
                found, faults = _named_faults(cur.fetchall())
    return dict(sorted(found.items())), faults


def verify_chains() -> tuple[Heads, list[Fault]]:
    """Recompute every chain. Returns the heads found and the first fault of each bad stream,
    as `ledger.verify_chains` does."""
    if connection.vendor == "postgresql":
        return _verify_in_database()
    return ledger.verify_chains()


@contextmanager
def snapshot() -> Iterator[None]:
    """One view of the whole ledger for a verification: the events, the stream heads and the
    checkpoints as they stood at one moment, whatever commits meanwhile. Read one after the
    other in separate snapshots, an act or a checkpoint landing between the reads would show as
    a cut stream. PostgreSQL: a read-only REPEATABLE READ transaction; SQLite: one transaction
    (its reads see one state of the file). Inside a caller's transaction, the caller's view, and
    no savepoint: a snapshot is shared with a second connection only from outside one
    (`_exported_snapshot`)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # Before the first read fixes the snapshot: the body check cannot change between
                # the moment the events are read at and the moment the verifier looks at it.
                cur.execute("LOCK TABLE core_event IN ACCESS SHARE MODE")
        yield


def verify_ledger() -> tuple[Heads, list[Fault]]:
    """Every chain, then the chains' ends against the stream-head table, in one snapshot: what
    `icjis verify-ledger` checks. Returns the heads found and the faults, the chains' first (as
    `verify_chains`), then the heads' (as `check_heads`). On PostgreSQL the head table is read
    while the second connection is still hashing, when it is."""
    with snapshot():
        if connection.vendor != "postgresql":
            heads, faults = ledger.verify_chains()
            return heads, faults + ledger.check_heads(heads)
        early: dict[str, HeadRows] = {}
        heads, faults = _verify_in_database(early)
        return heads, faults + ledger.check_heads(heads, early.get("rows"))


def check_heads(heads: Heads) -> list[Fault]:
    """Compare recomputed chain ends with the stream-head table (one row per stream, so the
    reference's pass over it serves both databases)."""
    return ledger.check_heads(heads)
