"""The bulk seeding path behind `icjis seed --bulk --cases N --seed S`.

`core.seeding` performs every act through `acts.perform` (5-20 cases/s). This path builds the
same ledger for one simple pre-trial story per case — a report registered with its applicant,
assigned to the unit's investigator, one to three participants added (new synthetic persons),
most reports opened as cases under an article, most openings copied to the prosecutor — and
writes it in large batches (PostgreSQL `COPY`, SQLite `executemany`).

What makes it the act path's twin rather than a look-alike:
- the event data is what the acts' `decide` records, built with the same functions (register
  numbers `numbering.format_number`, legislation set and rule pack `legal.rulepacks`, the
  article's qualification `registry.common.qualify`, names `core.names`, person ids
  `persons.new_person_id`, possible duplicates by `names.close_names` over the persons
  recorded before, as `persons.find_duplicates` does);
- every event is hashed by the ledger's own encoding (`ledger.canonical_row`) into its stream's
  chain, actor role by `acts.acting_role`, legal basis from the act kind, one outbox message per
  event target as `ledger.append` writes;
- legal terms come from the deadline engine itself (`legal.engine.apply_event` with the case's
  rule pack), applied to Deadline rows as `legal.deadlines.on_event` does;
- tests (tests/core/test_bulk_seed.py) replay the bulk ledger through the real projectors
  (`rebuild-projections --check`), verify the chains, and perform the same stories through
  `acts.perform` to compare event data and deadlines field by field.

Time as in `seeding.seed`: stories are laid on one timeline starting at the simulation clock,
events are produced in time order (so ids follow time, numbers follow registration and a
person's possible duplicates are the persons recorded before), and the clock is moved to the
end of the timeline at the end — nothing back-dated. Events, stream heads, outbox messages and
persons are written as they happen; a case's projection rows (case, units, officers,
participants, receipt, deadlines) and its stream head when its story is complete. Each batch is
one transaction (on PostgreSQL written by a thread while the next batch is built); after the
last one every table is what the acts would have left. An interrupted run leaves the stories
still in progress without head and projection rows: drop such a database (a seed is demo data).
Register counters are read once and moved with each batch, so seed a quiet database: a
registration made meanwhile would take a number the run also gives, and the batch would fail.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import heapq
import json
import queue
import random
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from icjis.core import acts, clock, numbering
from icjis.core.canonical import dumps, sha256_hex
from icjis.core.ledger import GENESIS, canonical_row
from icjis.core.models import (
    Case,
    CaseOfficer,
    CaseParticipant,
    CaseUnit,
    DuplicateFlag,
    Event,
    NumberCounter,
    OutboxMessage,
    Person,
    StreamHead,
    Unit,
    User,
)
from icjis.core.names import close_names
from icjis.core.persons import (
    DUPLICATE_THRESHOLD,
    SAME_DAY_SCAN,
    name_fields,
    name_part,
    new_person_id,
)
from icjis.legal import engine
from icjis.legal.deadlines import facts_with_births, listened_kinds
from icjis.legal.rulepacks import RulePack

REGISTER = "registry.report.register"
ASSIGN = "registry.case.assign"
PARTICIPANT = "registry.participant.add"
OPEN = "registry.case.open"
COPY = "registry.copy.send"
OPEN_TERMS = ("running", "suspended")


# --- the stories ---------------------------------------------------------------------------------


@dataclass
class Step:
    after: timedelta  # from the story's start
    actor: str
    kind: str
    input: dict[str, Any]  # what a client would send


def story(rng: random.Random) -> list[Step]:
    """One case: registered (with its applicant), assigned, 1-3 participants, mostly opened
    under an article and the opening copied to the prosecutor. Some reports are never decided
    and some openings never copied, so their terms run out (for the overdue lists)."""
    from icjis.registry.seed import ARTICLES, SITES, SUMMARIES, synthetic_person

    suffix, region, _district = rng.choice(SITES)
    at = timedelta(0)
    steps = [
        Step(
            at,
            "registrar" + suffix,
            REGISTER,
            {
                "channel": rng.choice(["in_person", "in_person", "phone", "online", "dispatch"]),
                "summary": rng.choice(SUMMARIES),
                "place": {"region": region},
                "applicant": synthetic_person(rng),
            },
        )
    ]
    at += timedelta(hours=rng.randint(1, 20))
    steps.append(Step(at, "unit_head" + suffix, ASSIGN, {"officer": "investigator" + suffix}))
    for role in ["suspect"] + rng.sample(["victim", "witness"], rng.randint(0, 2)):
        at += timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 8))
        steps.append(
            Step(
                at,
                "investigator" + suffix,
                PARTICIPANT,
                {"role": role, "person": synthetic_person(rng)},
            )
        )
    if rng.random() < 0.85:
        at += timedelta(days=rng.randint(1, 8), hours=rng.randint(0, 8))
        steps.append(Step(at, "investigator" + suffix, OPEN, dict(rng.choice(ARTICLES))))
        if rng.random() < 0.8:
            at += timedelta(hours=rng.randint(1, 30))
            steps.append(Step(at, "investigator" + suffix, COPY, {"document": "opening_decision"}))
    return steps


def timeline(
    rng: random.Random, n: int, start: datetime, span: timedelta
) -> Iterable[tuple[datetime, int, Step, int]]:
    """Every step of `n` stories in time order (ties by story, then step) with its story's
    number of steps, generated lazily: story i starts in the i-th slice of the span, so a step
    is final once the next story's slice begins after it."""
    heap: list[tuple[datetime, int, int, Step, int]] = []
    for i in range(n):
        begin = start + span * ((i + rng.random()) / max(n, 1))
        while heap and heap[0][0] < begin:
            at, ci, _j, step, total = heapq.heappop(heap)
            yield at, ci, step, total
        steps = story(rng)
        for j, step in enumerate(steps):
            heapq.heappush(heap, (begin + step.after, i, j, step, len(steps)))
    while heap:
        at, ci, _j, step, total = heapq.heappop(heap)
        yield at, ci, step, total


