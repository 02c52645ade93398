"""The in-database verifier (`core.verification`) against the reference (`ledger.verify_chains`).

On PostgreSQL the verifier hashes each event's stored bytes while the body check holds them to
the columns, and otherwise builds the bytes from the columns in SQL. These tests hold the SQL
encoding to the reference byte for byte (text escaping over every code point, times, numbers,
nulls), and both paths fault for fault (the same faults, in the same order, with the same heads)
after each kind of tampering a database superuser could do: with the body check removed, or
with the bytes rewritten to match and the check put back. On SQLite the verifier is the
reference itself."""

from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from json.encoder import encode_basestring
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.conftest import postgres_only

from icjis.core import clock, dbtriggers, ledger, verification
from icjis.core.canonical import dumps, iso
from icjis.core.canonical_sql import CANONICAL_SQL
from icjis.core.models import Event, StreamHead

# Characters JSON escapes, characters it must not escape, and any other (no NUL: PostgreSQL text
# cannot hold it; no lone surrogates: they are not text in UTF-8).
SPECIAL = "\"\\\b\f\n\r\t\x01\x0b\x1f\x7f\u2028\u2029/'ӨөҮүҢңЖж😀"
chars = st.sampled_from(SPECIAL) | st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00"
)
texts = st.text(chars, max_size=10)
times = st.datetimes(
    min_value=datetime(1000, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=6)), timezone(timedelta(hours=-3))]),
)
# A year below 1000 only in claimed_at: see test_a_recorded_time_before_year_1000_verifies.
claimed_times = (
    st.none() | times | st.datetimes(max_value=datetime(999, 12, 31), timezones=st.just(UTC))
)
values = texts | st.integers(-(2**53), 2**53) | st.none()
events = st.fixed_dictionaries(
    {
        "kind": texts,
        "data": st.dictionaries(
            texts, texts | st.integers(-(2**53), 2**53) | st.none(), max_size=3
        ),
        "actor": st.builds(ledger.Actor, texts, texts, texts, texts),
        "legal_basis": texts,
        "rule_pack": texts,
        "recorded_at": st.none() | times,
        "claimed_at": claimed_times,
        "corrects": st.none() | st.integers(1, 2**62),
        "simulated": st.booleans(),
    }
)
ledgers = st.lists(
    st.tuples(texts, st.lists(events, min_size=1, max_size=4)), min_size=1, max_size=3
)
PROPERTY = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


