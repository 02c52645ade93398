"""The deadline engine: what one event does to the legal terms of a case.

Pure and deterministic. Given a rule pack, one event (kind, data, recording time, sequence number
and the facts of the case) and the case's open terms, `apply_event` returns the effects — terms
started, met, suspended, resumed, extended or cancelled. It never reads a clock: start times come
from the event's `recorded_at`, or from a data field such as `detained_at` where the rule says so
(CPC 137(2)(5): detention runs from the hour and minute of the actual detention). Terms are
counted by `counting.due_at` under CPC 137.

A running term whose due time has passed is `missed` at query time (`effective_state`), so no
worker has to mark it.

The caller (the Deadline projection) supplies `facts` describing the case as it stands once the
event is applied: `category` (CC 19), `minor` (the person concerned is under 18), `jury`, `stage`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from icjis.core.refusals import FieldName, say
from icjis.legal.calendar import WorkingCalendar, default_calendar
from icjis.legal.counting import (
    HOURS,
    Duration,
    before,
    due_for,
    end_of_day,
    is_date_only,
    last_day_of,
    local_date,
    parse_moment,
)
from icjis.legal.rulepacks import Rule, RulePack, Title, Trigger, data_value

RUNNING = "running"
SUSPENDED = "suspended"
MET = "met"
MISSED = "missed"
CANCELLED = "cancelled"
STATES = (RUNNING, MET, MISSED, SUSPENDED, CANCELLED)
OPEN_STATES = (RUNNING, SUSPENDED)


class DeadlineDataError(ValueError):
    """An event lacks, or has malformed, data that a rule needs to count its term.

    The act that recorded the event should have refused it; `code`, `rule_id` and `field` say
    which value is wrong, and the message is a sentence a clerk can act on.
    """

    code = "deadline_data"

    def __init__(self, rule_id: str, field_name: str, message: str) -> None:
        self.rule_id = rule_id
        self.field = field_name
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Event:
    """One ledger event as the engine sees it."""

    kind: str
    data: Mapping[str, Any]
    recorded_at: datetime
    seq: int = 0
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenDeadline:
    """A term of the case that is running or suspended (as kept by the Deadline projection).

    `subject` "" is read as no subject; `duration` may be given as a string ("2M");
    `suspended_total` as a timedelta or a number of seconds.
    """

    rule_id: str
    subject: str | None
    starts_at: datetime
    due_at: datetime
    state: str = RUNNING
    suspended_at: datetime | None = None
    suspended_total: timedelta = timedelta(0)
    duration: Duration | None = None

    def __post_init__(self) -> None:
        if self.subject == "":
            object.__setattr__(self, "subject", None)
        if isinstance(self.duration, str):
            value = self.duration
            object.__setattr__(self, "duration", Duration.parse(value) if value else None)
        if isinstance(self.suspended_total, int | float):
            object.__setattr__(self, "suspended_total", timedelta(seconds=self.suspended_total))
        if self.state not in OPEN_STATES:
            raise ValueError(f"an open deadline is running or suspended, not {self.state!r}")


@dataclass(frozen=True)
class Start:
    """A term starts: it is due at `due_at`; warn from `warn_at` (article, roles to notify)."""

    rule_id: str
    subject: str | None
    starts_at: datetime
    due_at: datetime
    warn_at: datetime | None
    article: str
    notify: tuple[str, ...]
    title: Title
    duration: Duration | None = None
    window: bool = False
    provisional: bool = False


@dataclass(frozen=True)
class Met:
    """The term is met by an event at `at`; `late` when that was after the due time."""

    rule_id: str
    subject: str | None
    at: datetime
    late: bool = False


@dataclass(frozen=True)
class Suspended:
    """The term stops running at `at` (e.g. the investigation is suspended, CPC 162(3))."""

    rule_id: str
    subject: str | None
    at: datetime


@dataclass(frozen=True)
class Resumed:
    """The term runs again from `at`; the suspended time is excluded, so it is now due later."""

    rule_id: str
    subject: str | None
    at: datetime
    due_at: datetime
    warn_at: datetime | None
    suspended_total: timedelta


@dataclass(frozen=True)
class Extended:
    """The term is extended at `at` to a new total `duration` (None: to an ordered end)."""

    rule_id: str
    subject: str | None
    at: datetime
    due_at: datetime
    warn_at: datetime | None
    duration: Duration | None


@dataclass(frozen=True)
class Cancelled:
    """The term no longer applies (e.g. the detainee was released before the court hearing)."""

    rule_id: str
    subject: str | None
    at: datetime


Effect = Start | Met | Suspended | Resumed | Extended | Cancelled


def effective_state(state: str, due_at: datetime, now: datetime) -> str:
    """The state shown at `now`: a running term whose due time has passed is `missed`.

    Matches the projection's query (`due_at < now`): at the very instant of expiry the term is
    still running. Met, cancelled and suspended terms keep their state.
    """
    if state not in STATES:
        raise ValueError(f"unknown deadline state {state!r}")
    if state == RUNNING and due_at < now:
        return MISSED
    return state


def subject_value(value: object) -> str | None:
    """The subject key of a data value: an id, or the `id` of a reference such as {"id": 7}."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        text = str(value).strip()
        return text or None
    return None