# --- persons and their possible duplicates --------------------------------------------------------


class DuplicateIndex:
    """Persons by birth date, answering what `persons.find_duplicates` answers for a person
    without a PIN: of the first `SAME_DAY_SCAN` persons recorded on their birth day, those whose
    name key is close (`names.close_names`, the same test)."""

    def __init__(self) -> None:
        self.ids: dict[date, list[str]] = {}
        self.keys: dict[date, list[str]] = {}

    def add(self, pid: str, born: date | None, key: str) -> None:
        if born is None:
            return
        self.ids.setdefault(born, []).append(pid)
        self.keys.setdefault(born, []).append(key)

    def find(self, born: date | None, key: str) -> list[dict[str, str]]:
        if born is None or born not in self.ids:
            return []
        # Beyond SAME_DAY_SCAN persons a day the act path reads only some of them; here the
        # first recorded.
        close = close_names(key, self.keys[born][:SAME_DAY_SCAN], DUPLICATE_THRESHOLD)
        ids = self.ids[born]
        return [
            {"id": pid, "reason": "same_birth_date_close_name"}
            for pid in sorted(ids[i] for i in close)
        ]

    def load(self) -> None:
        rows = Person.objects.order_by("recorded_at", "id").values_list(
            "id", "birth_date", "match_key"
        )
        for pid, born, key in rows.iterator(chunk_size=20000):
            self.add(pid, born, key)


# What `persons.prepare_person` records, with each part of a name worked out once.
_names = functools.partial(name_fields, part=functools.lru_cache(maxsize=1 << 18)(name_part))


