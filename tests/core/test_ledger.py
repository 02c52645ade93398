"""The ledger: hash chains, append-only tables, tamper detection, checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icjis.core import dbtriggers, ledger
from icjis.core.canonical import dumps, iso, sha256_hex
from icjis.core.checkpoints import make_checkpoint, merkle_root
from icjis.core.models import Event, StreamHead

ACTOR = ledger.Actor("registrar", "MVD", "GB-UVD", "registrar")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def append(stream: str, data: dict) -> Event:
    with transaction.atomic():
        return ledger.append(stream, "test.fact", data, ACTOR)


def verify() -> tuple[str, str]:
    """Run verify-ledger; return (outcome, first bad line)."""
    try:
        call_command("verify_ledger")
    except CommandError as exc:
        return "failed", str(exc)
    return "ok", ""


@pytest.mark.django_db
@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    payloads=st.lists(
        st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_it_chains_every_event_to_the_one_before(payloads):
    stream = f"test/{len(payloads)}-{abs(hash(str(payloads))) % 10**9}"
    events = [append(stream, p) for p in payloads]
    assert [e.seq for e in events] == list(range(1, len(payloads) + 1))
    assert events[0].prev_hash == ledger.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for e in Event.objects.filter(stream=stream):
        assert ledger.event_hash(e) == e.hash
        assert e.payload == payloads[e.seq - 1]
    assert StreamHead.objects.get(stream=stream).seq == len(payloads)


@pytest.mark.django_db
def test_it_refuses_update_and_delete_of_events_in_the_database():
    event = append("test/a", {"x": 1})
    for sql in (
        f"UPDATE core_event SET data = '{{}}' WHERE id = {event.id}",
        f"DELETE FROM core_event WHERE id = {event.id}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert Event.objects.get(pk=event.pk).payload == {"x": 1}


@pytest.mark.django_db
def test_it_names_the_stream_and_seq_of_an_altered_event():
    for i in range(3):
        append("test/a", {"n": i})
        append("test/b", {"n": i})
    assert verify() == ("ok", "")
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute("UPDATE core_event SET data = '{\"n\":7}' WHERE stream = 'test/b' AND seq = 2")
    outcome, message = verify()
    assert outcome == "failed"
    assert "test/b seq 2" in message and "altered" in message


@pytest.mark.django_db
def test_it_detects_a_removed_event_and_a_reordered_pair():
    for i in range(4):
        append("test/r", {"n": i})
        append("test/d", {"n": i})
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE stream = 'test/d' AND seq = 2")
    outcome, message = verify()
    assert outcome == "failed" and "test/d seq 2" in message
    with connection.cursor() as cur:
        # Swap the content of seq 2 and 3 of test/r, keeping each row's seq.
        cur.execute("UPDATE core_event SET seq = 99 WHERE stream = 'test/r' AND seq = 2")
        cur.execute("UPDATE core_event SET seq = 2 WHERE stream = 'test/r' AND seq = 3")
        cur.execute("UPDATE core_event SET seq = 3 WHERE stream = 'test/r' AND seq = 99")
    from icjis.core.ledger import verify_chains

    _, faults = verify_chains()
    assert any(f.stream == "test/r" and f.seq == 2 for f in faults)


@pytest.mark.django_db
def test_it_detects_a_stream_cut_back_below_a_checkpoint_even_with_its_head_rewritten():
    for i in range(3):
        append("test/cut", {"n": i})
    make_checkpoint()
    assert verify() == ("ok", "")
    dbtriggers.remove(connection)
    last = Event.objects.get(stream="test/cut", seq=3)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE stream = 'test/cut' AND seq = 3")
    # The intruder also rewrites the head so the chain looks whole.
    prev = Event.objects.get(stream="test/cut", seq=2)
    StreamHead.objects.filter(stream="test/cut").update(seq=2, hash=prev.hash)
    outcome, message = verify()
    assert outcome == "failed"
    assert "test/cut" in message and "checkpoint" in message
    assert last.seq == 3


@pytest.mark.django_db
def test_it_signs_checkpoints_and_detects_a_forged_one():
    append("test/s", {"n": 1})
    cp = make_checkpoint()
    assert len(cp.signature) == 128
    assert cp.root == merkle_root({"test/s": (1, Event.objects.get(stream="test/s").hash)})
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute("UPDATE core_checkpoint SET root = %s WHERE id = %s", ["0" * 64, cp.id])
    outcome, message = verify()
    assert outcome == "failed" and "checkpoint 1" in message


def test_merkle_root_depends_on_every_head():
    heads = {f"s/{i}": (i + 1, f"{i:064x}") for i in range(7)}
    root = merkle_root(heads)
    for stream in heads:
        changed = dict(heads)
        changed[stream] = (heads[stream][0] + 1, heads[stream][1])
        assert merkle_root(changed) != root


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(max_size=30), min_size=11, max_size=11),
    seq=st.integers(1, 2**62),
    corrects=st.none() | st.integers(1, 2**62),
    simulated=st.booleans(),
    recorded=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=6))])),
    claimed=st.none() | st.datetimes(timezones=st.just(UTC)),
)
def test_the_verifier_encodes_every_field_as_the_canonical_encoder_does(
    texts, seq, corrects, simulated, recorded, claimed
):
    """The verifier builds the hashed bytes from plain column values; they must be exactly the
    bytes `event_hash` hashes (any difference would report an intact event as altered)."""
    stream, kind, data, actor, agency, unit, role, basis, pack, prev, _ = texts
    row = (
        stream,
        seq,
        kind,
        data,
        actor,
        agency,
        unit,
        role,
        recorded,
        claimed,
        basis,
        pack,
        corrects,
        simulated,
        prev,
    )
    expected = dumps([*row[:8], iso(recorded), iso(claimed), *row[10:]])
    assert ledger.canonical_row(row) == expected
    event = Event(**dict(zip(ledger.HASHED, row, strict=True)))
    assert ledger.event_hash(event) == sha256_hex(expected)


@pytest.mark.django_db
def test_the_verifier_reads_back_times_as_they_were_hashed():
    """Times at a whole second, in another offset, or in a three-digit year all verify: the
    verifier's reading of the stored times gives the bytes `event_hash` hashed."""
    moments = [
        (datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC), None),
        (datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC), datetime(2026, 2, 28, 23, 59, tzinfo=UTC)),
        (
            datetime(2026, 3, 2, 6, 30, 0, 999999, tzinfo=timezone(timedelta(hours=6))),
            datetime(999, 12, 31, 23, 0, 0, 5, tzinfo=UTC),
        ),
    ]
    for recorded, claimed in moments:
        with transaction.atomic():
            ledger.append(
                "test/times", "test.fact", {}, ACTOR, recorded_at=recorded, claimed_at=claimed
            )
    heads, faults = ledger.verify_chains()
    assert faults == []
    assert heads["test/times"][0] == 3