@contextmanager
def rolled_back():
    """One example's ledger, gone afterwards (triggers removed inside come back too)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def write(ledger_spec) -> list[str]:
    """Append the generated events; return the stream names (made distinct)."""
    streams = []
    for n, (name, evs) in enumerate(ledger_spec):
        stream = f"t{n}/{name}"
        streams.append(stream)
        for e in evs:
            with mock.patch.object(clock, "simulated", return_value=e["simulated"]):
                ledger.append(
                    stream,
                    e["kind"],
                    e["data"],
                    e["actor"],
                    recorded_at=e["recorded_at"],
                    claimed_at=e["claimed_at"],
                    legal_basis=e["legal_basis"],
                    rule_pack=e["rule_pack"],
                    corrects=e["corrects"],
                )
    return streams


def both():
    """(in-database, reference) results: heads, faults and head faults of each."""
    heads, faults = verification.verify_chains()
    ref_heads, ref_faults = ledger.verify_chains()
    return (
        (heads, faults, verification.check_heads(heads)),
        (ref_heads, ref_faults, ledger.check_heads(ref_heads)),
    )


def assert_same(found, reference) -> None:
    assert found == reference
    # The same order too: the command reports the first fault, and heads in stream order.
    assert list(found[0]) == list(reference[0])


@postgres_only()
@pytest.mark.django_db
def test_postgres_escapes_every_character_as_the_canonical_encoder_does():
    """`to_json(text)` against `json.encoder.encode_basestring` over every Unicode scalar value
    a PostgreSQL text can hold (U+0001..U+10FFFF without surrogates), plane by plane."""
    for start in range(0, 0x110000, 0x10000):
        stop = start + 0xFFFF
        with connection.cursor() as cur:
            cur.execute(
                "SELECT string_agg(to_json(chr(i))::text, E'\\n' ORDER BY i) "
                "FROM generate_series(%s, %s) i WHERE i NOT BETWEEN 55296 AND 57343",
                [max(start, 1), stop],
            )
            (found,) = cur.fetchone()
        points = [i for i in range(max(start, 1), stop + 1) if not 0xD800 <= i <= 0xDFFF]
        expected = [encode_basestring(chr(i)) for i in points]
        got = found.split("\n")  # an escaped character never holds a raw newline
        wrong = [(hex(i), g, e) for i, g, e in zip(points, got, expected, strict=True) if g != e]
        assert wrong == []


@postgres_only()
@pytest.mark.django_db
@PROPERTY
@given(spec=ledgers)
def test_the_database_builds_the_bytes_event_hash_hashed(spec):
    with rolled_back():
        streams = write(spec)
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id, {verification.CANONICAL_SQL} FROM core_event "  # noqa: S608
                "WHERE stream = ANY(%s) ORDER BY id",
                [streams],
            )
            built = dict(cur.fetchall())
        for e in Event.objects.filter(stream__in=streams).defer(None):
            expected = dumps(ledger.canonical_fields(e))
            assert built[e.id] == expected
            assert bytes(e.body) == expected.encode()  # what the append stored
            assert hashlib.sha256(expected.encode()).hexdigest() == e.hash


@postgres_only()
@pytest.mark.django_db
@PROPERTY
@given(spec=ledgers)
def test_both_verifiers_accept_an_intact_ledger(spec):
    with rolled_back():
        streams = write(spec)
        found, reference = both()
        assert_same(found, reference)
        heads, faults, head_faults = found
        assert faults == [] and head_faults == []
        for stream, (_, evs) in zip(streams, spec, strict=True):
            assert heads[stream] == (len(evs), StreamHead.objects.get(stream=stream).hash)


ALTERABLE = {
    "stream": texts.map(lambda t: f"x/{t}"),
    "seq": st.integers(0, 6),
    "kind": texts,
    "data": texts,  # any text, not only JSON: the verifiers hash what is stored
    "actor": texts,
    "actor_agency": texts,
    "actor_unit": texts,
    "actor_role": texts,
    "recorded_at": times,
    "claimed_at": st.none() | times,
    "legal_basis": texts,
    "rule_pack": texts,
    "corrects": st.none() | st.integers(0, 2**62),
    "simulated": st.booleans(),
    "prev_hash": texts | st.just(ledger.GENESIS),
    "hash": texts,
    "body": st.binary(max_size=20),  # the stored bytes alone: the columns still hold the truth
}
TAMPERING = st.one_of(
    st.tuples(
        st.just("alter"),
        st.sampled_from(sorted(ALTERABLE)).flatmap(lambda f: st.tuples(st.just(f), ALTERABLE[f])),
    ),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("swap seq"), st.none()),
    st.tuples(st.just("swap content"), st.none()),
    st.tuples(st.just("truncate"), st.none()),
    st.tuples(st.just("head"), st.tuples(st.integers(0, 6), st.sampled_from(["", "0" * 64]))),
)


def tamper(stream: str, count: int, how: str, arg, pick: int) -> None:
    """Change the ledger as a superuser without the append-only triggers and the body check
    could."""
    seq = 1 + pick % count
    other = 1 + (pick + 1) % count
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        where = "WHERE stream = %s AND seq = %s"
        if how == "alter":
            field, value = arg
            cur.execute(f"SELECT {field} FROM core_event {where}", [stream, seq])  # noqa: S608
            found = cur.fetchone()[0]
            assume((bytes(found) if field == "body" else found) != value)
            if field == "seq":  # (stream, seq) stays unique
                cur.execute(f"SELECT count(*) FROM core_event {where}", [stream, value])  # noqa: S608
                assume(cur.fetchone()[0] == 0)
            cur.execute(f"UPDATE core_event SET {field} = %s {where}", [value, stream, seq])  # noqa: S608
        elif how == "delete":
            cur.execute(f"DELETE FROM core_event {where}", [stream, seq])  # noqa: S608
        elif how == "swap seq":  # two events trade places in the chain, each keeping its row
            assume(count > 1)
            aside = 10**9
            cur.execute(f"UPDATE core_event SET seq = %s {where}", [aside, stream, seq])  # noqa: S608
            cur.execute(f"UPDATE core_event SET seq = %s {where}", [seq, stream, other])  # noqa: S608
            cur.execute(f"UPDATE core_event SET seq = %s {where}", [other, stream, aside])  # noqa: S608
        elif how == "swap content":  # two rows trade their content, keeping id and seq
            assume(count > 1)
            cur.execute(
                "UPDATE core_event e SET kind = o.kind, data = o.data, prev_hash = o.prev_hash, "
                "hash = o.hash, recorded_at = o.recorded_at, claimed_at = o.claimed_at "
                "FROM core_event o WHERE e.stream = %s AND o.stream = e.stream "
                "AND ((e.seq = %s AND o.seq = %s) OR (e.seq = %s AND o.seq = %s))",
                [stream, seq, other, other, seq],
            )
        elif how == "truncate":  # the newest events go; the chain left is whole
            cur.execute("DELETE FROM core_event WHERE stream = %s AND seq >= %s", [stream, seq])
        else:  # the head table rewritten
            head_seq, head_hash = arg
            cur.execute(
                "UPDATE core_streamhead SET seq = %s, hash = %s WHERE stream = %s",
                [head_seq, head_hash, stream],
            )


def bytes_rewritten() -> None:
    """The superuser covers their tracks: every event's stored bytes rebuilt from its columns,
    and the body check put back as installed (the database checks every event again)."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        cur.execute(
            f"UPDATE core_event SET body = convert_to({CANONICAL_SQL}, 'UTF8') "  # noqa: S608
            f"WHERE body IS DISTINCT FROM convert_to({CANONICAL_SQL}, 'UTF8')"
        )
    dbtriggers.install_body_check(connection)


