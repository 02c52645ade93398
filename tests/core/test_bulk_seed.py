"""The bulk seeding path (`icjis seed --bulk`, `core.bulk_seed`) leaves what the acts would.

Four checks: the same stories performed through `acts.perform` and written by the bulk path
give the same events, cases, persons, participants, duplicate flags, deadlines and outbox
(person ids and receipt hashes are random on both paths and compared by position); the bulk
ledger verifies and replays through the real projectors into identical tables; a real act on a
bulk-seeded case and a real registration after it keep the chains and numbers right; the
overdue-deadline query finds the reports nobody decided in time.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from tests.conftest import postgres_only

from icjis.core import acts, bulk_seed, clock, rebuild
from icjis.core.ledger import check_heads, verify_chains
from icjis.core.models import (
    Case,
    CaseOfficer,
    CaseParticipant,
    DuplicateFlag,
    Event,
    OutboxMessage,
    Person,
    StreamHead,
    User,
)
from icjis.legal import engine
from icjis.legal.models import Deadline

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


class Ids:
    """Random ids (persons, receipt hashes) renamed by order of first appearance."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        return self.names.setdefault(value, f"#{len(self.names)}")

    def data(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: self.data(v) for k, v in value.items()}
            if isinstance(out.get("id"), str) and out["id"].startswith("P"):
                out["id"] = self(value["id"])
            if "receipt_hash" in out:
                out["receipt_hash"] = self(value["receipt_hash"])
            if "possible_duplicates" in out:  # sorted by the random ids on both paths
                out["possible_duplicates"].sort(key=lambda d: d["id"])
            return out
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value


def _capture() -> dict[str, Any]:
    """Every table the story touches, with random ids renamed in event order."""
    ids = Ids()
    events = []
    for e in Event.objects.filter(stream__startswith="case/").order_by("id"):
        events.append(
            (
                e.stream,
                e.seq,
                e.kind,
                ids.data(e.payload),
                e.actor,
                e.actor_agency,
                e.actor_unit,
                e.actor_role,
                e.recorded_at,
                e.claimed_at,
                e.legal_basis,
                e.rule_pack,
                e.corrects,
                e.simulated,
            )
        )
    cases = []
    for c in Case.objects.order_by("number").values():
        c["details"] = {**c["details"], "receipt": ids(c["details"]["receipt"])}
        cases.append(c)
    persons = sorted(
        ({**p, "id": ids(p["id"])} for p in Person.objects.values()), key=lambda p: p["id"]
    )
    deadlines = sorted(
        (
            {**d, "id": None, "subject": ids(d["subject"]) if d["subject"] else ""}
            for d in Deadline.objects.values()
        ),
        key=lambda d: (d["case_id"], d["rule"], d["subject"], d["start_seq"]),
    )
    return {
        "events": events,
        "cases": cases,
        "persons": persons,
        "participants": sorted(
            (c, ids(p), r, s)
            for c, p, r, s in CaseParticipant.objects.values_list(
                "case_id", "person_id", "role", "since"
            )
        ),
        "officers": sorted(CaseOfficer.objects.values_list("case_id", "username", "role", "since")),
        "flags": sorted(
            (ids(p), ids(o), r, s)
            for p, o, r, s in DuplicateFlag.objects.values_list(
                "person", "other", "reason", "state"
            )
        ),
        "deadlines": deadlines,
        "heads": sorted(
            StreamHead.objects.filter(stream__startswith="case/").values_list("stream", "seq")
        ),
        "outbox": sorted(
            OutboxMessage.objects.filter(event__stream__startswith="case/").values_list(
                "event__stream", "event__seq", "target", "topic", "state", "attempts"
            )
        ),
    }


def _through_acts(users: dict[str, User], cases: int, seed: int, span: timedelta) -> None:
    """The bulk path's stories, performed act by act as `seeding.seed` performs its own."""
    start = clock.now() + timedelta(seconds=1)
    last = start
    numbers: dict[int, str] = {}
    for at, i, step, _total in bulk_seed.timeline(random.Random(seed), cases, start, span):  # noqa: S311
        at = max(at, last + timedelta(microseconds=1))
        with clock.running_at(at):
            outcome = acts.perform(users[step.actor], step.kind, step.input, case=numbers.get(i))
        numbers.setdefault(i, outcome.result.get("case", ""))
        last = at