def _subjects_of(rule: Rule, data: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Whether the event names the rule's subject, and which subject(s) it names."""
    assert rule.subject is not None
    present, value = data_value(data, rule.subject)
    if not present or value is None:
        return False, []
    values = value if isinstance(value, list) else [value]
    subjects = [s for s in (subject_value(v) for v in values) if s is not None]
    return True, subjects


def _open_checker(open_deadlines: Sequence[OpenDeadline], subject: str | None) -> Any:
    def is_open(rule_id: str) -> bool:
        return any(
            d.rule_id == rule_id and (d.subject is None or subject is None or d.subject == subject)
            for d in open_deadlines
        )

    return is_open


def _first(triggers: Iterable[Trigger], event: Event, is_open: Any) -> Trigger | None:
    for trigger in triggers:
        if trigger.matches(event.kind, event.facts, event.data, is_open):
            return trigger
    return None


def _positive_int(rule: Rule, name: str, value: object) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value < 1:
        raise DeadlineDataError(
            rule.id,
            name,
            say(
                "%(field)s must be a whole number of at least 1 for %(rule)s (%(article)s); "
                "got %(value)s",
                field=FieldName(name),
                rule=rule.id,
                article=rule.article,
                value=repr(value),
            ),
        )
    return value


def _moment(rule: Rule, name: str, value: object, *, end_of_date: bool) -> datetime:
    try:
        return parse_moment(value, end_of_date=end_of_date)
    except ValueError as exc:
        raise DeadlineDataError(
            rule.id,
            name,
            say(
                "%(field)s must be an ISO date or date-time for %(rule)s (%(article)s); "
                "got %(value)s",
                field=FieldName(name),
                rule=rule.id,
                article=rule.article,
                value=repr(value),
            ),
        ) from exc


class _Counter:
    def __init__(self, pack: RulePack, calendar: WorkingCalendar) -> None:
        self.pack = pack
        self.calendar = calendar

    def due(self, rule: Rule, start: datetime, duration: Duration) -> datetime:
        return due_for(start, duration, shift=rule.shift, calendar=self.calendar)

    def ordered_end(self, rule: Rule, name: str, value: object) -> datetime:
        """The end of a term ordered until a date or moment (`due_from`), minus `before`."""
        end = _moment(rule, name, value, end_of_date=True)
        if rule.shift and is_date_only(value):
            day = last_day_of(end)
            while not self.calendar.is_working_day(day):
                day += timedelta(days=1)
            end = end_of_day(day)
        if rule.before is not None:
            end = before(end, rule.before, self.calendar)
        return end

    def warn(self, rule: Rule, start: datetime, due: datetime) -> datetime | None:
        if rule.warn_before is None:
            return None
        return max(start, before(due, rule.warn_before, self.calendar))

    def provisional(
        self, rule: Rule, start: datetime, due: datetime, duration: Duration | None
    ) -> bool:
        return rests_on_estimate(self.calendar, rule, start, due, duration)


# How far a lunar holiday's decreed date may lie from its estimate.
ESTIMATE_SLACK = timedelta(days=2)


def rests_on_estimate(
    calendar: WorkingCalendar, rule: Rule, start: datetime, due: datetime, duration: Duration | None
) -> bool:
    """Whether a term's due time rests on calendar data that is unknown or estimated (a lunar
    holiday the government has not yet set, a year with no calendar file). A term counted in
    working days rests on every day it counts; a term moved off days off (CPC 137(2)(4)) only on
    the days off it was moved over, just before its due day. Either within `ESTIMATE_SLACK` of
    an estimated day, since the decreed date may differ."""
    in_working_days = duration is not None and duration.unit == "wd"
    shifted = rule.shift and (duration is None or duration.unit != HOURS)
    if not (in_working_days or shifted):
        return False
    begun, last = local_date(start), last_day_of(due)
    first = last
    if in_working_days:
        first = min(begun, last)
    else:
        while first > begun and not calendar.is_working_day(first - timedelta(days=1)):
            first -= timedelta(days=1)
    return calendar.is_provisional(first - ESTIMATE_SLACK, last + ESTIMATE_SLACK)


_CUTS: dict[tuple[int, str, frozenset[str]], tuple[RulePack, RulePack]] = {}
CUTS_KEPT = 4096


def rules_for(pack: RulePack, kind: str, open_rules: frozenset[str]) -> RulePack:
    """The pack as `apply_event` needs it for an event of `kind` while terms of `open_rules` are
    open: only the rules it can act on — those of the open terms and those a `kind` event
    starts — in the pack's order. The engine skips every other rule (a term is started by a
    trigger of the event's kind, updated only if open), so the effects are the same; the pack
    is cut once per (pack, kind, open rules) rather than every rule walked for every event. (The
    statistics' replay runs on the cut packs, the deadline projection on the whole: the tests
    that hold one to the other, `tests/analytics/replay.py`, hold the cut to the whole too.)"""
    key = (id(pack), kind, open_rules)
    hit = _CUTS.get(key)
    if hit is not None and hit[0] is pack:
        return hit[1]
    rules = tuple(
        r for r in pack.rules if r.id in open_rules or any(t.kind == kind for t in r.starts_on)
    )
    cut = dataclasses.replace(pack, rules=rules)
    if len(_CUTS) >= CUTS_KEPT:
        _CUTS.clear()  # packs made on the fly (a configured copy, a test's) are not kept forever
    _CUTS[key] = (pack, cut)
    return cut


def apply_event(
    pack: RulePack,
    event: Event,
    open_deadlines: Sequence[OpenDeadline],
    *,
    calendar: WorkingCalendar | None = None,
    start: bool = True,
) -> list[Effect]:
    """The effects of `event` on the case's terms under `pack`.

    Open terms are updated first (per term, the first matching of cancelled_by, met_by,
    extended_by, suspended_by — if running —, resumed_by — if suspended); then rules whose
    `starts_on` matches start a term for each subject that has no open term of that rule. Open
    terms of rules not in `pack` (started under another pack) are left alone: call again with
    their pack and `start=False`. Raises `DeadlineDataError` when the event lacks data a
    matching rule needs.
    """
    counter = _Counter(pack, calendar if calendar is not None else default_calendar())
    by_id = {rule.id: rule for rule in pack.rules}
    effects: list[Effect] = []
    for deadline in open_deadlines:
        rule = by_id.get(deadline.rule_id)
        if rule is None:
            continue
        if rule.subject is not None and deadline.subject is not None:
            named, concerned = _subjects_of(rule, event.data)
            if named and deadline.subject not in concerned:
                continue  # the event concerns another person
        is_open = _open_checker(open_deadlines, deadline.subject)
        effect = _update(counter, rule, deadline, event, is_open)
        if effect is not None:
            effects.append(effect)
    if not start:
        return effects
    started: set[tuple[str, str | None]] = set()
    open_keys = {(d.rule_id, d.subject) for d in open_deadlines}
    for rule in pack.rules:
        if not rule.configured:
            continue  # a gap the law leaves open, not configured: never started
        for trigger in rule.starts_on:
            if trigger.kind != event.kind:
                continue
            subjects: list[str | None] = [None]
            if rule.subject is not None:
                _, found = _subjects_of(rule, event.data)
                subjects = list(found)
                if not found:
                    if rule.when.matches(event.facts, event.data) and trigger.when.matches(
                        event.facts, event.data
                    ):
                        raise DeadlineDataError(
                            rule.id,
                            rule.subject,
                            say(
                                "%(kind)s must name the %(field)s for %(rule)s (%(article)s)",
                                kind=event.kind,
                                field=FieldName(rule.subject),
                                rule=rule.id,
                                article=rule.article,
                            ),
                        )
                    continue
            for subject in subjects:
                key = (rule.id, subject)
                if key in open_keys or key in started:
                    continue
                is_open = _open_checker(open_deadlines, subject)
                if not (
                    rule.when.matches(event.facts, event.data, is_open)
                    and trigger.when.matches(event.facts, event.data, is_open)
                ):
                    continue
                started.add(key)
                effects.append(_start(counter, rule, subject, event))
    return effects


def _start(counter: _Counter, rule: Rule, subject: str | None, event: Event) -> Start:
    starts_at = event.recorded_at
    if rule.start_from is not None:
        present, value = data_value(event.data, rule.start_from)
        if present and value is not None:
            starts_at = _moment(rule, rule.start_from, value, end_of_date=False)
    duration: Duration | None
    if rule.due_from is not None:
        present, value = data_value(event.data, rule.due_from)
        if not present or value is None:
            raise DeadlineDataError(
                rule.id,
                rule.due_from,
                say(
                    "%(kind)s must give %(field)s (the end of the term) for %(rule)s (%(article)s)",
                    kind=event.kind,
                    field=FieldName(rule.due_from),
                    rule=rule.id,
                    article=rule.article,
                ),
            )
        duration = None
        due = counter.ordered_end(rule, rule.due_from, value)
    else:
        if rule.duration is not None:
            duration = rule.duration
        else:
            assert rule.duration_from is not None and rule.unit is not None
            present, value = data_value(event.data, rule.duration_from)
            amount = _positive_int(rule, rule.duration_from, value if present else None)
            duration = Duration(amount, rule.unit)
        due = counter.due(rule, starts_at, duration)
    return Start(
        rule_id=rule.id,
        subject=subject,
        starts_at=starts_at,
        due_at=due,
        warn_at=counter.warn(rule, starts_at, due),
        article=rule.article,
        notify=rule.notify,
        title=rule.title,
        duration=duration,
        window=rule.window,
        provisional=counter.provisional(rule, starts_at, due, duration),
    )


def _update(
    counter: _Counter, rule: Rule, deadline: OpenDeadline, event: Event, is_open: Any
) -> Effect | None:
    at = event.recorded_at
    ident = (rule.id, deadline.subject)
    if _first(rule.cancelled_by, event, is_open):
        return Cancelled(*ident, at)
    if _first(rule.met_by, event, is_open):
        return Met(*ident, at, late=deadline.state == RUNNING and deadline.due_at < at)
    trigger = _first(rule.extended_by, event, is_open)
    if trigger is not None:
        return _extend(counter, rule, deadline, event, trigger)
    if deadline.state == RUNNING and _first(rule.suspended_by, event, is_open):
        return Suspended(*ident, at)
    if deadline.state == SUSPENDED and _first(rule.resumed_by, event, is_open):
        paused = at - deadline.suspended_at if deadline.suspended_at is not None else timedelta(0)
        total = deadline.suspended_total + max(paused, timedelta(0))
        duration = deadline.duration or rule.duration
        if duration is None:
            raise DeadlineDataError(
                rule.id,
                "duration",
                say("the open term %(rule)s has no recorded duration", rule=rule.id),
            )
        due = counter.due(rule, deadline.starts_at + total, duration)
        return Resumed(*ident, at, due, counter.warn(rule, at, due), total)
    return None


def _extend(
    counter: _Counter, rule: Rule, deadline: OpenDeadline, event: Event, trigger: Trigger
) -> Extended:
    at = event.recorded_at
    name = trigger.field or rule.extension_field
    if rule.due_from is not None:
        name = name or rule.due_from
        present, value = data_value(event.data, name)
        if not present or value is None:
            raise DeadlineDataError(
                rule.id,
                name,
                say(
                    "%(kind)s must give %(field)s (the new end of the term) for %(rule)s "
                    "(%(article)s)",
                    kind=event.kind,
                    field=FieldName(name),
                    rule=rule.id,
                    article=rule.article,
                ),
            )
        due = counter.ordered_end(rule, name, value)
        return Extended(rule.id, deadline.subject, at, due, counter.warn(rule, at, due), None)
    current = deadline.duration or rule.duration
    unit = rule.term_unit or (current.unit if current is not None else None)
    present, value = data_value(event.data, name) if name else (False, None)
    if present and value is not None:
        assert name is not None
        amount = _positive_int(rule, name, value)
        if trigger.add:
            if current is None:
                raise DeadlineDataError(
                    rule.id,
                    "duration",
                    say("the open term %(rule)s has no recorded duration", rule=rule.id),
                )
            amount += current.amount
    elif trigger.to is not None:
        amount = trigger.to.amount
        unit = trigger.to.unit
    else:
        raise DeadlineDataError(
            rule.id,
            name or "to",
            say(
                "%(kind)s must give %(field)s (the new term) for %(rule)s (%(article)s)",
                kind=event.kind,
                field=FieldName(name or "to"),
                rule=rule.id,
                article=rule.article,
            ),
        )
    assert unit is not None
    duration = Duration(amount, unit)
    due = counter.due(rule, deadline.starts_at + deadline.suspended_total, duration)
    return Extended(rule.id, deadline.subject, at, due, counter.warn(rule, at, due), duration)


# --- replay: fold a case's events through the engine (tests, projections rebuilt from scratch) --


@dataclass
class Term:
    """A term as a projection keeps it, built by `replay`."""

    rule_id: str
    subject: str | None
    start_seq: int
    starts_at: datetime
    due_at: datetime
    warn_at: datetime | None
    article: str
    duration: Duration | None
    state: str = RUNNING
    closed_at: datetime | None = None
    suspended_at: datetime | None = None
    suspended_total: timedelta = timedelta(0)

    def as_open(self) -> OpenDeadline:
        """The engine's view of this term (only for running or suspended terms)."""
        return OpenDeadline(
            self.rule_id,
            self.subject,
            self.starts_at,
            self.due_at,
            self.state,
            self.suspended_at,
            self.suspended_total,
            self.duration,
        )


def fold(terms: list[Term], effects: Iterable[Effect], seq: int = 0) -> list[Term]:
    """Apply effects to a list of terms in place (and return it), as a projection would."""
    for effect in effects:
        if isinstance(effect, Start):
            terms.append(
                Term(
                    effect.rule_id,
                    effect.subject,
                    seq,
                    effect.starts_at,
                    effect.due_at,
                    effect.warn_at,
                    effect.article,
                    effect.duration,
                )
            )
            continue
        term = next(
            t
            for t in terms
            if t.state in OPEN_STATES
            and t.rule_id == effect.rule_id
            and t.subject == effect.subject
        )
        if isinstance(effect, Met):
            term.state, term.closed_at = MET, effect.at
        elif isinstance(effect, Cancelled):
            term.state, term.closed_at = CANCELLED, effect.at
        elif isinstance(effect, Suspended):
            term.state, term.suspended_at = SUSPENDED, effect.at
        elif isinstance(effect, Resumed):
            term.state, term.suspended_at = RUNNING, None
            term.due_at, term.warn_at = effect.due_at, effect.warn_at
            term.suspended_total = effect.suspended_total
        elif isinstance(effect, Extended):
            term.due_at, term.warn_at = effect.due_at, effect.warn_at
            term.duration = effect.duration
    return terms


def replay(
    pack: RulePack,
    events: Iterable[Event],
    *,
    calendar: WorkingCalendar | None = None,
) -> list[Term]:
    """Every term of a case after its events, in order (all under one pack)."""
    terms: list[Term] = []
    for event in events:
        open_now = [t.as_open() for t in terms if t.state in OPEN_STATES]
        fold(terms, apply_event(pack, event, open_now, calendar=calendar), event.seq)
    return terms