@postgres_only()
@pytest.mark.django_db
@PROPERTY
@given(
    spec=ledgers,
    tampering=TAMPERING,
    target=st.integers(0, 10),
    pick=st.integers(0, 10),
    rewritten=st.booleans(),
)
def test_both_verifiers_report_the_same_faults_after_tampering(
    spec, tampering, target, pick, rewritten
):
    with rolled_back():
        streams = write(spec)
        victim = target % len(streams)
        count = len(spec[victim][1])
        how, arg = tampering
        tamper(streams[victim], count, how, arg, pick)
        if rewritten:
            bytes_rewritten()
        # Which way the verifier goes: the stored bytes only while the check holds them.
        assert verification.stored_bytes_trusted() is rewritten
        found, reference = both()
        assert_same(found, reference)
        _, faults, head_faults = found
        if how == "alter" and arg[0] == "body":  # not hashed: the bytes stand for the columns
            assert faults == [] and head_faults == []
        elif not (how == "head" and arg[0] == 0):  # a head at seq 0 is an empty stream's: unread
            # Every other change is caught: in a chain, or against the head table.
            assert faults or head_faults


@postgres_only()
@pytest.mark.django_db
def test_verify_ledger_names_the_first_bad_event_from_the_database():
    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
            ledger.append("test/b", "test.fact", {"n": n}, ledger.SYSTEM)
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute("UPDATE core_event SET actor = 'мallory' WHERE stream = 'test/b' AND seq = 2")
    with (
        mock.patch.object(ledger, "verify_chains", side_effect=AssertionError("reference used")),
        pytest.raises(CommandError, match=r"test/b seq 2: .*\(altered\)"),
    ):
        call_command("verify_ledger")


@pytest.mark.django_db
def test_the_verifier_is_the_reference_where_the_database_is_not_postgresql():
    with transaction.atomic():
        ledger.append("test/a", "test.fact", {"n": 1}, ledger.SYSTEM)
    sentinel = ({"test/a": (1, "h")}, [])
    with mock.patch.object(ledger, "verify_chains", return_value=sentinel) as reference:
        result = verification.verify_chains()
    if connection.vendor == "postgresql":
        assert reference.call_count == 0
        assert result == ({"test/a": (1, Event.objects.get(stream="test/a").hash)}, [])
    else:
        assert reference.call_count == 1 and result is sentinel


@postgres_only()
@pytest.mark.django_db
def test_a_recorded_time_before_year_1000_verifies():
    """`canonical.iso` writes such a year without leading zeros (strftime's %Y), and so do the
    database verifier and the reference's PostgreSQL read; such an event is intact for both."""
    recorded = datetime(999, 12, 31, 23, 0, 0, 5, tzinfo=UTC)
    with transaction.atomic():
        event = ledger.append("test/old", "test.fact", {}, ledger.SYSTEM, recorded_at=recorded)
    assert iso(recorded) == "999-12-31T23:00:00.000005Z"
    assert ledger.event_hash(Event.objects.get(pk=event.pk)) == event.hash
    heads, faults = verification.verify_chains()
    assert faults == [] and heads["test/old"] == (1, event.hash)
    assert ledger.verify_chains() == (heads, faults)  # the reference reads the year alike