def test_bulk_path_writes_what_the_acts_write(
    world: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from icjis.registry import seed as stories

    invent = stories.synthetic_person

    def namesakes_born_on_few_days(rng: random.Random) -> dict[str, Any]:
        # Two surnames and two birth days, so the persons index meets close names born the same
        # day (synthetic names are otherwise nearly all distinct).
        person = invent(rng)
        surname = rng.choice(["Асанов", "Үсөнов"]) + ("а" if person["sex"] == "F" else "")
        birth_date = rng.choice(["1980-05-01", "1985-07-12"])
        return {**person, "surname": surname, "birth_date": birth_date}

    monkeypatch.setattr(stories, "synthetic_person", namesakes_born_on_few_days)
    moment = clock.now()
    span = timedelta(days=40)
    try:
        with transaction.atomic(), clock.running_at(moment):
            _through_acts(world, 40, 11, span)
            by_acts = _capture()
            raise _Rollback
    except _Rollback:
        pass
    assert not Case.objects.exists()
    with clock.running_at(moment):
        report = bulk_seed.seed(40, 11, span_days=40)
    bulk = _capture()
    assert report.cases == 40 and report.events == len(by_acts["events"])
    assert {e[2] for e in by_acts["events"]} == {
        bulk_seed.REGISTER,
        bulk_seed.ASSIGN,
        bulk_seed.PARTICIPANT,
        bulk_seed.OPEN,
        bulk_seed.COPY,
    }
    assert by_acts["flags"], "the stories should meet some possible duplicates"
    assert {d["state"] for d in by_acts["deadlines"]} >= {"running", "met"}
    for table in by_acts:
        assert bulk[table] == by_acts[table], table


def test_bulk_ledger_verifies_and_replays_identically(world: dict[str, User]) -> None:
    report = bulk_seed.seed(300, 5)
    assert report.cases == Case.objects.count() == 300
    assert Deadline.objects.count() == report.deadlines > 300
    heads, faults = verify_chains()
    assert faults == [] and check_heads(heads) == []
    assert sum(seq for s, (seq, _h) in heads.items() if s.startswith("case/")) == report.events
    call_command("verify_ledger")
    count, diffs = rebuild.check()
    assert diffs == []
    assert count == Event.objects.count()
    call_command("rebuild_projections", check=True)
    assert clock.now() > Event.objects.latest("recorded_at").recorded_at


def test_real_acts_after_a_bulk_seed(world: dict[str, User]) -> None:
    bulk_seed.seed(120, 3)
    case = Case.objects.filter(unit_id="GB-UVD", stage="investigation").first()
    assert case is not None
    head = StreamHead.objects.get(stream=f"case/{case.number}")
    outcome = acts.perform(
        world["investigator"],
        "registry.participant.add",
        {
            "role": "witness",
            "person": {"surname": "Сыдыков", "given_name": "Улан", "sex": "M"},
        },
        case=case.number,
    )
    assert outcome.event.seq == head.seq + 1 and outcome.event.prev_hash == head.hash
    last_number = max(
        Case.objects.filter(unit_id="GB-UVD").values_list("number", flat=True),
        key=lambda n: int(n.split("-")[2]),
    )
    registered = acts.perform(
        world["registrar"],
        "registry.report.register",
        {"channel": "phone", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}},
    )
    number = registered.result["case"]
    assert number.split("-")[1] == last_number.split("-")[1]
    if number[:2] == last_number[:2]:  # the same year: the next number of the register
        assert int(number.split("-")[2]) == int(last_number.split("-")[2]) + 1
    heads, faults = verify_chains()
    assert faults == [] and check_heads(heads) == []
    assert rebuild.check()[1] == []


def test_overdue_query_finds_the_reports_nobody_decided(world: dict[str, User]) -> None:
    bulk_seed.seed(200, 8, span_days=60)
    now = clock.now()
    for unit in ("GB-UVD", "OSH-UVD"):
        found = set(
            Deadline.objects.in_state("missed", now)
            .filter(unit_id=unit)
            .values_list("case_id", "rule")
        )
        # Ground truth without the query: every term the engine calls missed now.
        expected = {
            (d.case_id, d.rule)
            for d in Deadline.objects.filter(unit_id=unit)
            if not d.window and engine.effective_state(d.state, d.due_at, now) == "missed"
        }
        assert found == expected
        # A report never decided, registered well over its 10-day term ago, is overdue.
        stale = Case.objects.filter(
            unit_id=unit, stage="pre_investigation", registered_at__lt=now - timedelta(days=20)
        ).values_list("number", flat=True)
        assert stale, "the stories leave some reports undecided"
        assert {(n, "report.decision") for n in stale} <= found


