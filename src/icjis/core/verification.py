"""Verifying every hash chain, inside PostgreSQL where the ledger lives there.

`ledger.verify_chains` is the reference: it reads every event into Python, re-encodes it and
hashes it. On PostgreSQL the same check runs as one query: the database builds each event's
canonical bytes itself (exactly the bytes `ledger.event_hash` hashed), hashes them with
`sha256()`, and compares each event with the one before it in its stream (`lag()` over the
stream in insertion order, as the reference walks it). Only what the reference would act on comes
back: the first bad event of a stream and the last event of each stream. The faults, their order
and the heads are the reference's (tests/core/test_verification.py compares the two).

Elsewhere (SQLite) the reference runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from icjis.core import ledger
from icjis.core.ledger import GENESIS, Fault

Heads = dict[str, tuple[int, str]]

# The time as `canonical.iso` writes it: UTC, microseconds, 'Z', the year without leading zeros
# (strftime's %Y, which is what `event_hash` used for a year below 1000).
_ISO = """to_char({} AT TIME ZONE 'UTC', 'FMYYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

# The text fields other than `data`. When none of them holds a character JSON escapes (checked
# at once: escaping their concatenation adds no byte), each is quoted as it is.
_SHORT = ("stream", "kind", "actor", "actor_agency", "actor_unit", "actor_role")
_TAIL = ("legal_basis", "rule_pack", "prev_hash")


def _canonical(quote) -> str:
    """SQL for `ledger.canonical_row` of a row of core_event, text fields encoded by `quote`."""
    stream, kind, actor, agency, unit, role = (quote(c) for c in _SHORT)
    basis, pack, prev = (quote(c) for c in _TAIL)
    return (
        f"concat('[', {stream}, ',', seq, ',', {kind}, ',', to_json(data)::text, ',', "
        f"{actor}, ',', {agency}, ',', {unit}, ',', {role}, ',\"', {_ISO.format('recorded_at')}, "
        f"'\",', coalesce('\"' || {_ISO.format('claimed_at')} || '\"', 'null'), ',', "
        f"{basis}, ',', {pack}, ',', coalesce(corrects::text, 'null'), ',', "
        f"CASE WHEN simulated THEN 'true' ELSE 'false' END, ',', {prev}, ']')"
    )


def _as_is(column: str) -> str:
    return f"'\"', {column}, '\"'"


def _escaped(column: str) -> str:
    return f"to_json({column})::text"


_PLAIN = " || ".join((*_SHORT, *_TAIL))
CANONICAL_SQL = (
    f"CASE WHEN octet_length(to_json({_PLAIN})::text) = octet_length({_PLAIN}) + 2 "
    f"THEN {_canonical(_as_is)} ELSE {_canonical(_escaped)} END"
)

# Per event: is its hash its content's, and what came before it in its stream (insertion order,
# as `ledger.iter_hashed_rows` reads). The hashing runs below the window, in parallel workers.
VERIFY_SQL = f"""
SELECT id, stream, seq, hash, prev_seq, prev_h, hash_ok, seq_ok, link_ok, first_id
FROM (
    SELECT id, stream, seq, hash, hash_ok,
           coalesce(lag(seq) OVER w, 0) AS prev_seq,
           coalesce(lag(hash) OVER w, '{GENESIS}') AS prev_h,
           seq::numeric = coalesce(lag(seq) OVER w, 0)::numeric + 1 AS seq_ok,
           prev_hash = coalesce(lag(hash) OVER w, '{GENESIS}') AS link_ok,
           lead(id) OVER w IS NULL AS last,
           first_value(id) OVER w AS first_id
    FROM (
        SELECT id, stream, seq, prev_hash, hash,
               encode(sha256(convert_to({CANONICAL_SQL}, 'UTF8')), 'hex') = hash AS hash_ok
        FROM core_event
        OFFSET 0
    ) hashed
    WINDOW w AS (PARTITION BY stream COLLATE "C" ORDER BY id)
) chained
WHERE last OR NOT (seq_ok AND link_ok AND hash_ok)
ORDER BY id
"""  # noqa: S608 - assembled from this module's constants only

# Let the hashing spread over parallel workers whatever the table's size, and sort the narrow
# (stream, id) rows for the window in memory; no JIT compile for a query this shape.
_SETTINGS = {
    "jit": "off",
    "max_parallel_workers_per_gather": "2",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0.001",
    "min_parallel_table_scan_size": "0",
    "work_mem": "128MB",
}


@contextmanager
def _query_settings() -> Iterator[None]:
    """`_SETTINGS` for the statements inside, restored afterwards (they are transaction-local)."""
    with transaction.atomic(), connection.cursor() as cur:
        previous = {}
        for name, value in _SETTINGS.items():
            cur.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            previous[name] = cur.fetchone()[0]
        try:
            yield
        finally:
            for name, value in previous.items():
                cur.execute("SELECT set_config(%s, %s, true)", [name, value])


def _problem(row: tuple) -> str:
    """The reference's words for the first thing wrong with this event (same order of checks)."""
    _, _, seq, _, prev_seq, _, hash_ok, seq_ok, link_ok, _ = row
    if not seq_ok:
        return f"expected seq {prev_seq + 1}, found seq {seq} (removed or reordered)"
    if not link_ok:
        return "prev_hash does not match the previous event (reordered or replaced)"
    return "the event's content does not match its hash (altered)"


def _verify_in_database() -> tuple[Heads, list[Fault]]:
    with _query_settings(), connection.cursor() as cur:
        cur.execute(VERIFY_SQL)
        rows = cur.fetchall()
    found: dict[str, tuple[int, tuple[int, str]]] = {}  # stream -> (first id, head)
    faults: list[Fault] = []
    bad: set[str] = set()
    for row in rows:
        _, stream, seq, hash_, prev_seq, prev_h, hash_ok, seq_ok, link_ok, first_id = row
        if stream in bad:
            continue
        if seq_ok and link_ok and hash_ok:  # the last event of a sound stream
            found[stream] = (first_id, (seq, hash_))
            continue
        faults.append(Fault(stream, prev_seq + 1, _problem(row)))
        bad.add(stream)
        if prev_seq:  # the events before the bad one were sound: the chain ends there
            found[stream] = (first_id, (prev_seq, prev_h))
    # The reference meets streams in the order of their first event.
    heads = {stream: head for stream, (_, head) in sorted(found.items(), key=lambda i: i[1][0])}
    return heads, faults


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
    (its reads see one state of the file). Inside a caller's transaction, the caller's view."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def check_heads(heads: Heads) -> list[Fault]:
    """Compare recomputed chain ends with the stream-head table (one row per stream, so the
    reference's pass over it serves both databases)."""
    return ledger.check_heads(heads)
