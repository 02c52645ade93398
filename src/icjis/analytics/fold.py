"""The statistics, computed only from the immutable record: one pass over the ledger's events in
the order they were appended, up to a cut, with nothing read from the projections. So a figure
cannot be massaged by editing a table: it is what the recorded acts say, and anyone holding the
ledger can compute it again (`icjis statistics --check`).

The cut is a moment: every event recorded before it counts, none after. A month's figures are
computed once the month has ended, so a later act counts in the month it is recorded in and
never changes one already published.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from icjis.analytics import terms
from icjis.analytics.metrics import BREAKDOWNS, METRICS, SOURCE_KINDS
from icjis.core.canonical import dumps, sha256_hex
from icjis.core.models import Event
from icjis.core.persons import age_on
from icjis.core.units import region_of
from icjis.legal import engine
from icjis.legal.counting import LOCAL_TZ, local_date, parse_moment
from icjis.legal.rulepacks import RulePack, builtin_packs, pack_for_set

Key = tuple[str, str, tuple[str, ...]]  # metric, period, breakdown values (in BREAKDOWNS order)
COLUMNS = ("metric", "period", *BREAKDOWNS, "measure", "value")
CHUNK = 2000
PERIOD = r"^20\d\d-(0[1-9]|1[0-2])$"
"""A month as the statistics name it: "2026-11"."""


def month_of(moment: datetime) -> str:
    return local_date(moment).strftime("%Y-%m")


def month_start(period: str) -> datetime:
    """00:00 local time of the first day of `period` ("2026-11")."""
    year, month = (int(x) for x in period.split("-"))
    return datetime(year, month, 1, tzinfo=LOCAL_TZ)


def next_month(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return ""
    age = age_on(birth, on)
    if age < 18:
        return "0-17"
    if age < 30:
        return "18-29"
    if age < 50:
        return "30-49"
    return "50+"


def article_of(data: dict[str, Any]) -> str:
    """An article with its code ("kg-cc-2021/205"): the same number in two codes is two
    offences."""
    article = str(data.get("article") or "")
    return f"{data['code']}/{article}" if article and data.get("code") else article


def _som(amount: Any) -> int:
    """A sum of money recorded as a decimal string, in whole som (rounded half up)."""
    try:
        return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (ArithmeticError, ValueError):
        return 0


@dataclass
class Figures:
    """What the fold found: every cell of every metric, as additive counts, with the ledger
    position it reached (the count of events read, and the last one's id and hash)."""

    cut: datetime
    cells: Counter[tuple[Key, str]] = field(default_factory=Counter)
    events: int = 0
    last: dict[str, Any] | None = None

    def add(self, metric: str, at: datetime, measures: dict[str, int], **by: str) -> None:
        key = (metric, month_of(at), tuple(str(by.get(b, "") or "") for b in BREAKDOWNS))
        for measure, value in measures.items():
            self.cells[(key, measure)] += value

    def rows(self, period: str | None = None) -> list[tuple[Any, ...]]:
        """The tidy table: one row per metric, period, breakdown and measure, sorted, without
        zeros (a stock that fell back to nothing is no row, as a flow that never happened)."""
        out = [
            (metric, p, *by, measure, value)
            for ((metric, p, by), measure), value in self.cells.items()
            if value and (period is None or p == period)
        ]
        return sorted(out)

    def periods(self) -> list[str]:
        return sorted({p for ((_, p, _), _) in self.cells})


def digest(rows: list[tuple[Any, ...]]) -> str:
    """The SHA-256 of the rows in a canonical form: two computations agree if and only if they
    found the same figures."""
    return sha256_hex(dumps([list(r) for r in rows]))


@dataclass
class _Arrest:
    at: datetime  # the hour of detention (the protocol's)
    recorded_at: datetime  # when the arrest entered the ledger
    region: str
    sex: str
    age: str
    limit_hours: int | None

    def passes_limit(self) -> datetime | None:
        return self.at + timedelta(hours=self.limit_hours) if self.limit_hours is not None else None


@dataclass
class _Held:
    place: str
    sex: str
    age: str
    kind: str = ""


@dataclass
class _Incident:
    """A call for service while it is open: where, what, and when its first crews went."""

    region: str
    type: str
    received: datetime
    dispatched: datetime | None = None
    arrived: datetime | None = None

    def minutes(self, at: datetime) -> int:
        """Whole minutes from the call to `at`, rounded half up."""
        return int((at - self.received).total_seconds() / 60 + 0.5)


class _Fold:
    """The state of one pass: what earlier events said that later ones need."""

    def __init__(self, figures: Figures, until: datetime, *, keep_terms: bool = False) -> None:
        self.f = figures
        self.until = until
        self.keep_terms = keep_terms
        self.region: dict[str, str] = {}  # stream → region of the place of the crime
        self.persons: dict[str, tuple[str, date | None]] = {}  # id → sex, birth date
        self.charged: set[tuple[str, str]] = set()  # (stream, person) charged before
        self.court_registered: dict[str, datetime] = {}  # stream → first-instance registration
        self.appeals_filed: dict[str, datetime] = {}  # appeal id → when filed
        self.offences: dict[str, tuple[str, str]] = {}  # offence → region, article
        self.fines: dict[str, str] = {}  # fine file → region of enforcement
        self.incidents: dict[str, _Incident] = {}  # stream → the call and its first crews
        self.cases: dict[str, terms.Case] = {}  # stream → what its terms depend on, and them
        self.arrests: dict[tuple[str, str], _Arrest] = {}  # (stream, person) → open detention
        self.prisoners: dict[str, _Held] = {}  # person → facility
        self.probation: dict[str, _Held] = {}  # file → office
        self.packs: dict[str, RulePack | None] = {p.id: p for p in builtin_packs()}
        self.limits: dict[tuple[str, bool], int | None] = {}  # (pack, child) → hours
        self.followed = terms.kinds()
        self.handlers: dict[str, Callable[[Event, dict[str, Any]], None]] = {
            "registry.report.register": self.report,
            "registry.participant.add": self.participant,
            "registry.case.split_from": self.split_from,
            "persons.register": self.participant,
            "offences.order.request": self.order_persons,
            "registry.case.open": self.case_open,
            "registry.case.refuse": self.decision("refused"),
            "registry.case.suspend": self.decision("suspended"),
            "registry.case.resume": self.decision("resumed"),
            "registry.case.terminate": self.decision("terminated"),
            "registry.indictment.approve": self.decision("sent_to_court"),
            "registry.indictment.return": self.decision("returned"),
            "registry.charge": self.charge,
            "detention.arrest": self.arrest,
            "detention.release": self.detention_end,
            "detention.transfer": self.detention_end,
            "courts.measure.decide": self.custody_decided,
            "legalaid.accept": self.lawyer_accepted,
            "courts.case.register": self.court_register,
            "courts.verdict.deliver": self.verdict,
            "courts.appeal.file": self.appeal_filed,
            "courts.appeal.decide": self.appeal_decided,
            "offences.protocol.register": self.offence_registered,
            "offences.decision.make": self.offence_decided,
            "offences.decision.cancel": self.offence_cancelled,
            "fines.file.open": self.fine_opened,
            "fines.file.open_offence": self.fine_opened,
            "fines.payment.record": self.fine_paid,
            "prisons.admit": self.prison_admit,
            "prisons.transfer": self.prison_transfer,
            "prisons.release": self.prison_release,
            "probation.register": self.probation_register,
            "probation.complete": self.probation_complete,
            "dispatch.call.receive": self.call_received,
            "dispatch.incident.dispatch": self.crew_sent,
            "dispatch.incident.arrive": self.crew_arrived,
            "dispatch.incident.clear": self.incident_cleared,
        }

    # --- facts ---------------------------------------------------------------------------------

    def person(self, value: Any) -> tuple[str, date | None]:
        """Sex and birth date of a person named in an event: a record given in full (which is
        remembered), or a person known from an earlier event (by id, or as a record that names an
        existing person without repeating the facts)."""
        if isinstance(value, dict):
            pid = value.get("id") or ""
            birth = value.get("birth_date")
            if value.get("sex") or birth:
                facts = (value.get("sex") or "", date.fromisoformat(birth) if birth else None)
                if pid:
                    self.persons[pid] = facts
                return facts
            value = pid
        return self.persons.get(str(value or ""), ("", None))

    def pack(self, pack_id: str) -> RulePack | None:
        """The rule pack an event was recorded under (its id), or — for an id no longer
        shipped — the latest pack of the legislation set of that name."""
        if pack_id not in self.packs:
            try:
                self.packs[pack_id] = pack_for_set(pack_id)
            except LookupError:
                self.packs[pack_id] = None
        return self.packs[pack_id]

    def limit_hours(self, pack_id: str, child: bool) -> int | None:
        """The hours a detention may last without a custody order under the pack: a child's
        rule where the pack has one, else the general one (which then binds children too)."""
        pack = self.pack(pack_id)
        if pack is None:
            return None
        rules = {r.id: r for r in pack.rules}
        if (pack_id, child) in self.limits:
            return self.limits[(pack_id, child)]
        rule = rules.get("detention.release.child") if child else None
        rule = rule or rules.get("detention.release")
        duration = rule.duration if rule is not None else None
        hours = duration.amount if duration is not None and duration.unit == "h" else None
        self.limits[(pack_id, child)] = hours
        return hours

    # --- registry ------------------------------------------------------------------------------

    def report(self, e: Event, d: dict[str, Any]) -> None:
        self.region[e.stream] = (d.get("place") or {}).get("region") or ""
        if d.get("applicant"):
            self.person(d["applicant"])
        self.f.add(
            "reports.registered",
            e.recorded_at,
            {"count": 1},
            region=self.region[e.stream],
            kind=d.get("channel", ""),
        )

    def participant(self, e: Event, d: dict[str, Any]) -> None:
        self.person(d.get("person"))

    def order_persons(self, e: Event, d: dict[str, Any]) -> None:
        """The persons of a protection order: their facts, should a case name them later (a
        child's terms of detention are a child's)."""
        for value in (d.get("restrained"), *(d.get("protected") or [])):
            self.person(value)

    def split_from(self, e: Event, d: dict[str, Any]) -> None:
        """A case split off another (CPC 166) keeps the region of the crime it came from."""
        self.region[e.stream] = self.region.get(f"case/{d.get('from_case', '')}", "")

    def case_open(self, e: Event, d: dict[str, Any]) -> None:
        region = self.region.get(e.stream, "")
        self.f.add(
            "cases.opened",
            e.recorded_at,
            {"count": 1},
            region=region,
            article=article_of(d),
            category=d.get("category", ""),
        )
        self.f.add("cases.decided", e.recorded_at, {"count": 1}, region=region, kind="opened")

    def decision(self, kind: str) -> Callable[[Event, dict[str, Any]], None]:
        def count(e: Event, d: dict[str, Any]) -> None:
            region = self.region.get(e.stream, "")
            self.f.add("cases.decided", e.recorded_at, {"count": 1}, region=region, kind=kind)

        return count

    def charge(self, e: Event, d: dict[str, Any]) -> None:
        """A person counts once per case, under the first article charged: a later charge
        (another article, a requalification) is not another person charged."""
        person = str(d.get("person") or "")
        if (e.stream, person) in self.charged:
            return
        self.charged.add((e.stream, person))
        sex, birth = self.person(person)
        self.f.add(
            "persons.charged",
            e.recorded_at,
            {"count": 1},
            region=self.region.get(e.stream, ""),
            article=article_of(d),
            category=d.get("category", ""),
            sex=sex,
            age=age_band(birth, local_date(e.recorded_at)),
        )

    # --- detention -----------------------------------------------------------------------------

    def arrest(self, e: Event, d: dict[str, Any]) -> None:
        sex, birth = self.person(d.get("person"))
        at = parse_moment(d["detained_at"]) if d.get("detained_at") else e.recorded_at
        age = age_band(birth, local_date(at))
        arrest = _Arrest(
            at,
            e.recorded_at,
            self.region.get(e.stream, ""),
            sex,
            age,
            self.limit_hours(e.rule_pack, child=age == "0-17"),
        )
        self.arrests[(e.stream, str(d.get("person")))] = arrest
        self._held(arrest, e.recorded_at, "count", +1)

    def _held(self, arrest: _Arrest, at: datetime, measure: str, step: int) -> None:
        self.f.add(
            "detention.held",
            at,
            {measure: step},
            region=arrest.region,
            sex=arrest.sex,
            age=arrest.age,
        )

    def _past_limit(self, arrest: _Arrest, until: datetime | None) -> None:
        """Held past the limit from the moment it passed — or from the arrest's recording, when
        it was recorded late, after the limit had passed — to `until` (None: still held)."""
        passes = arrest.passes_limit()
        if passes is None or passes >= (until or self.until):
            return
        passes = max(passes, arrest.recorded_at)
        self._held(arrest, passes, "past_limit", +1)
        if until is not None:
            self._held(arrest, until, "past_limit", -1)

    def _end(self, e: Event, person: str) -> None:
        arrest = self.arrests.pop((e.stream, person), None)
        if arrest is None:
            return
        self._held(arrest, e.recorded_at, "count", -1)
        self._past_limit(arrest, e.recorded_at)
        seconds = max((e.recorded_at - arrest.at).total_seconds(), 0)
        measures = {"count": 1, "hours": int(seconds // 3600)}
        if arrest.limit_hours is not None:
            measures["with_limit"] = 1
            measures["within_limit"] = int(seconds <= arrest.limit_hours * 3600)
        self.f.add(
            "detention.ended",
            e.recorded_at,
            measures,
            region=arrest.region,
            sex=arrest.sex,
            age=arrest.age,
        )

    def detention_end(self, e: Event, d: dict[str, Any]) -> None:
        self._end(e, str(d.get("person")))

    def custody_decided(self, e: Event, d: dict[str, Any]) -> None:
        # The rule packs' own test: the detention.release term is met by a custody order.
        if d.get("granted") and d.get("measure") == "custody":
            self._end(e, str(d.get("person")))

    def lawyer_accepted(self, e: Event, d: dict[str, Any]) -> None:
        minutes = d.get("minutes_to_respond")
        self.f.add(
            "legalaid.responses",
            e.recorded_at,
            {
                "count": 1,
                "minutes": round(minutes) if isinstance(minutes, int | float) else 0,
                "late": int(bool(d.get("late"))),
            },
            region=self.region.get(e.stream, ""),
        )

    # --- courts --------------------------------------------------------------------------------

    def court_register(self, e: Event, d: dict[str, Any]) -> None:
        if d.get("instance", "first") == "first":
            self.court_registered.setdefault(e.stream, e.recorded_at)

    def verdict(self, e: Event, d: dict[str, Any]) -> None:
        registered = self.court_registered.get(e.stream)
        days = (local_date(e.recorded_at) - local_date(registered)).days if registered else 0
        # A defendant tried under several articles has a row for each: counted once, under the
        # first article, convicted if convicted under any, with the first sentence given.
        by_person: dict[str, list[dict[str, Any]]] = {}
        for row in d.get("defendants") or []:
            by_person.setdefault(str(row.get("person")), []).append(row)
        for person, rows in by_person.items():
            defendant = rows[0]
            sex, birth = self.person(person)
            convicted = [r for r in rows if r.get("outcome") == "convicted"]
            outcome = "convicted" if convicted else defendant.get("outcome", "")
            sentences = [
                r["sentence"]["kind"] for r in convicted if (r.get("sentence") or {}).get("kind")
            ]
            sentence = sentences[0] if sentences else ""
            self.f.add(
                "courts.defendants",
                e.recorded_at,
                {"count": 1, "days": days},
                region=self.region.get(e.stream, ""),
                article=article_of(defendant),
                category=defendant.get("category", ""),
                sex=sex,
                age=age_band(birth, local_date(e.recorded_at)),
                kind=f"{outcome}:{sentence}" if sentence else outcome,
            )

    def appeal_filed(self, e: Event, d: dict[str, Any]) -> None:
        self.appeals_filed.setdefault(str(d.get("appeal")), e.recorded_at)

    def appeal_decided(self, e: Event, d: dict[str, Any]) -> None:
        """The appeal decided, and — a verdict quashed — every other appeal pending against it,
        disposed of with it (`closes`), each from its own filing."""
        for appeal in (d.get("appeal"), *(d.get("closes") or [])):
            filed = self.appeals_filed.get(str(appeal))
            days = (local_date(e.recorded_at) - local_date(filed)).days if filed else 0
            self.f.add(
                "courts.appeals",
                e.recorded_at,
                {"count": 1, "days": days},
                region=self.region.get(e.stream, ""),
                kind=d.get("outcome", ""),
            )

    # --- offences and fines ----------------------------------------------------------------------

    def offence_registered(self, e: Event, d: dict[str, Any]) -> None:
        self.person(d.get("person"))
        article = str(d.get("article") or "")
        code = d.get("rules") or ""
        self.offences[str(d.get("offence"))] = (
            (d.get("place") or {}).get("region") or "",
            f"{code}/{article}" if code and article else article,
        )

    def offence_decided(self, e: Event, d: dict[str, Any]) -> None:
        region, article = self.offences.get(str(d.get("offence")), ("", ""))
        self.f.add(
            "offences.decided",
            e.recorded_at,
            {"count": 1},
            region=region,
            article=article,
            kind=d.get("outcome", ""),
        )

    def offence_cancelled(self, e: Event, d: dict[str, Any]) -> None:
        """A decision the prosecutor cancelled stays counted in its month; the cancellation is
        a decision of its own (outcome `cancelled`), so a case decided again shows both."""
        self.offence_decided(e, {**d, "outcome": "cancelled"})

    def fine_opened(self, e: Event, d: dict[str, Any]) -> None:
        region = region_of(d.get("territory_path") or "")
        self.fines[str(d.get("fine"))] = region
        source = "offence" if e.kind == "fines.file.open_offence" else "verdict"
        self.f.add(
            "fines.enforced",
            e.recorded_at,
            {"count": 1, "som": _som(d.get("amount"))},
            region=region,
            kind=f"imposed:{source}",
        )

    def fine_paid(self, e: Event, d: dict[str, Any]) -> None:
        self.f.add(
            "fines.enforced",
            e.recorded_at,
            {"count": 1, "som": _som(d.get("amount"))},
            region=self.fines.get(str(d.get("fine")), ""),
            kind="paid",
        )

    # --- procedural terms ------------------------------------------------------------------------

    def birth(self, person: str) -> date | None:
        return self.persons.get(person, ("", None))[1]

    def case_event(self, e: Event, d: dict[str, Any]) -> None:
        """Follow a case as its projections do, and count the terms the event meets."""
        begun = terms.Case.opened(e.kind, d)
        if begun is not None:
            begun.ended = [] if self.keep_terms else None
            self.cases[e.stream] = begun
        case = self.cases.get(e.stream)
        if case is None:
            return
        kept, overdue = case.step(e.kind, d, e.recorded_at, e.seq, self.birth)
        region = self.region.get(e.stream, "")
        for k in kept:
            measures = {"count": 1, "missed": int(k.late), "hours_over": k.hours_over}
            self.f.add("deadlines.kept", k.at, measures, region=region, place=k.unit, kind=k.rule)
        self._overdue(region, overdue)

    def _overdue(self, region: str, changes: list[terms.Overdue]) -> None:
        for o in changes:
            self.f.add(
                "deadlines.overdue",
                o.at,
                {"count": o.step},
                region=region,
                place=o.unit,
                kind=o.rule,
            )

    # --- calls for service ------------------------------------------------------------------------

    def call_received(self, e: Event, d: dict[str, Any]) -> None:
        region = (d.get("place") or {}).get("region") or ""
        self.incidents[e.stream] = _Incident(region, str(d.get("type") or ""), e.recorded_at)

    def crew_sent(self, e: Event, d: dict[str, Any]) -> None:
        incident = self.incidents.get(e.stream)
        if incident is not None and incident.dispatched is None:
            incident.dispatched = e.recorded_at

    def crew_arrived(self, e: Event, d: dict[str, Any]) -> None:
        incident = self.incidents.get(e.stream)
        if incident is not None and incident.arrived is None:
            incident.arrived = e.recorded_at

    def incident_cleared(self, e: Event, d: dict[str, Any]) -> None:
        incident = self.incidents.pop(e.stream, None)
        if incident is None:
            return
        measures = {"count": 1, "dispatched": 0, "dispatch_minutes": 0}
        measures.update(arrived=0, arrival_minutes=0)
        if incident.dispatched is not None:
            measures.update(dispatched=1, dispatch_minutes=incident.minutes(incident.dispatched))
        if incident.arrived is not None:
            measures.update(arrived=1, arrival_minutes=incident.minutes(incident.arrived))
        self.f.add(
            "dispatch.incidents",
            e.recorded_at,
            measures,
            region=incident.region,
            kind=incident.type,
        )

    # --- populations (a stock: each change is a flow, summed month by month at the end) ---------

    def _move(self, metric: str, at: datetime, held: _Held, step: int) -> None:
        self.f.add(
            metric,
            at,
            {"count": step},
            place=held.place,
            sex=held.sex,
            age=held.age,
            kind=held.kind,
        )

    def prison_admit(self, e: Event, d: dict[str, Any]) -> None:
        person = str(d.get("person"))
        sex, birth = self.person(person)
        held = _Held(
            d.get("facility") or e.actor_unit, sex, age_band(birth, local_date(e.recorded_at))
        )
        self.prisoners[person] = held
        self._move("prisons.population", e.recorded_at, held, +1)

    def prison_transfer(self, e: Event, d: dict[str, Any]) -> None:
        held = self.prisoners.get(str(d.get("person")))
        if held is None:
            return
        self._move("prisons.population", e.recorded_at, held, -1)
        held.place = d.get("facility") or held.place
        self._move("prisons.population", e.recorded_at, held, +1)

    def prison_release(self, e: Event, d: dict[str, Any]) -> None:
        held = self.prisoners.pop(str(d.get("person")), None)
        if held is not None:
            self._move("prisons.population", e.recorded_at, held, -1)

    def probation_register(self, e: Event, d: dict[str, Any]) -> None:
        for superseded in d.get("supersedes") or []:  # the file it replaces ends here
            self.probation_complete(e, {"file": superseded})
        sex, birth = self.person(d.get("person"))
        held = _Held(
            d.get("office", ""), sex, age_band(birth, local_date(e.recorded_at)), d.get("type", "")
        )
        self.probation[d.get("file", "")] = held
        self._move("probation.population", e.recorded_at, held, +1)

    def probation_complete(self, e: Event, d: dict[str, Any]) -> None:
        held = self.probation.pop(d.get("file", ""), None)
        if held is not None:
            self._move("probation.population", e.recorded_at, held, -1)

    # --- the pass ------------------------------------------------------------------------------

    def run(self, events: Iterator[Event]) -> None:
        for e in events:
            self.f.events += 1
            # Its id and hash find it; not its stream, which would name a case to readers of
            # figures who may not read that case.
            self.f.last = {"id": e.pk, "hash": e.hash}
            handler = self.handlers.get(e.kind)
            followed = e.kind in self.followed and e.stream.startswith("case/")
            if handler is None and not followed:
                continue
            data = json.loads(e.data)
            if handler is not None:
                handler(e, data)
            if followed:
                self.case_event(e, data)

    def stocks(self) -> None:
        """Turn each population's monthly changes into its size at each month's end: the
        changes of every month up to and including it, summed, through the cut's month. The
        detentions still open at the cut count past their limit from the moment they passed it, and
        the terms still running at the cut count overdue from the moment their due time passed."""
        for arrest in self.arrests.values():
            self._past_limit(arrest, None)
        for stream, case in self.cases.items():
            self._overdue(self.region.get(stream, ""), case.overdue_by(self.until))
        last = month_of(self.until - timedelta(microseconds=1))
        for metric in (m.name for m in METRICS if m.stock):
            changes: dict[str, Counter[tuple[tuple[str, ...], str]]] = defaultdict(Counter)
            for ((m, period, by), measure), value in list(self.f.cells.items()):
                if m == metric:
                    changes[period][(by, measure)] += value
                    del self.f.cells[((m, period, by), measure)]
            if not changes:
                continue
            period, running = min(changes), Counter[tuple[tuple[str, ...], str]]()
            while period <= last:
                running.update(changes.get(period, Counter()))
                for (by, measure), value in running.items():
                    if value:
                        self.f.cells[((metric, period, by), measure)] = value
                period = next_month(period)


def events_before(cut: datetime) -> Iterator[Event]:
    """The events the statistics read, recorded before `cut`, in the order they were appended,
    fetched in chunks by id so that memory stays flat however long the ledger."""
    last = 0
    qs = Event.objects.filter(kind__in=SOURCE_KINDS, recorded_at__lt=cut).only(
        "id", "stream", "seq", "kind", "data", "actor_unit", "recorded_at", "rule_pack", "hash"
    )
    while chunk := list(qs.filter(id__gt=last).order_by("id")[:CHUNK]):
        yield from chunk
        last = chunk[-1].pk


def compute(cut: datetime) -> Figures:
    """Every metric, month by month, from the events recorded before `cut`."""
    figures = Figures(cut=cut)
    fold = _Fold(figures, cut)
    fold.run(events_before(cut))
    fold.stocks()
    return figures


def replay_terms(cut: datetime) -> dict[str, list[tuple[engine.Term, str, bool]]]:
    """Every case's terms as the fold replays them from the events recorded before `cut`, open
    and ended, by case stream, each with the unit holding it (when it ended, or now) and whether
    it was met late: what the check against the deadline projection compares."""
    fold = _Fold(Figures(cut=cut), cut, keep_terms=True)
    fold.run(events_before(cut))
    return {
        stream: [*(c.ended or []), *((t, c.unit, False) for t in c.terms)]
        for stream, c in fold.cases.items()
    }