@postgres_only()
def test_bulk_seed_on_committed_batches(committing_db: None) -> None:
    """Outside a transaction, PostgreSQL batches are written by the writer thread; the result
    verifies and replays like the rest."""
    from icjis.core.demo import seed_world
    from icjis.core.seeding import WORLD_SEEDERS

    seed_world()
    for add in WORLD_SEEDERS:
        add()
    report = bulk_seed.seed(150, 21, batch_events=200)
    assert Case.objects.count() == report.cases == 150
    heads, faults = verify_chains()
    assert faults == [] and check_heads(heads) == []
    assert rebuild.check()[1] == []


def test_cut_packs_give_the_engine_the_same_effects(
    world: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path hands the engine each event's pack cut to the rules it can act on; the
    whole pack gives the same effects for every event of the stories, and some events of each
    kind the packs listen to have effects."""
    from icjis.legal.rulepacks import builtin_packs

    whole = {p.id: p for p in builtin_packs()}
    real = engine.apply_event
    compared: dict[str, int] = {}

    def both(pack: Any, event: engine.Event, open_deadlines: Any, **kw: Any) -> Any:
        effects = real(pack, event, open_deadlines, **kw)
        assert len(pack.rules) < len(whole[pack.id].rules)
        assert effects == real(whole[pack.id], event, open_deadlines, **kw)
        compared[event.kind] = compared.get(event.kind, 0) + bool(effects)
        return effects

    monkeypatch.setattr(bulk_seed.engine, "apply_event", both)
    report = bulk_seed.seed(150, 13, span_days=60)
    assert report.deadlines > 150
    assert compared.get(bulk_seed.REGISTER) and compared.get(bulk_seed.OPEN)
    assert sum(compared.values()) > report.cases


@postgres_only()
def test_large_run_writes_without_secondary_indexes_and_rebuilds_them(
    committing_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run large beside the database drops the written tables' secondary indexes, writes
    (committed batches, from the writer thread), and builds them again from the same
    definitions; unique indexes and constraints stay."""
    from django.db import connection

    from icjis.core.demo import seed_world
    from icjis.core.seeding import WORLD_SEEDERS

    seed_world()
    for add in WORLD_SEEDERS:
        add()

    tables = [m._meta.db_table for m in bulk_seed.Rows().models]

    def indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND schemaname = current_schema() ORDER BY 1",
                [tables],
            )
            return list(cur.fetchall())

    before = indexes()
    secondary = bulk_seed._secondary_indexes(tables)
    assert len(secondary) > 20 and "person_match_key_trgm" in {n for n, _d in secondary}
    during: list[set[str]] = []
    write = bulk_seed.write_batch

    def watched(rows: Any, counters: Any) -> None:
        during.append({n for n, _d in indexes()})
        write(rows, counters)

    monkeypatch.setattr(bulk_seed, "write_batch", watched)
    monkeypatch.setattr(bulk_seed, "REBUILD_INDEXES_AT", 50)
    report = bulk_seed.seed(60, 4, batch_events=100)
    assert report.cases == Case.objects.count() == 60
    assert len(during) > 1
    assert all(names == {n for n, _d in before} - {n for n, _d in secondary} for names in during)
    assert indexes() == before
    heads, faults = verify_chains()
    assert faults == [] and check_heads(heads) == []
    assert rebuild.check()[1] == []
    # Small beside what the database holds now: the indexes stay.
    during.clear()
    bulk_seed.seed(55, 5, batch_events=100)
    assert during and all(names == {n for n, _d in before} for names in during)
    assert indexes() == before


def test_the_bulk_seeders_name_fields_are_the_acts():
    """The bulk seeder builds the Latin name and the name key from its own large cache of
    parts; an act (`persons.name_fields`) from `name_part`'s smaller one; both are the Latin
    forms joined and the key that searches and duplicate checks compute
    (`names.full_name_key`). Synthetic names, with and without a patronymic."""
    from icjis.core.names import full_name_key, to_latin
    from icjis.core.persons import name_fields
    from icjis.core.synthetic_names import synthetic_name

    rng = random.Random(3)
    for _ in range(2000):
        surname, given, patronymic, _sex = synthetic_name(rng)
        for parts in ((surname, given, patronymic), (surname, given, ""), ("Ли", "Ён", "")):
            assert bulk_seed._names(*parts) == name_fields(*parts), parts
            latin = " ".join(to_latin(p) for p in parts if p)
            assert name_fields(*parts) == (latin, full_name_key(*parts)), parts