def person_record(given: dict[str, Any], pid: str, index: DuplicateIndex) -> dict[str, Any]:
    """What `persons.prepare_person` records for a new person given without a PIN."""
    patronymic = given.get("patronymic") or ""
    latin, key = _names(given["surname"], given["given_name"], patronymic)
    born = date.fromisoformat(given["birth_date"]) if given.get("birth_date") else None
    record = {
        "id": pid,
        "existing": False,
        "pin": None,
        "surname": given["surname"],
        "given_name": given["given_name"],
        "patronymic": patronymic,
        "birth_date": born.isoformat() if born else None,
        "sex": given["sex"],
        "citizenship": given.get("citizenship") or "",
        "latin_name": latin,
        "match_key": key,
    }
    if given.get("residence"):  # the stories' places are the seeded territories' codes
        record["residence"] = given["residence"]
    record["possible_duplicates"] = index.find(born, key)
    return record


class PersonIds:
    """New person ids (`persons.new_person_id`), checked in blocks against the index and each
    other so a rare collision of random ids never aborts a batch."""

    def __init__(self) -> None:
        self.pool: list[str] = []
        self.given: set[str] = set()

    def take(self) -> str:
        if not self.pool:
            block = {new_person_id() for _ in range(5000)} - self.given
            block -= set(Person.objects.filter(id__in=block).values_list("id", flat=True))
            self.pool = sorted(block, reverse=True)
        pid = self.pool.pop()
        self.given.add(pid)
        return pid


# --- the rows a batch writes ----------------------------------------------------------------------