@postgres_only()
def test_an_append_during_verification_is_not_taken_for_a_cut_stream(committing_db):
    """The chains are recomputed from one read and the heads come from another: an act that
    commits between them moves a head past the recomputed chain. Read apart, that looks like a
    cut stream; inside `verification.snapshot()` both reads see the same moment."""

    def append_elsewhere() -> None:
        _elsewhere(lambda cur: ledger.append("test/a", "test.fact", {"n": "late"}, ledger.SYSTEM))

    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)

    heads, faults = verification.verify_chains()
    append_elsewhere()
    apart = faults + verification.check_heads(heads)
    assert [str(f) for f in apart] == ["test/a seq 4: stream ends at seq 3 but its head is 4"]

    with verification.snapshot():
        heads, faults = verification.verify_chains()
        append_elsewhere()
        together = faults + verification.check_heads(heads)
    assert together == [] and heads["test/a"][0] == 4
    heads, faults = verification.verify_chains()
    assert faults + verification.check_heads(heads) == [] and heads["test/a"][0] == 5


_ADD = "ALTER TABLE core_event ADD CONSTRAINT event_body_canonical CHECK ({})"
# After the check was dropped and an event's columns changed: what a superuser might put back.
WEAKENED = {
    "nothing": "",
    "the check, unchecked": _ADD.format(dbtriggers.BODY_CONDITION) + " NOT VALID",
    "another condition": _ADD.format("body IS NOT NULL"),
    "another function": dbtriggers.BODY_FUNCTION.replace(
        dbtriggers.BODY_FUNCTION_SOURCE,
        "BEGIN RETURN NULL; END",  # a check that is NULL passes
    )
    + "; "
    + _ADD.format(dbtriggers.BODY_CONDITION),
}


@postgres_only()
@pytest.mark.django_db
@pytest.mark.parametrize("how", sorted(WEAKENED))
def test_the_stored_bytes_are_trusted_only_while_the_body_check_holds_as_installed(how):
    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
    assert verification.stored_bytes_trusted()
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        # The columns changed, the stored bytes not.
        cur.execute("UPDATE core_event SET actor = 'мallory' WHERE stream = 'test/a' AND seq = 2")
        if WEAKENED[how]:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(WEAKENED[how])
    assert not verification.stored_bytes_trusted()
    found, reference = both()
    assert_same(found, reference)
    assert [str(f) for f in found[1]] == [
        "test/a seq 2: the event's content does not match its hash (altered)"
    ]


@postgres_only()
@pytest.mark.django_db
def test_an_intact_ledger_is_verified_from_the_stored_bytes_alone():
    """The fast path reads no column-built bytes: with the reference query broken, an intact
    ledger still verifies; a bad stream is then named by that query (over the bad streams)."""
    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
            ledger.append("test/b", "test.fact", {"n": n}, ledger.SYSTEM)
    with mock.patch.object(verification, "_VERIFY", "SELECT 1/0"):
        heads, faults = verification.verify_chains()
    assert faults == [] and list(heads) == list(ledger.verify_chains()[0])
    dbtriggers.remove_triggers(connection)
    with connection.cursor() as cur:  # the body check stays: only the hash can be changed alone
        cur.execute("UPDATE core_event SET hash = 'f' WHERE stream = 'test/b' AND seq = 3")
    narrowed = []
    real = verification._verify_sql

    def spy(where: str = "") -> str:
        narrowed.append(where)
        return real(where)

    with (
        mock.patch.object(verification, "_verify_sql", side_effect=spy),
        mock.patch.object(verification, "_named_faults", wraps=verification._named_faults) as read,
    ):
        found, reference = both()
    assert narrowed == [" WHERE stream = ANY(%s)"]
    # The sound stream was not read again: the narrowed query saw the bad stream's rows alone.
    assert {row[1] for row in read.call_args.args[0]} == {"test/b"}
    assert_same(found, reference)
    assert [str(f) for f in found[1]] == [
        "test/b seq 3: the event's content does not match its hash (altered)"
    ]


