"""Rule packs: the procedural deadlines of one legislation set, as data (`rules/kg-2021.toml` …).

A pack is a TOML file with a `[pack]` table and a list of `[[rule]]` tables. Each rule says which
event starts a term, under which conditions, how long it runs and how it is counted (CPC 137, see
`counting`), which events meet, cancel, suspend, resume or extend it, whom to tell and when, and
the article that governs it. Packs are loaded into frozen dataclasses and validated; every error
names the file and the line.

The format, key by key (see `rules/kg-2021.toml` for real examples):

    [pack]
    id = "kg-2021"
    title = { en = "…", ru = "…", ky = "…" }
    legislation_set = "kg-2021"            # one of LEGISLATION_SETS
    effective_from = 2021-12-01
    effective_to = 2030-12-31              # optional
    source = "CPC of 28.10.2021 No. 129"   # optional

    [[rule]]
    id = "investigation.term"              # unique, lower-case dotted name
    title = { en = "…", ru = "…", ky = "…" }
    article = "CPC 162(1)"                 # required
    starts_on = ["registry.case.open"]     # event kinds (triggers, see below)
    when = { category = ["less_grave", "grave"], minor = false, data.granted = true,
             open = "custody.term" }       # optional conditions on facts, event data, open terms
    start_from = "detained_at"             # optional: event data field holding the real start
    subject = "person"                     # optional: one clock per value of this data field
    duration = "2M"                        # a fixed term, or …
    # duration_from = "months", unit = "M" # … the amount from an event data field, or …
    # due_from = "until", before = "5d"    # … the end from an event data field (ISO date/time)
    shift = true                           # CPC 137(2)(4); false for detention and custody
    met_by = ["registry.indictment.submit"]
    cancelled_by = []
    suspended_by = ["registry.case.suspend"]
    resumed_by = ["registry.case.resume"]
    extended_by = ["registry.term.extend"]
    extension_field = "months"             # new TOTAL term in the rule's unit, from the start
    warn_before = "7d"
    notify = ["investigator", "prosecutor"]
    window = false                         # true: a party's time to act; passing it is no breach
    gap = false                            # true: the law fixes no value; needs configuration
    note = "…"                             # required with gap

A trigger is an event kind, or a table `{ kind = "…", when = {…} }`; in `extended_by` it may also
carry `to = "20d"` (a fixed new total), `field = "…"` (the data field with the new total) and
`add = true` (the field's amount is added to the current term instead of replacing it).

Conditions (`when`): a fact (`category`, `minor`, `jury`, `stage`) or an event data field
(`data.<field>`, dotted for nested fields) equals the given value, or is one of the given list;
`open` names rule ids of which an open (running or suspended) term must exist for the same subject
(or case-wide). `minor` and `jury` default to false; a condition on any other missing fact or data
field is not met.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

from icjis.legal.calendar import DataFileError, find_line, load_toml
from icjis.legal.counting import LOCAL_TZ, Duration, DurationError

RULES_DIR = Path(__file__).with_name("rules")

CATEGORIES = ("minor_gravity", "less_grave", "grave", "especially_grave")
"""Crime categories of CC 19 (2021), which drive the terms of CPC 162 and 283."""

STAGES = (
    "registered",
    "pre_investigation",
    "investigation",
    "prosecution",
    "trial",
    "appeal",
    "execution",
    "closed",
)
"""Stages of a case as the case projection reports them (API contract v1)."""

FACTS: dict[str, tuple[object, ...]] = {
    "category": CATEGORIES,
    "minor": (True, False),
    "jury": (True, False),
    "stage": STAGES,
}
"""Facts the caller supplies with each event: the case as it stands once the event is applied."""

FACT_DEFAULTS: dict[str, object] = {"minor": False, "jury": False}

KNOWN_EVENT_KINDS = frozenset(
    {
        "registry.report.register",
        "registry.case.assign",
        "registry.case.open",
        "registry.case.refuse",
        "registry.participant.add",
        "registry.suspicion.notify",
        "registry.charge",
        "registry.term.extend",
        "registry.case.suspend",
        "registry.case.resume",
        "registry.case.terminate",
        "registry.case.reopen",
        "registry.copy.send",
        "registry.case.joined_into",
        "registry.indictment.submit",
        "registry.indictment.approve",
        "registry.indictment.return",
        "registry.motion.file",
        "registry.motion.decide",
        "registry.motion.rule",
        "registry.complaint.file",
        "registry.complaint.extend",
        "registry.complaint.withdraw",
        "registry.complaint.contest",
        "registry.torture.report",
        "registry.complaint.decide",
        "detention.arrest",
        "detention.admit",
        "detention.medical_exam",
        "detention.cell_move",
        "detention.depart",
        "detention.return",
        "detention.release",
        "detention.complaint",
        "legalaid.appoint",
        "legalaid.accept",
        "legalaid.decline",
        "courts.measure.petition",
        "courts.measure.decide",
        "courts.measure.appeal",
        "courts.trial.open",
        "courts.appeal.send",
        "courts.verdict.serve",
        "courts.case.register",
        "courts.hearing.schedule",
        "courts.verdict.deliver",
        "courts.appeal.file",
        "courts.appeal.decide",
        "courts.verdict.enter_into_force",
        "courts.term.extend",
        "courts.verdict.execute",
        "prisons.admit",
        "prisons.transfer",
        "prisons.release",
        "probation.register",
        "probation.meeting.schedule",
        "probation.meeting.record",
        "probation.complete",
        "probation.report.submit",
        "fines.payment.record",
        "forensics.expertise.order",
        "forensics.expertise.extend",
        "forensics.expertise.decline",
        "forensics.opinion.submit",
        "forensics.opinion.sign",
    }
)
"""Act kinds of the contour (ARCHITECTURE.md), fixed names of the project."""

PROPOSED_EVENT_KINDS: frozenset[str] = frozenset()
"""Act kinds the 2021 pack needs that the contour does not name yet (for their modules to add)."""

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class RulePackError(DataFileError):
    """A rule pack file is malformed; names the file and the line."""


class NoPackInForce(LookupError):
    """No rule pack covers the given date."""


@dataclass(frozen=True)
class Title:
    """A name in the three languages of the interface."""

    en: str
    ru: str
    ky: str

    def get(self, language: str) -> str:
        """The title in `language` (en, ru, ky); English for any other."""
        return {"en": self.en, "ru": self.ru, "ky": self.ky}.get(language, self.en)


Scalar = str | int | float | bool


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def data_value(data: Mapping[str, object], path: str) -> tuple[bool, object]:
    """The value at a dotted `path` in event data, and whether it is present."""
    current: object = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current


@dataclass(frozen=True)
class Conditions:
    """When a trigger applies: facts and event data equal one of the allowed values; terms open."""

    facts: tuple[tuple[str, tuple[Scalar, ...]], ...] = ()
    data: tuple[tuple[str, tuple[Scalar, ...]], ...] = ()
    open: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.facts or self.data or self.open)

    def matches(
        self,
        facts: Mapping[str, object],
        data: Mapping[str, object],
        is_open: Callable[[str], bool] = lambda rule_id: False,
    ) -> bool:
        """Whether every condition holds (`is_open(rule_id)` answers the `open` conditions)."""
        for name, allowed in self.facts:
            if name in facts:
                value = facts[name]
            elif name in FACT_DEFAULTS:
                value = FACT_DEFAULTS[name]
            else:
                return False
            if not any(_same(value, a) for a in allowed):
                return False
        for path, allowed in self.data:
            present, value = data_value(data, path)
            if not present or not any(_same(value, a) for a in allowed):
                return False
        return not self.open or any(is_open(rule_id) for rule_id in self.open)


@dataclass(frozen=True)
class Trigger:
    """An event kind (with optional conditions) that starts, meets, ends or changes a term.

    In `extended_by`: `to` is a fixed new total term; `field` names the event data field holding
    the new total (or the new end, for rules whose end comes from `due_from`); `add` adds the
    field's amount to the current term instead.
    """

    kind: str
    when: Conditions = Conditions()
    to: Duration | None = None
    field: str | None = None
    add: bool = False

    def matches(
        self,
        kind: str,
        facts: Mapping[str, object],
        data: Mapping[str, object],
        is_open: Callable[[str], bool] = lambda rule_id: False,
    ) -> bool:
        """Whether an event of `kind` with these facts and data fires the trigger."""
        return kind == self.kind and self.when.matches(facts, data, is_open)


@dataclass(frozen=True)
class Rule:
    """One procedural term, with the article that governs it."""

    id: str
    title: Title
    article: str
    starts_on: tuple[Trigger, ...]
    when: Conditions = Conditions()
    start_from: str | None = None
    subject: str | None = None
    duration: Duration | None = None
    duration_from: str | None = None
    unit: str | None = None
    due_from: str | None = None
    before: Duration | None = None
    shift: bool = True
    met_by: tuple[Trigger, ...] = ()
    cancelled_by: tuple[Trigger, ...] = ()
    suspended_by: tuple[Trigger, ...] = ()
    resumed_by: tuple[Trigger, ...] = ()
    extended_by: tuple[Trigger, ...] = ()
    extension_field: str | None = None
    warn_before: Duration | None = None
    notify: tuple[str, ...] = ()
    window: bool = False
    gap: bool = False
    note: str = ""
    line: int | None = None

    @property
    def configured(self) -> bool:
        """Whether the rule has a term to count (a gap rule has none until configured)."""
        return (
            self.duration is not None
            or self.duration_from is not None
            or (self.due_from is not None)
        )

    @property
    def term_unit(self) -> str | None:
        """The unit the term is counted in (None for rules whose end comes from `due_from`)."""
        if self.duration is not None:
            return self.duration.unit
        return self.unit

    def event_kinds(self) -> set[str]:
        """Every event kind the rule refers to."""
        triggers = (
            self.starts_on
            + self.met_by
            + self.cancelled_by
            + self.suspended_by
            + self.resumed_by
            + self.extended_by
        )
        return {t.kind for t in triggers}


@dataclass(frozen=True)
class RulePack:
    """The rules of one legislation set in force between two dates."""

    id: str
    title: Title
    legislation_set: str
    effective_from: date
    effective_to: date | None
    rules: tuple[Rule, ...]
    source: str = ""
    path: Path | None = field(default=None, compare=False)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if there is none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def in_force(self, day: date) -> bool:
        """Whether the pack applies to an event on local date `day`."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def gaps(self) -> tuple[Rule, ...]:
        """Rules whose value the law does not fix and that are not configured yet."""
        return tuple(r for r in self.rules if r.gap and not r.configured)

    def configured(self, values: Mapping[str, str | Duration]) -> RulePack:
        """A copy with gap rules given a term by configuration, e.g. {"probation.report": "1M"}.

        Only gap rules may be configured; the rule keeps `gap = true` so that the interface can say
        the value comes from configuration, not from the law.
        """
        rules = []
        by_id = {r.id: r for r in self.rules}
        for rule_id in values:
            if rule_id not in by_id:
                raise KeyError(f"pack {self.id} has no rule {rule_id!r}")
            if not by_id[rule_id].gap:
                raise ValueError(f"rule {rule_id!r} is fixed by law and cannot be configured")
        for rule in self.rules:
            if rule.id in values:
                value = values[rule.id]
                duration = value if isinstance(value, Duration) else Duration.parse(value)
                rule = replace(rule, duration=duration)
            rules.append(rule)
        return replace(self, rules=tuple(rules))