class Rows:
    """Rows per model, in the order of `columns(model)`, written at the end of each batch."""

    ORDER = (
        Event,
        OutboxMessage,
        Person,
        DuplicateFlag,
        Case,
        CaseUnit,
        "registry.Receipt",
        CaseOfficer,
        CaseParticipant,
        "legal.Deadline",
        StreamHead,
    )

    def __init__(self) -> None:
        from django.apps import apps

        self.models = [apps.get_model(m) if isinstance(m, str) else m for m in self.ORDER]
        self.rows: dict[type[models.Model], list[tuple[Any, ...]]] = {m: [] for m in self.models}

    def add(self, model: type[models.Model], row: tuple[Any, ...]) -> None:
        self.rows[model].append(row)

    def total(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def write(self) -> None:
        for model in self.models:
            rows = self.rows[model]
            if rows:
                write_rows(model, rows)
                rows.clear()


_COLUMNS: dict[type[models.Model], list[models.Field[Any, Any]]] = {}


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields a row gives: every concrete field but an automatic id (Event: with its id)."""
    if model not in _COLUMNS:
        _COLUMNS[model] = [
            f
            for f in model._meta.concrete_fields
            if model is Event
            or not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
    return _COLUMNS[model]


def write_rows(model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
    fields = columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        cells = list(row)
                        for i in json_at:
                            cells[i] = json.dumps(cells[i])
                        row = tuple(cells)
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            prepared = [
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
                for row in rows
            ]
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608


class EventIds:
    """Event ids taken ahead: PostgreSQL from the table's own sequence, in blocks; SQLite (one
    writer at a time) counting on from the largest id used, read once per batch."""

    def __init__(self) -> None:
        self.pool: list[int] = []
        self.next = 0

    def take(self) -> int:
        if self.pool:
            return self.pool.pop()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence('core_event', 'id')) "
                    "FROM generate_series(1, 5000)"
                )
                self.pool = sorted((r[0] for r in cur.fetchall()), reverse=True)
            return self.pool.pop()
        if not self.next:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM core_event UNION ALL "
                    "SELECT seq FROM sqlite_sequence WHERE name = 'core_event')"
                )
                self.next = (cur.fetchone()[0] or 0) + 1
        self.next += 1
        return self.next - 1

    def batch_written(self) -> None:
        self.next = 0


# --- one case as its projections hold it ----------------------------------------------------------


@dataclass
class CaseState:
    number: str
    unit: str
    territory_path: str
    legislation_set: str
    rule_pack: str
    registered_at: datetime
    summary: str
    details: dict[str, Any]
    receipt: str
    steps_left: int
    stage: str = "registered"
    last_movement_at: datetime | None = None
    article: str = ""
    article_part: int | None = None
    criminal_code: str = ""
    category: str = ""
    seq: int = 0
    hash: str = GENESIS
    officers: list[tuple[str, str, datetime]] = field(default_factory=list)
    participants: list[tuple[str, str, datetime]] = field(default_factory=list)
    births: dict[str, date | None] = field(default_factory=dict)
    deadlines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BulkReport:
    cases: int = 0
    events: int = 0
    persons: int = 0
    deadlines: int = 0
    ends_at: datetime | None = None


class Seeder:
    """Decides and records each step of the stories as its act would, in time order."""

    def __init__(self) -> None:
        from django.apps import apps

        self.users = {u.username: u for u in User.objects.select_related("unit__territory")}
        self.units = {u.code: u for u in Unit.objects.select_related("territory")}
        self.index = DuplicateIndex()
        self.index.load()
        self.person_ids = PersonIds()
        self.event_ids = EventIds()
        self.rows = Rows()
        self.cases: dict[int, CaseState] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.report = BulkReport()
        self.simulated = clock.simulated()
        self.receipt_model = apps.get_model("registry.Receipt")
        self.deadline_model = apps.get_model("legal.Deadline")
        self._qualified: dict[tuple[str, str, int | None], dict[str, Any]] = {}
        self._days: dict[date, tuple[str, str]] = {}
        self._listened = listened_kinds()

    # -- the acts' decide steps -------------------------------------------------------------------

    def _number(self, unit: Unit, year: int) -> tuple[str, int]:
        """`numbering.take_number` for the run: the counter is read once and moved with each
        batch. A registration by someone else meanwhile would take a number this run also
        gives, and the batch then fails on the case's primary key: seed a quiet database."""
        key = (unit.code, year)
        if key not in self.counters:
            row = NumberCounter.objects.filter(unit=unit, year=year).first()
            self.counters[key] = row.last if row else 0
        seq = self.counters[key] + 1
        if seq > 999_999:
            raise OverflowError(f"unit {unit.code} has used every number of {year}")
        self.counters[key] = seq
        return numbering.format_number(year, unit.register_code, seq), seq

    def _sets_on(self, day: date) -> tuple[str, str]:
        from icjis.legal.rulepacks import legislation_set_on, pack_in_force

        if day not in self._days:
            self._days[day] = (legislation_set_on(day).id, pack_in_force(day).id)
        return self._days[day]

    def _person(self, given: dict[str, Any], at: datetime) -> dict[str, Any]:
        record = person_record(given, self.person_ids.take(), self.index)
        born = date.fromisoformat(record["birth_date"]) if record["birth_date"] else None
        self.index.add(record["id"], born, record["match_key"])
        self.rows.add(
            Person,
            (
                record["id"],
                record["pin"],
                record["surname"],
                record["given_name"],
                record["patronymic"],
                born,
                record["sex"],
                record["citizenship"],
                record.get("residence"),
                record["latin_name"],
                record["match_key"],
                None,
                at,
            ),
        )
        for dup in record["possible_duplicates"]:
            self.rows.add(DuplicateFlag, (record["id"], dup["id"], dup["reason"], "open"))
        self.report.persons += 1
        return record

    def _register(self, i: int, step: Step, user: User, at: datetime) -> tuple[str, dict]:
        from icjis.registry.acts import LOCAL

        unit = self.units[user.unit_id]
        local_today = at.astimezone(LOCAL).date()
        applicant = self._person(step.input["applicant"], at)
        number, seq = self._number(unit, local_today.year)
        legislation_set, rule_pack = self._sets_on(local_today)
        token = secrets.token_urlsafe(18)  # told once to the applicant, never stored
        place = {"region": step.input["place"]["region"], "district": None, "address": None}
        data = {
            "number": number,
            "year": local_today.year,
            "seq": seq,
            "unit": unit.code,
            "channel": step.input["channel"],
            "summary": step.input["summary"],
            "place": place,
            "occurred_at": None,
            "applicant": applicant,
            "receipt_hash": sha256_hex(token),
            "legislation_set": legislation_set,
            "rule_pack": rule_pack,
        }
        case = CaseState(
            number=number,
            unit=unit.code,
            territory_path=unit.territory.path,
            legislation_set=legislation_set,
            rule_pack=rule_pack,
            registered_at=at,
            summary=data["summary"],
            details={
                "channel": data["channel"],
                "place": place,
                "receipt": data["receipt_hash"],
                "occurred_at": None,
            },
            receipt=data["receipt_hash"],
            steps_left=0,
            last_movement_at=at,
        )
        case.participants.append((applicant["id"], "applicant", at))
        case.births[applicant["id"]] = _born(applicant)
        self.cases[i] = case
        return f"case/{number}", data

    def _decide(self, case: CaseState, step: Step, at: datetime) -> dict[str, Any]:
        if step.kind == ASSIGN:
            return {"officer": step.input["officer"]}
        if step.kind == PARTICIPANT:
            person = self._person(step.input["person"], at)
            case.births[person["id"]] = _born(person)
            return {"role": step.input["role"], "person": person}
        if step.kind == OPEN:
            return self._qualify(case, step.input["article"], step.input.get("part"))
        if step.kind == COPY:
            return {"document": "opening_decision", "person": None}
        raise ValueError(f"the bulk path has no story step {step.kind}")

    def _qualify(self, case: CaseState, article: str, part: int | None) -> dict[str, Any]:
        from icjis.registry.common import qualify

        key = (case.criminal_code or case.legislation_set, article, part)
        if key not in self._qualified:
            probe = Case(legislation_set=case.legislation_set, criminal_code=case.criminal_code)
            self._qualified[key] = qualify(probe, article, part)
        return dict(self._qualified[key])

    # -- the projectors ----------------------------------------------------------------------------

    @staticmethod
    def _apply(case: CaseState, kind: str, data: dict[str, Any], at: datetime) -> None:
        """What the act kinds' projectors do to the case (registry.acts, registry.procedure)."""
        if kind == ASSIGN:
            case.officers = [o for o in case.officers if o[1] != "investigator"]
            case.officers.append((data["officer"], "investigator", at))
            if case.stage == "registered":
                case.stage = "pre_investigation"
        elif kind == PARTICIPANT:
            case.participants.append((data["person"]["id"], data["role"], at))
        elif kind == OPEN:
            case.stage = "investigation"
            case.article, case.article_part = data["article"], data["part"]
            case.criminal_code, case.category = data["code"], data["category"] or ""
        elif kind == COPY:
            copies = [*case.details.get("copies_to_prosecutor", []), data]
            case.details = {**case.details, "copies_to_prosecutor": copies}
        case.last_movement_at = at

    def _terms(self, case: CaseState, kind: str, data: dict[str, Any], at: datetime) -> None:
        """`legal.deadlines.on_event` on the case held in memory: the engine's effects on the
        case's open terms, applied to its Deadline rows."""
        if kind not in self._listened:
            return
        rows = {(d["rule"], d["subject"]): d for d in case.deadlines if d["state"] in OPEN_TERMS}
        pack = self._pack(case.rule_pack or case.legislation_set, kind, rows)
        views = [
            engine.OpenDeadline(
                d["rule"],
                d["subject"] or None,
                d["starts_at"],
                d["due_at"],
                d["state"],
                d["suspended_at"],
                timedelta(seconds=d["suspended_seconds"]),
                d["duration"] or None,
            )
            for d in rows.values()
        ]
        event = engine.Event(
            kind, data, at, case.seq, facts_with_births(case, data, at, case.births.get)
        )
        for effect in engine.apply_event(pack, event, views):
            key = (effect.rule_id, effect.subject or "")
            if isinstance(effect, engine.Start):
                row = {
                    "rule_pack": pack.id,
                    "rule": effect.rule_id,
                    "subject": effect.subject or "",
                    "title": effect.title.get("en"),
                    "article": effect.article,
                    "start_seq": case.seq,
                    "starts_at": effect.starts_at,
                    "due_at": effect.due_at,
                    "warn_at": effect.warn_at,
                    "state": "running",
                    "closed_at": None,
                    "suspended_at": None,
                    "suspended_seconds": 0,
                    "duration": str(effect.duration) if effect.duration else "",
                    "window": effect.window,
                    "notify": list(effect.notify),
                }
                case.deadlines.append(row)
                rows[key] = row
                continue
            row = rows[key]
            if isinstance(effect, engine.Met):
                late = effect.late and not row["window"]
                row["state"], row["closed_at"] = ("missed" if late else "met"), effect.at
            elif isinstance(effect, engine.Cancelled):
                row["state"], row["closed_at"] = "cancelled", effect.at
            elif isinstance(effect, engine.Suspended):
                row["state"], row["suspended_at"] = "suspended", effect.at
            elif isinstance(effect, engine.Resumed):
                row["state"], row["suspended_at"] = "running", None
                row["due_at"], row["warn_at"] = effect.due_at, effect.warn_at
                row["suspended_seconds"] = int(effect.suspended_total.total_seconds())
            elif isinstance(effect, engine.Extended):
                row["due_at"], row["warn_at"] = effect.due_at, effect.warn_at
                row["duration"] = str(effect.duration) if effect.duration else ""

    def _pack(self, set_id: str, kind: str, open_terms: Iterable[tuple[str, str]]) -> RulePack:
        """The case's pack as `engine.apply_event` needs it for an event of `kind` while the
        `open_terms` run (`engine.rules_for`: only the rules it can act on)."""
        from icjis.legal.engine import rules_for
        from icjis.legal.rulepacks import pack_for_set

        return rules_for(pack_for_set(set_id), kind, frozenset(r for r, _s in open_terms))

    # -- recording ---------------------------------------------------------------------------------

    def step(self, i: int, step: Step, at: datetime, total: int) -> None:
        """Record step `step` of story `i` (of `total` steps) at `at`."""
        user = self.users[step.actor]
        kind = acts.KINDS[step.kind]
        if step.kind == REGISTER:
            stream, data = self._register(i, step, user, at)
            case = self.cases[i]
            case.steps_left = total
        else:
            case = self.cases[i]
            stream = f"case/{case.number}"
            data = self._decide(case, step, at)
        case.seq += 1
        event_id = self.event_ids.take()
        row = (
            stream,
            case.seq,
            step.kind,
            dumps(data),
            user.username,
            user.agency_id or "",
            user.unit_id or "",
            acts.acting_role(user, kind),
            at,
            None,
            kind.legal_basis,
            case.rule_pack,
            None,
            self.simulated,
            case.hash,
        )
        body = canonical_row(row).encode()
        digest = hashlib.sha256(body).hexdigest()
        self.rows.add(Event, (event_id, *row, digest, body))
        case.hash = digest
        for outbox_row in acts.outbox_rows(step.kind, clock.wall()):
            self.rows.add(OutboxMessage, (event_id, *outbox_row))
        self.report.events += 1
        if step.kind != REGISTER:
            self._apply(case, step.kind, data, at)
        self._terms(case, step.kind, data, at)
        case.steps_left -= 1
        if case.steps_left == 0:
            self._finish(i)

    def _finish(self, i: int) -> None:
        case = self.cases.pop(i)
        add = self.rows.add
        add(
            Case,
            (
                case.number,
                case.stage,
                case.legislation_set,
                case.rule_pack,
                case.unit,
                case.territory_path,
                case.registered_at,
                case.last_movement_at,
                case.summary,
                case.article,
                case.article_part,
                case.criminal_code,
                case.category,
                None,
                case.details,
            ),
        )
        add(CaseUnit, (case.number, case.unit, "registering"))
        add(self.receipt_model, (case.receipt, case.number, case.registered_at, None))
        for username, role, since in case.officers:
            add(CaseOfficer, (case.number, username, role, since))
        for pid, role, since in case.participants:
            add(CaseParticipant, (case.number, pid, role, since))
        for d in case.deadlines:
            add(self.deadline_model, _deadline_row(case, d))
        add(StreamHead, (f"case/{case.number}", case.seq, case.hash))
        self.report.cases += 1
        self.report.deadlines += len(case.deadlines)

    def batch(self) -> tuple[Rows, dict[tuple[str, int], int]]:
        """Hand over the rows recorded so far and the register counters they move."""
        rows, self.rows = self.rows, Rows()
        return rows, dict(self.counters)