@postgres_only()
@pytest.mark.django_db
def test_the_database_refuses_stored_bytes_that_are_not_the_columns():
    with transaction.atomic():
        event = ledger.append("test/a", "test.fact", {"n": 1}, ledger.SYSTEM)
    dbtriggers.remove_triggers(connection)  # the check alone stands
    for sql, args in (
        ("UPDATE core_event SET body = %s WHERE id = %s", [b"[]", event.pk]),
        ("UPDATE core_event SET actor = 'x' WHERE id = %s", [event.pk]),
        (
            "INSERT INTO core_event (stream, seq, kind, data, actor, actor_agency, actor_unit, "
            "actor_role, recorded_at, legal_basis, rule_pack, simulated, prev_hash, hash, body) "
            "SELECT stream, 2, kind, data, actor, actor_agency, actor_unit, actor_role, "
            "recorded_at, legal_basis, rule_pack, simulated, hash, hash, body "
            "FROM core_event WHERE id = %s",
            [event.pk],
        ),
    ):
        with (
            pytest.raises(IntegrityError, match="event_body_canonical"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, args)
    assert verification.verify_chains() == ({"test/a": (1, event.hash)}, [])


@pytest.mark.django_db
@settings(PROPERTY, max_examples=10)
@given(spec=ledgers)
def test_the_migration_stores_the_bytes_each_event_was_hashed_over(spec):
    """core 0009 fills `body` for the events already held: from their columns, the bytes their
    hash covers (PostgreSQL in SQL, SQLite in Python), after which the body check holds."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    migration = import_module("icjis.core.migrations.0009_event_body")
    editor = SimpleNamespace(connection=connection)
    with rolled_back():
        streams = write(spec)
        dbtriggers.remove(connection)
        with connection.cursor() as cur:
            cur.execute("UPDATE core_event SET body = %s", [b""])
        migration.fill_bodies(apps, editor)
        migration.guard(apps, editor)
        events = Event.objects.filter(stream__in=streams).defer(None)
        assert [bytes(e.body) for e in events] == [ledger.event_body(e) for e in events]
        assert all(hashlib.sha256(bytes(e.body)).hexdigest() == e.hash for e in events)
        assert verification.stored_bytes_trusted() is (connection.vendor == "postgresql")
        assert dbtriggers.installed(connection)


@postgres_only()
@pytest.mark.django_db
def test_the_chain_index_covers_what_the_chain_check_reads():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'core_event'::regclass AND conname = 'event_stream_seq_unique'"
        )
        assert cur.fetchone() == ("UNIQUE (stream, seq) INCLUDE (id, prev_hash, hash)",)


@pytest.mark.django_db
def test_verify_ledger_warns_when_the_guards_are_not_as_installed(capsys):
    with transaction.atomic():
        ledger.append("test/a", "test.fact", {"n": 1}, ledger.SYSTEM)
    call_command("verify_ledger")
    assert "WARNING" not in capsys.readouterr().err
    dbtriggers.remove(connection)
    call_command("verify_ledger")  # the chains are whole: it passes, and says what it saw
    warnings = [line for line in capsys.readouterr().err.splitlines() if "WARNING" in line]
    expected = ["WARNING the ledger's append-only triggers or body check are missing"]
    if connection.vendor == "postgresql":
        expected.append(
            "WARNING the body check is not in force as installed: every event was verified "
            "from its columns"
        )
    assert warnings == expected


@postgres_only()
@pytest.mark.django_db
def test_the_verifier_s_query_settings_hold_inside_and_are_restored_after():
    def read() -> list[str]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT current_setting(name) FROM unnest(%s::text[]) WITH ORDINALITY AS s "
                "(name, n) ORDER BY n",
                [list(verification._SETTINGS)],
            )
            return [row[0] for row in cur.fetchall()]

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '5MB'")
        before = read()
        assert before != list(verification._SETTINGS.values())
        with verification._query_settings():
            assert read() == list(verification._SETTINGS.values())
        assert read() == before


def _append_misstated(cur, stream: str) -> None:
    """Insert the next event of `stream` as an INSERT may (the append-only triggers refuse only
    changes): its bytes are its columns', as the body check demands, but its hash is not theirs."""
    columns = (
        "kind, data, actor, actor_agency, actor_unit, actor_role, recorded_at, claimed_at, "
        "legal_basis, rule_pack, corrects, simulated"
    )
    cur.execute(
        f"INSERT INTO core_event (stream, seq, {columns}, prev_hash, hash, body) "
        f"SELECT stream, seq + 1, {columns}, hash, repeat('f', 64), "
        f"convert_to(icjis_event_body(stream, seq + 1, {columns}, hash), 'UTF8') "
        "FROM core_event WHERE stream = %s ORDER BY seq DESC LIMIT 1",
        [stream],
    )


@contextmanager
def _helper_results():
    """What each run of the second connection's hash check returned (None: it did not start)."""
    returned: list[set[str] | None] = []
    real = verification._hash_flags_elsewhere

    def record(*args):
        returned.append(real(*args))
        return returned[-1]

    with mock.patch.object(verification, "_hash_flags_elsewhere", side_effect=record):
        yield returned


def _elsewhere(work) -> None:
    """Run `work(cursor)` on a connection of its own, committed, and wait for it."""
    import threading

    from django.db import connections

    def run() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cur:
                work(cur)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


ALTERED_4 = "test/a seq 4: the event's content does not match its hash (altered)"


@postgres_only()
def test_the_second_connection_hashes_the_verifier_s_snapshot(committing_db):
    """The hashing runs on a connection of its own while the verifier's walks the chains. It
    reads the verifier's snapshot: an event committed after that moment is not in it."""
    with transaction.atomic():
        for n in range(3):
            head = ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
    with _helper_results() as returned, verification.snapshot():
        assert Event.objects.count() == 3  # the first read fixes the snapshot
        _elsewhere(lambda cur: _append_misstated(cur, "test/a"))
        heads, faults = verification.verify_chains()
        faults += verification.check_heads(heads)
    # A snapshot of its own would have seen the misstated event and flagged its stream.
    assert returned == [set()]
    assert (heads, faults) == ({"test/a": (3, head.hash)}, [])
    with _helper_results() as returned:
        heads, faults = verification.verify_chains()
    assert returned == [{"test/a"}]
    assert [str(f) for f in faults] == [ALTERED_4] and heads == {"test/a": (3, head.hash)}


@postgres_only()
def test_a_queued_exclusive_lock_does_not_hold_the_verification_up(committing_db):
    """A session that asks for an exclusive lock on the events table waits for the verifier's
    shared one; a second connection's shared lock would queue behind that request, and the
    verifier would wait for its second connection forever. The second connection gives up at
    once and the verifier hashes on its own connection."""
    import threading

    from django.db import connections

    with transaction.atomic():
        for n in range(3):
            head = ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
    outcome: list[str] = []

    def lock_exclusively() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '30s'")
                cur.execute("LOCK TABLE core_event IN ACCESS EXCLUSIVE MODE")
                outcome.append("locked")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome.append(repr(exc))
        finally:
            connections.close_all()

    waiting = (
        "SELECT count(*) FROM pg_locks WHERE relation = 'core_event'::regclass "
        "AND mode = 'AccessExclusiveLock' AND NOT granted"
    )
    locker = threading.Thread(target=lock_exclusively)
    with _helper_results() as returned, verification.snapshot():
        assert Event.objects.count() == 3
        locker.start()
        with connection.cursor() as cur:
            for _ in range(200):
                cur.execute(waiting)
                if cur.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the exclusive lock request never queued")
        heads, faults = verification.verify_chains()
    locker.join()
    assert returned == [None]
    assert (heads, faults) == ({"test/a": (3, head.hash)}, [])
    assert outcome == ["locked"]


@postgres_only()
def test_a_transaction_s_own_events_are_hashed_where_it_wrote_them(committing_db):
    """A second connection cannot see what the verifier's transaction wrote and has not
    committed, so such a transaction hashes on its own connection."""
    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
    with _helper_results() as returned, transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            _append_misstated(cur, "test/a")
        heads, faults = verification.verify_chains()
        transaction.set_rollback(True)
    assert returned == []
    assert [str(f) for f in faults] == [ALTERED_4] and heads["test/a"][0] == 3


@given(first=st.integers(1, 10**12), count=st.integers(1, 10**6))
def test_the_hashing_is_split_into_two_ranges_that_cover_every_id_once(first, count):
    last = first + count - 1
    (lo, mine), (theirs, hi) = verification._split(first, last)
    assert lo == 0 and theirs == mine + 1 and hi == 2**63 - 1  # both open at their far ends
    assert first - 1 <= mine <= last
    taken = last - mine  # the second connection's share of the ids there are
    assert abs(taken - count * verification.HELPER_SHARE) <= 1


@postgres_only()
def test_an_altered_event_is_found_in_either_connection_s_share(committing_db):
    """The second connection hashes the upper ids, this one the lower after its walk: an
    altered event is named wherever it falls, by the connection whose share it is in. Each
    altered event ends its stream, so no link to a next event gives it away: only its hash."""
    with transaction.atomic():
        ledger.append("test/b", "test.fact", {"n": 0}, ledger.SYSTEM)  # the lowest id
        for n in range(9):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)  # the highest last
    ids = Event.objects.aggregate(first=Min("id"), last=Max("id"))
    (_, mine), _ = verification._split(ids["first"], ids["last"])
    assert ids["first"] <= mine < ids["last"]  # each connection has a share
    dbtriggers.remove_triggers(connection)  # the body check stays: only the hash can change
    for id_, seen_elsewhere in ((ids["first"], set()), (ids["last"], {"test/a"})):
        event = Event.objects.get(id=id_)
        with connection.cursor() as cur:
            cur.execute("UPDATE core_event SET hash = 'f' WHERE id = %s", [event.id])
        with _helper_results() as returned, verification.snapshot():
            heads, faults = verification.verify_chains()
        assert returned == [seen_elsewhere], event
        assert [str(f) for f in faults] == [
            f"{event.stream} seq {event.seq}: the event's content does not match its hash (altered)"
        ]
        with connection.cursor() as cur:
            cur.execute("UPDATE core_event SET hash = %s WHERE id = %s", [event.hash, event.id])
    assert verification.verify_chains()[1] == []