@dataclass(frozen=True)
class LegislationSet:
    """A set of penal legislation applied to whole cases (LEGAL-DATA.md, "Legislation sets")."""

    id: str
    title: str
    criminal_code: str
    procedure_code: str
    effective_from: date | None
    effective_to: date | None

    def in_force(self, day: date) -> bool:
        """Whether the set applies to an offence or event on `day`."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


LEGISLATION_SETS: tuple[LegislationSet, ...] = (
    LegislationSet(
        "kg-1997",
        "Criminal Code 1997, CPC 1999",
        "Criminal Code of 01.10.1997",
        "Criminal Procedure Code of 30.06.1999",
        date(1998, 1, 1),
        date(2018, 12, 31),
    ),
    LegislationSet(
        "kg-2019",
        "Criminal Code 2017 No. 19, Code on Misdemeanours, Code on Violations, CPC 2017 No. 20",
        "Criminal Code of 02.02.2017 No. 19",
        "Criminal Procedure Code of 02.02.2017 No. 20",
        date(2019, 1, 1),
        date(2021, 11, 30),
    ),
    LegislationSet(
        "kg-2021",
        "Criminal Code 2021 No. 127, Code of Offences No. 128, CPC 2021 No. 129",
        "Criminal Code of 28.10.2021 No. 127",
        "Criminal Procedure Code of 28.10.2021 No. 129",
        date(2021, 12, 1),
        None,
    ),
)


def _as_date(day: date | datetime) -> date:
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise ValueError("a datetime must be timezone-aware")
        return day.astimezone(LOCAL_TZ).date()
    return day


def legislation_set(set_id: str) -> LegislationSet:
    """The legislation set with this id (KeyError if unknown)."""
    for item in LEGISLATION_SETS:
        if item.id == set_id:
            return item
    raise KeyError(set_id)


def legislation_set_on(day: date | datetime) -> LegislationSet:
    """The legislation set in force on `day` (a date, or an aware datetime taken in local time).

    A date before the earliest set gets the earliest set: the register holds nothing older.
    """
    local = _as_date(day)
    for item in LEGISLATION_SETS:
        if item.in_force(local):
            return item
    return LEGISLATION_SETS[0]


def pack_in_force(day: date | datetime, packs: Iterable[RulePack] | None = None) -> RulePack:
    """The rule pack in force on `day` — the date of the event that starts a term (ARCHITECTURE).

    A date before every pack gets the earliest pack (as for legislation sets); a date no pack
    covers otherwise raises `NoPackInForce`.
    """
    local = _as_date(day)
    available = list(builtin_packs() if packs is None else packs)
    candidates = [p for p in available if p.in_force(local)]
    if not candidates:
        earlier = [p for p in available if local < p.effective_from]
        if available and len(earlier) == len(available):
            return min(available, key=lambda p: p.effective_from)
        raise NoPackInForce(f"no rule pack is in force on {local.isoformat()}")
    return max(candidates, key=lambda p: p.effective_from)


def pack_for_set(set_id: str, packs: Iterable[RulePack] | None = None) -> RulePack:
    """The (latest) pack of a legislation set."""
    matching = [
        p for p in (builtin_packs() if packs is None else packs) if p.legislation_set == set_id
    ]
    if not matching:
        raise NoPackInForce(f"no rule pack for legislation set {set_id!r}")
    return max(matching, key=lambda p: p.effective_from)


def unknown_event_kinds(pack: RulePack, known: Iterable[str] = KNOWN_EVENT_KINDS) -> set[str]:
    """Event kinds the pack refers to that are not in `known` (to catch misspelt kinds)."""
    known_set = set(known)
    return {kind for rule in pack.rules for kind in rule.event_kinds() if kind not in known_set}


# --- loading -----------------------------------------------------------------------------------

_PACK_KEYS = {"id", "title", "legislation_set", "effective_from", "effective_to", "source", "note"}
_RULE_KEYS = {
    "id",
    "title",
    "article",
    "starts_on",
    "when",
    "start_from",
    "subject",
    "duration",
    "duration_from",
    "unit",
    "due_from",
    "before",
    "shift",
    "met_by",
    "cancelled_by",
    "suspended_by",
    "resumed_by",
    "extended_by",
    "extension_field",
    "warn_before",
    "notify",
    "window",
    "gap",
    "note",
}
_TRIGGER_LISTS = (
    "starts_on",
    "met_by",
    "cancelled_by",
    "suspended_by",
    "resumed_by",
    "extended_by",
)
_TRIGGER_KEYS = {"kind", "when"}
_EXTENSION_KEYS = {"kind", "when", "to", "field", "add"}


class _Loader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(
        self, message: str, table: str, index: int | None = None, key: str | None = None
    ) -> NoReturn:
        raise RulePackError(self.path, find_line(self.text, table, index, key), message)

    def title(self, value: object, table: str, index: int | None, what: str) -> Title:
        if not isinstance(value, dict):
            self.fail(f"{what}: title must be a table with en, ru and ky", table, index, "title")
        extra = set(value) - {"en", "ru", "ky"}
        if extra:
            self.fail(f"{what}: title has unknown languages {sorted(extra)}", table, index, "title")
        for lang in ("en", "ru", "ky"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{what}: title.{lang} is missing", table, index, "title")
        return Title(value["en"], value["ru"], value["ky"])

    def duration(self, value: object, index: int, key: str, what: str) -> Duration:
        try:
            return Duration.parse(value)  # type: ignore[arg-type]
        except DurationError as exc:
            self.fail(f"{what}: {key}: {exc}", "rule", index, key)

    def field_name(self, value: object, index: int, key: str, what: str) -> str:
        if not isinstance(value, str) or not _FIELD.match(value):
            self.fail(
                f'{what}: {key} must name an event data field, e.g. "person"', "rule", index, key
            )
        return value

    def conditions(self, value: object, index: int, key: str, what: str) -> Conditions:
        if not isinstance(value, dict):
            self.fail(f"{what}: {key} must be a table of conditions", "rule", index, key)
        facts: list[tuple[str, tuple[Scalar, ...]]] = []
        data: list[tuple[str, tuple[Scalar, ...]]] = []
        opened: tuple[str, ...] = ()
        for name, raw in value.items():
            if name == "open":
                items = [raw] if isinstance(raw, str) else raw
                if (
                    not isinstance(items, list)
                    or not items
                    or not all(isinstance(i, str) and _ID.match(i) for i in items)
                ):
                    self.fail(f"{what}: {key}.open must name rule ids", "rule", index, key)
                opened = tuple(items)
            elif name == "data" or name.startswith("data."):
                prefix = name[len("data.") :] if name.startswith("data.") else ""
                for path, allowed in self._flatten(raw, prefix, index, key, what):
                    data.append((path, allowed))
            elif name in FACTS:
                allowed = self._allowed(raw, index, key, what, name)
                for item in allowed:
                    if not any(_same(item, v) for v in FACTS[name]):
                        choices = ", ".join(
                            str(v).lower() if isinstance(v, bool) else str(v) for v in FACTS[name]
                        )
                        self.fail(
                            f"{what}: {key}.{name} = {item!r} is not one of: {choices}",
                            "rule",
                            index,
                            key,
                        )
                facts.append((name, allowed))
            else:
                self.fail(
                    f"{what}: {key}: unknown condition {name!r} (facts: "
                    f"{', '.join(FACTS)}; event data: data.<field>; open)",
                    "rule",
                    index,
                    key,
                )
        return Conditions(tuple(facts), tuple(data), opened)

    def _flatten(
        self, raw: object, prefix: str, index: int, key: str, what: str
    ) -> list[tuple[str, tuple[Scalar, ...]]]:
        if isinstance(raw, dict):
            out = []
            for name, inner in raw.items():
                out += self._flatten(
                    inner, f"{prefix}.{name}" if prefix else name, index, key, what
                )
            return out
        if not prefix:
            self.fail(f"{what}: {key}.data must be a table of fields", "rule", index, key)
        return [(prefix, self._allowed(raw, index, key, what, f"data.{prefix}"))]

    def _allowed(
        self, raw: object, index: int, key: str, what: str, name: str
    ) -> tuple[Scalar, ...]:
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(isinstance(i, str | int | float | bool) for i in items):
            self.fail(
                f"{what}: {key}.{name} must be a value or a list of values", "rule", index, key
            )
        return tuple(items)

    def triggers(self, value: object, index: int, key: str, what: str) -> tuple[Trigger, ...]:
        items = value if isinstance(value, list) else [value]
        out = []
        allowed = _EXTENSION_KEYS if key == "extended_by" else _TRIGGER_KEYS
        for item in items:
            if isinstance(item, str):
                item = {"kind": item}
            if not isinstance(item, dict):
                self.fail(
                    f"{what}: {key} lists event kinds or {{ kind = …, when = … }} tables",
                    "rule",
                    index,
                    key,
                )
            extra = set(item) - allowed
            if extra:
                self.fail(
                    f"{what}: {key}: unknown key(s) {sorted(extra)} in a trigger",
                    "rule",
                    index,
                    key,
                )
            kind = item.get("kind")
            if not isinstance(kind, str) or not _KIND.match(kind):
                self.fail(
                    f'{what}: {key}: {kind!r} is not an event kind such as "registry.case.open"',
                    "rule",
                    index,
                    key,
                )
            when = self.conditions(item.get("when", {}), index, key, what)
            to = self.duration(item["to"], index, key, what) if "to" in item else None
            fld = self.field_name(item["field"], index, key, what) if "field" in item else None
            add = item.get("add", False)
            if not isinstance(add, bool):
                self.fail(f"{what}: {key}: add must be true or false", "rule", index, key)
            if add and fld is None:
                self.fail(f"{what}: {key}: add = true needs field", "rule", index, key)
            out.append(Trigger(kind, when, to, fld, add))
        return tuple(out)

    def rule(self, raw: object, index: int) -> Rule:
        if not isinstance(raw, dict):
            self.fail("[[rule]] must be a table", "rule", index)
        rid = raw.get("id")
        what = f"rule {rid!r}" if isinstance(rid, str) else f"rule #{index + 1}"
        for key in raw:
            if key not in _RULE_KEYS:
                self.fail(f"{what}: unknown key {key!r}", "rule", index, key)
        if not isinstance(rid, str) or not _ID.match(rid):
            self.fail(
                f'{what}: id must be a lower-case dotted name such as "investigation.term"',
                "rule",
                index,
                "id",
            )
        title = self.title(raw.get("title"), "rule", index, what)
        article = raw.get("article")
        if not isinstance(article, str) or not article.strip():
            self.fail(f'{what}: article is required (e.g. "CPC 162(1)")', "rule", index, "article")
        if "starts_on" not in raw:
            self.fail(f"{what}: starts_on is required", "rule", index)
        triggers = {k: self.triggers(raw.get(k, []), index, k, what) for k in _TRIGGER_LISTS}
        if not triggers["starts_on"]:
            self.fail(f"{what}: starts_on names no event", "rule", index, "starts_on")
        when = self.conditions(raw.get("when", {}), index, "when", what)
        start_from = (
            self.field_name(raw["start_from"], index, "start_from", what)
            if "start_from" in raw
            else None
        )
        subject = (
            self.field_name(raw["subject"], index, "subject", what) if "subject" in raw else None
        )
        gap = raw.get("gap", False)
        if not isinstance(gap, bool):
            self.fail(f"{what}: gap must be true or false", "rule", index, "gap")
        note = raw.get("note", "")
        if not isinstance(note, str):
            self.fail(f"{what}: note must be a string", "rule", index, "note")
        how = [k for k in ("duration", "duration_from", "due_from") if k in raw]
        if gap:
            if how:
                self.fail(
                    f"{what}: a gap rule has no default term; remove {how[0]}",
                    "rule",
                    index,
                    how[0],
                )
            if not note.strip():
                self.fail(
                    f"{what}: a gap rule needs a note saying what the law leaves open",
                    "rule",
                    index,
                    "gap",
                )
        elif len(how) != 1:
            self.fail(
                f"{what}: give exactly one of duration, duration_from, due_from "
                "(or gap = true with a note)",
                "rule",
                index,
                how[1] if how else "id",
            )
        duration = (
            self.duration(raw["duration"], index, "duration", what) if "duration" in raw else None
        )
        duration_from = (
            self.field_name(raw["duration_from"], index, "duration_from", what)
            if "duration_from" in raw
            else None
        )
        unit = None
        if "unit" in raw:
            if duration_from is None and not gap:
                self.fail(f"{what}: unit goes with duration_from", "rule", index, "unit")
            try:
                unit = Duration.unit_of(raw["unit"]) if isinstance(raw["unit"], str) else None
            except DurationError:
                unit = None
            if unit is None:
                self.fail(f"{what}: unit must be one of h, d, wd, M, Y", "rule", index, "unit")
        elif duration_from is not None:
            self.fail(
                f"{what}: duration_from needs a unit (h, d, wd, M or Y)",
                "rule",
                index,
                "duration_from",
            )
        due_from = (
            self.field_name(raw["due_from"], index, "due_from", what) if "due_from" in raw else None
        )
        before = None
        if "before" in raw:
            if due_from is None:
                self.fail(f"{what}: before goes with due_from", "rule", index, "before")
            before = self.duration(raw["before"], index, "before", what)
        shift = raw.get("shift", True)
        if not isinstance(shift, bool):
            self.fail(f"{what}: shift must be true or false", "rule", index, "shift")
        window = raw.get("window", False)
        if not isinstance(window, bool):
            self.fail(f"{what}: window must be true or false", "rule", index, "window")
        if bool(triggers["suspended_by"]) != bool(triggers["resumed_by"]):
            key = "suspended_by" if triggers["suspended_by"] else "resumed_by"
            self.fail(f"{what}: suspended_by and resumed_by go together", "rule", index, key)
        if due_from is not None and triggers["suspended_by"]:
            self.fail(
                f"{what}: a term whose end is ordered (due_from) cannot be suspended",
                "rule",
                index,
                "suspended_by",
            )
        extension_field = (
            self.field_name(raw["extension_field"], index, "extension_field", what)
            if "extension_field" in raw
            else None
        )
        term_unit = duration.unit if duration is not None else unit
        for trig in triggers["extended_by"]:
            if due_from is not None and (trig.to is not None or trig.add):
                self.fail(
                    f"{what}: extended_by: a term ordered until a date is extended by a "
                    "new date (field), not by to/add",
                    "rule",
                    index,
                    "extended_by",
                )
            if (
                due_from is None
                and trig.to is None
                and trig.field is None
                and (extension_field is None)
            ):
                self.fail(
                    f'{what}: extended_by {trig.kind!r} needs the new term: to = "…", '
                    'field = "…" or the rule\'s extension_field',
                    "rule",
                    index,
                    "extended_by",
                )
            if trig.to is not None and term_unit is not None and trig.to.unit != term_unit:
                self.fail(
                    f'{what}: extended_by: to = "{trig.to}" is not in the rule\'s unit '
                    f"({term_unit})",
                    "rule",
                    index,
                    "extended_by",
                )
        if extension_field is not None and not triggers["extended_by"]:
            self.fail(
                f"{what}: extension_field without extended_by", "rule", index, "extension_field"
            )
        warn_before = (
            self.duration(raw["warn_before"], index, "warn_before", what)
            if "warn_before" in raw
            else None
        )
        notify = raw.get("notify", [])
        if not isinstance(notify, list) or not all(
            isinstance(n, str) and n.strip() for n in notify
        ):
            self.fail(f"{what}: notify must list roles", "rule", index, "notify")
        return Rule(
            id=rid,
            title=title,
            article=article.strip(),
            starts_on=triggers["starts_on"],
            when=when,
            start_from=start_from,
            subject=subject,
            duration=duration,
            duration_from=duration_from,
            unit=unit,
            due_from=due_from,
            before=before,
            shift=shift,
            met_by=triggers["met_by"],
            cancelled_by=triggers["cancelled_by"],
            suspended_by=triggers["suspended_by"],
            resumed_by=triggers["resumed_by"],
            extended_by=triggers["extended_by"],
            extension_field=extension_field,
            warn_before=warn_before,
            notify=tuple(notify),
            window=window,
            gap=gap,
            note=note.strip(),
            line=find_line(self.text, "rule", index),
        )

    def pack(self, data: dict[str, object]) -> RulePack:
        for key in data:
            if key not in ("pack", "rule"):
                raise RulePackError(
                    self.path,
                    find_line(self.text, key, None) or find_line(self.text, key, 0),
                    f"unknown table {key!r}; a pack has [pack] and [[rule]]",
                )
        head = data.get("pack")
        if not isinstance(head, dict):
            raise RulePackError(self.path, 1, "the file needs a [pack] table")
        for key in head:
            if key not in _PACK_KEYS:
                self.fail(f"[pack]: unknown key {key!r}", "pack", None, key)
        pid = head.get("id")
        if not isinstance(pid, str) or not _ID.match(pid.replace("-", "_")):
            self.fail('[pack]: id is required, e.g. "kg-2021"', "pack", None, "id")
        title = self.title(head.get("title"), "pack", None, "[pack]")
        set_id = head.get("legislation_set")
        known_sets = [s.id for s in LEGISLATION_SETS]
        if set_id not in known_sets:
            self.fail(
                f"[pack]: legislation_set must be one of {', '.join(known_sets)}",
                "pack",
                None,
                "legislation_set",
            )
        assert isinstance(set_id, str)
        start = head.get("effective_from")
        if not isinstance(start, date) or isinstance(start, datetime):
            self.fail(
                "[pack]: effective_from must be a date such as 2021-12-01",
                "pack",
                None,
                "effective_from",
            )
        end = head.get("effective_to")
        if end is not None and (not isinstance(end, date) or isinstance(end, datetime)):
            self.fail("[pack]: effective_to must be a date", "pack", None, "effective_to")
        if end is not None and end < start:
            self.fail("[pack]: effective_to is before effective_from", "pack", None, "effective_to")
        lset = legislation_set(set_id)
        if (lset.effective_from and start < lset.effective_from) or (
            lset.effective_to and (end is None or end > lset.effective_to)
        ):
            self.fail(
                f"[pack]: the pack's dates fall outside legislation set {set_id} "
                f"({lset.effective_from or '…'} – {lset.effective_to or '…'})",
                "pack",
                None,
                "effective_from",
            )
        source = head.get("source", "")
        if not isinstance(source, str):
            self.fail("[pack]: source must be a string", "pack", None, "source")
        raw_rules = data.get("rule", [])
        if not isinstance(raw_rules, list):
            raise RulePackError(
                self.path, find_line(self.text, "rule", None), "rules are [[rule]] tables"
            )
        rules = [self.rule(raw, i) for i, raw in enumerate(raw_rules)]
        seen: dict[str, int] = {}
        for i, rule in enumerate(rules):
            if rule.id in seen:
                self.fail(f"rule {rule.id!r} is defined twice", "rule", i, "id")
            seen[rule.id] = i
        for i, rule in enumerate(rules):
            refs = [t.when for k in _TRIGGER_LISTS for t in getattr(rule, k)] + [rule.when]
            for cond in refs:
                for ref in cond.open:
                    if ref not in seen:
                        self.fail(
                            f"rule {rule.id!r}: open = {ref!r} names no rule of this pack",
                            "rule",
                            i,
                            "when",
                        )
        return RulePack(pid, title, set_id, start, end, tuple(rules), source, self.path)


def load_pack(path: Path | str, *, configure: Mapping[str, str] | None = None) -> RulePack:
    """Load and validate a rule pack file; `configure` gives terms to gap rules.

    Raises `RulePackError` (file and line in the message) on any syntax or semantic error.
    """
    path = Path(path)
    data, text = load_toml(path, RulePackError)
    pack = _Loader(path, text).pack(data)
    return pack.configured(configure) if configure else pack


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[RulePack, ...]:
    """The packs shipped with ICJIS (`rules/*.toml`), oldest first."""
    packs = [load_pack(p) for p in sorted(RULES_DIR.glob("*.toml"))]
    return tuple(sorted(packs, key=lambda p: p.effective_from))