def write_batch(rows: Rows, counters: dict[tuple[str, int], int]) -> None:
    """One batch in one transaction: its rows, and the register counters moved to the numbers
    it gives (`numbering.note_number`). On PostgreSQL the commit does not wait for the WAL to
    reach the disk (`SET LOCAL synchronous_commit = off`, this transaction only): a seed is demo
    data, and a crash can lose at most the last batches, never leave one half written (the
    transaction is still atomic) — drop such a database, as after any interrupted run."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        rows.write()
        for (unit, year), last in counters.items():
            numbering.note_number(unit, year, last)


class Writer:
    """Writes batches: on PostgreSQL in a thread with its own connection, so the database
    takes one batch in while the next is built (the driver releases the GIL while it waits);
    elsewhere, or inside a transaction (tests), at once."""

    def __init__(self) -> None:
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[Rows, dict[tuple[str, int], int]] | None] = queue.Queue(1)
        self.thread: threading.Thread | None = None
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="bulk-seed-writer")
            self.thread.start()

    def _run(self) -> None:
        from django.db import connections

        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    write_batch(*item)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connections.close_all()

    def submit(self, rows: Rows, counters: dict[tuple[str, int], int]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            write_batch(rows, counters)
        else:
            self.queue.put((rows, counters))

    def close(self) -> None:
        """Wait for the batches handed over; raise what the writer met."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