@postgres_only()
def test_the_second_connection_s_share_is_hashed_here_when_it_cannot_start(committing_db):
    """A second connection that cannot start (no connection to be had, a queued lock) leaves
    its share to this one: an altered event there is still named."""
    with transaction.atomic():
        for n in range(5):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
        last = ledger.append("test/b", "test.fact", {"n": 0}, ledger.SYSTEM)  # the highest id
    dbtriggers.remove_triggers(connection)  # the body check stays: only the hash can change
    with connection.cursor() as cur:
        cur.execute("UPDATE core_event SET hash = 'f' WHERE id = %s", [last.id])
    with (
        mock.patch.object(verification, "_hash_flags_elsewhere", return_value=None) as helper,
        verification.snapshot(),
    ):
        heads, faults = verification.verify_chains()
    assert helper.call_count == 1  # asked, and it could not start
    assert [str(f) for f in faults] == [
        "test/b seq 1: the event's content does not match its hash (altered)"
    ]
    assert heads == {"test/a": (5, Event.objects.get(stream="test/a", seq=5).hash)}


@postgres_only()
def test_verify_ledger_reads_the_head_table_while_the_second_connection_hashes(committing_db):
    """`verify_ledger` (what `icjis verify-ledger` checks): with the second connection still
    hashing when this one is done, the head table is read then rather than after, in the same
    snapshot; a cut stream is named all the same."""
    import time

    with transaction.atomic():
        for n in range(3):
            ledger.append("test/a", "test.fact", {"n": n}, ledger.SYSTEM)
        ledger.append("test/b", "test.fact", {"n": 0}, ledger.SYSTEM)
    order: list[str] = []
    real_helper, real_rows = verification._hash_flags_elsewhere, ledger.head_rows

    def slow_helper(*args):
        time.sleep(0.3)  # still hashing when this connection has walked and hashed its share
        found = real_helper(*args)
        order.append("second connection done")
        return found

    def rows(*args):
        order.append("head table read")
        return real_rows(*args)

    def verified():
        order.clear()
        with (
            mock.patch.object(verification, "_hash_flags_elsewhere", side_effect=slow_helper),
            mock.patch.object(ledger, "head_rows", side_effect=rows),
        ):
            return verification.verify_ledger()

    heads, faults = verified()
    assert order == ["head table read", "second connection done"]
    assert faults == [] and set(heads) == {"test/a", "test/b"}
    dbtriggers.remove_triggers(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE stream = 'test/a' AND seq = 3")
    heads, faults = verified()
    assert order == ["head table read", "second connection done"]
    assert [str(f) for f in faults] == ["test/a seq 3: stream ends at seq 2 but its head is 3"]
    reference = ledger.verify_chains()
    assert (heads, faults) == (reference[0], reference[1] + ledger.check_heads(reference[0]))