def _born(record: dict[str, Any]) -> date | None:
    return date.fromisoformat(record["birth_date"]) if record["birth_date"] else None


def _deadline_row(case: CaseState, d: dict[str, Any]) -> tuple[Any, ...]:
    """A Deadline row in `columns(Deadline)` order (unit and territory: the case's, as the
    engine hook writes them; no transfer happens in these stories)."""
    return (
        case.number,
        case.unit,
        case.territory_path,
        d["rule_pack"],
        d["rule"],
        d["subject"],
        d["title"],
        d["article"],
        d["start_seq"],
        d["starts_at"],
        d["due_at"],
        d["warn_at"],
        d["state"],
        d["closed_at"],
        d["suspended_at"],
        d["suspended_seconds"],
        d["duration"],
        d["window"],
        d["notify"],
    )


def _check_columns() -> None:
    """The row tuples above are positional: refuse to run if a model's columns moved."""
    from django.apps import apps

    expected = {
        Event: "id stream seq kind data actor actor_agency actor_unit actor_role recorded_at "
        "claimed_at legal_basis rule_pack corrects simulated prev_hash hash body",
        OutboxMessage: "event target topic state attempts next_attempt_at last_error "
        "delivered_at alerted",
        Person: "id pin surname given_name patronymic birth_date sex citizenship residence "
        "latin_name match_key merged_into recorded_at",
        DuplicateFlag: "person other reason state",
        Case: "number stage legislation_set rule_pack unit territory_path registered_at "
        "last_movement_at summary article article_part criminal_code category court details",
        CaseUnit: "case unit capacity",
        apps.get_model("registry.Receipt"): "token_hash case issued_at revoked_at",
        CaseOfficer: "case username role since",
        CaseParticipant: "case person role since",
        apps.get_model("legal.Deadline"): "case unit territory_path rule_pack rule subject "
        "title article start_seq starts_at due_at warn_at state closed_at suspended_at "
        "suspended_seconds duration window notify",
        StreamHead: "stream seq hash",
    }
    for model, names in expected.items():
        found = " ".join(f.name for f in columns(model))
        if found != names:
            raise RuntimeError(f"bulk seeding: {model.__name__} columns changed: {found}")


REBUILD_INDEXES_AT = 20_000  # cases: a run this large on PostgreSQL drops and rebuilds indexes


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that are neither unique nor back a constraint
    (primary keys, unique constraints and unique indexes stay, so every check the database makes
    on a row is still made)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ic.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = x.indrelid "
            "WHERE tc.relname = ANY(%s) AND tc.relnamespace = current_schema()::regnamespace "
            "AND NOT x.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
            "ORDER BY tc.relname, ic.relname",
            [tables],
        )
        return list(cur.fetchall())


def drop_indexes(cases: int, tables: list[str]) -> list[tuple[str, str]]:
    """For a run of at least REBUILD_INDEXES_AT cases that at least doubles the cases held, drop
    the written tables' secondary indexes (returned, to be rebuilt by `rebuild_indexes`):
    building each once after the load is much cheaper than maintaining it row by row through
    the COPYs. Only for committed batches on PostgreSQL (not inside a transaction, where the
    deferred foreign-key checks still pending would refuse CREATE INDEX), and not for a run
    small beside what the database already holds."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    if cases < REBUILD_INDEXES_AT or Case.objects.count() > cases:
        return []
    dropped = _secondary_indexes(tables)
    with connection.cursor() as cur:
        for name, _definition in dropped:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return dropped


def rebuild_indexes(dropped: list[tuple[str, str]]) -> None:
    """Create the dropped indexes again from their own definitions."""
    if not dropped:
        return
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in dropped:
            cur.execute(definition)
        cur.execute("RESET maintenance_work_mem")


def seed(
    cases: int,
    seed_value: int,
    *,
    span_days: int = 120,
    batch_events: int = 20000,
    progress: Callable[[BulkReport], None] | None = None,
) -> BulkReport:
    """Seed `cases` stories in bulk, committed every `batch_events` events; then move the
    simulation clock to the last event (PostgreSQL: and VACUUM and ANALYZE the tables written). The
    report's counts are of what was built; every batch is written when this returns. A large
    run on PostgreSQL writes without the secondary indexes and builds them at the end (also
    when it fails); a run killed meanwhile leaves them missing — drop such a database."""
    if settings.PRODUCTION:
        raise clock.ClockRefused("Seeding synthetic data is refused in production.")
    _check_columns()
    rng = random.Random(seed_value)  # noqa: S311 - synthetic data, reproducible by seed
    seeder = Seeder()
    start = clock.now() + timedelta(seconds=1)
    last = start
    pending = 0
    dropped = drop_indexes(cases, [m._meta.db_table for m in seeder.rows.models])
    try:
        # The persons index and the cases in progress are long-lived and hold no cycles: keep
        # the cyclic garbage collector from walking them again and again as they grow (a
        # quarter of the CPU on a database with 300k persons). Frozen objects are still freed
        # by their reference counts; the collector gets them all back at the end.
        gc.freeze()
        writer = Writer()
        try:
            for at, i, step, total in timeline(rng, cases, start, timedelta(days=span_days)):
                at = max(at, last + timedelta(microseconds=1))
                seeder.step(i, step, at, total)
                last = at
                pending += 1
                if pending >= batch_events:
                    writer.submit(*seeder.batch())
                    seeder.event_ids.batch_written()
                    gc.freeze()
                    if progress:
                        progress(seeder.report)
                    pending = 0
            writer.submit(*seeder.batch())
        finally:
            writer.close()
    finally:
        gc.unfreeze()
        rebuild_indexes(dropped)
    if progress:
        progress(seeder.report)
    if last > clock.now():
        clock.advance(last - clock.now())
    seeder.report.ends_at = last
    if connection.vendor == "postgresql":
        # Outside a transaction, VACUUM too: it marks the pages just written all-visible (index-
        # only scans need that) and sets their hint bits, as autovacuum would some minutes later;
        # otherwise that work falls on whatever runs next on a freshly seeded database.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cur:
            for model in seeder.rows.models:
                cur.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return seeder.report
