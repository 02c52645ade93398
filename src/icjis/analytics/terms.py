"""A case's legal terms replayed from its events alone, for the statistics (module L): the same
pure deadline engine the projection runs (`legal.deadlines`), fed the same facts — the rule pack
the case was registered under, its stage once each event is applied, its category, whether a
jury sits, and whether the person concerned was a child — each followed here from what the
events themselves record, never read from the tables. So a figure of terms kept or missed is
what the ledger says, and `tests/analytics/test_against_projections.py` holds it to the
deadlines the pages show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from icjis.legal import engine
from icjis.legal.deadlines import TRANSFER, facts_with_births, listened_kinds, pack_of
from icjis.legal.rulepacks import RulePack

STAGE_AFTER = {
    "registry.case.open": "investigation",
    "registry.case.refuse": "closed",
    "registry.case.terminate": "closed",
    "registry.case.joined_into": "closed",
    "registry.indictment.submit": "prosecution",
    "registry.indictment.approve": "trial",
    "registry.indictment.return": "investigation",
    "courts.appeal.file": "appeal",
}
"""The stage a case is at after an event of these kinds, whatever it was at before (as each
module's projection sets it); the kinds that move it only sometimes are in `Case.follow`. Not
followed: a case closed at the end of its execution (`core.execution.close_case`, from events on
the prisons', probation's and fines' streams), since no rule asks whether a case in execution is
closed."""

FOLLOWED = frozenset(
    {
        *STAGE_AFTER,
        "registry.report.register",
        "registry.case.split_from",
        "registry.case.assign",
        "registry.case.reopen",
        TRANSFER,
        "courts.case.register",
        "courts.appeal.register",
        "courts.appeal.decide",
        "courts.verdict.enter_into_force",
    }
)
"""The event kinds that change what a case's terms depend on."""


_WINDOWS: dict[str, frozenset[str]] = {}


def windows(pack: RulePack) -> frozenset[str]:
    """The rules of a pack that are a party's time to act (memo by pack id)."""
    if pack.id not in _WINDOWS:
        _WINDOWS[pack.id] = frozenset(r.id for r in pack.rules if r.window)
    return _WINDOWS[pack.id]


def kinds() -> frozenset[str]:
    """Every event kind the replay reads: those that move a case, and those some rule listens to."""
    return FOLLOWED | listened_kinds()


Key = tuple[str, str | None]  # a term: its rule and the person it concerns


@dataclass(frozen=True)
class Kept:
    """A term met by an act: when, whether after its due time, and by how much."""

    rule: str
    subject: str | None
    unit: str
    at: datetime
    late: bool
    hours_over: int


@dataclass(frozen=True)
class Overdue:
    """A change in the terms overdue: one more from the moment a term's due time passed, one
    fewer from the moment it was met, suspended or extended past the moment, or moved with the
    case to another unit."""

    rule: str
    unit: str
    at: datetime
    step: int


@dataclass(slots=True)
class Case:
    """What a case's terms depend on, as its projections have it after each event, and its open
    terms. `category`, `stage` and `details` are the names `facts_with_births` reads."""

    pack: RulePack | None
    unit: str
    stage: str
    category: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    terms: list[engine.Term] = field(default_factory=list)  # the open ones
    # The terms ended, with the unit then and whether met late: only when asked for (a check).
    ended: list[tuple[engine.Term, str, bool]] | None = None
    counted: dict[Key, str] = field(default_factory=dict)  # overdue terms → the unit counted at
    since: dict[Key, datetime] = field(default_factory=dict)  # when each took its due time

    @classmethod
    def opened(cls, kind: str, data: dict[str, Any]) -> Case | None:
        """The case an event begins — a report registered, a case split off — or None."""
        if kind == "registry.report.register":
            return cls.registered(data, data.get("unit") or "", "registered")
        if kind == "registry.case.split_from":
            return cls.registered(data.get("header") or {}, data.get("unit") or "", "investigation")
        return None

    @classmethod
    def registered(cls, header: dict[str, Any], unit: str, stage: str) -> Case:
        """A case as registered (a report) or split off (its header): the pack of its rule
        pack's legislation set, as the projection finds it."""
        pack = pack_of(header.get("rule_pack") or "", header.get("legislation_set") or "")
        return cls(pack, unit, stage, header.get("category") or "")

    def step(
        self,
        kind: str,
        data: dict[str, Any],
        at: datetime,
        seq: int,
        birth_of: Callable[[str], date | None],
    ) -> tuple[list[Kept], list[Overdue]]:
        """One event of the case: the terms it meets, and the changes in those overdue (the
        ones whose due time passed since the case's last event first, at the unit then)."""
        overdue = self.overdue_by(at)
        self.follow(kind, data)
        kept = self.apply(kind, data, at, seq, birth_of)
        return kept, overdue + self.settle(at)

    def follow(self, kind: str, data: dict[str, Any]) -> None:
        """Apply an event to the facts, as the module's projection applies it to the case."""
        if kind in STAGE_AFTER:
            self.stage = STAGE_AFTER[kind]
        if kind == "registry.case.open":
            self.category = data.get("category") or ""
        elif kind == "registry.case.assign" and self.stage == "registered":
            self.stage = "pre_investigation"
        elif kind == "registry.case.reopen":
            self.stage = data["stage"]
        elif kind == TRANSFER:
            self.unit = data["unit"]  # open terms follow the case (the overdue lists are per unit)
        elif kind in ("courts.case.register", "courts.appeal.register") and data.get("jury"):
            self.details["jury"] = True
        elif kind == "courts.verdict.enter_into_force" and data.get("stage"):
            self.stage = data["stage"]
        elif kind == "courts.appeal.decide" and data.get("outcome") == "quashed":
            self.stage = "trial"  # a new trial at first instance (CPC 64(2))

    def _window(self, rule: str) -> bool:
        """A party's time to act: no one's to keep or miss."""
        return self.pack is not None and rule in windows(self.pack)

    def apply(
        self,
        kind: str,
        data: dict[str, Any],
        at: datetime,
        seq: int,
        birth_of: Callable[[str], date | None],
    ) -> list[Kept]:
        """Run the engine over one event of the case (after `follow`): the terms it meets that
        are the authorities' to keep."""
        if self.pack is None or (kind != TRANSFER and kind not in listened_kinds()):
            return []
        event = engine.Event(kind, data, at, seq, facts_with_births(self, data, at, birth_of))
        try:
            pack = engine.rules_for(self.pack, kind, frozenset(t.rule_id for t in self.terms))
            effects = engine.apply_event(pack, event, [t.as_open() for t in self.terms])
        except engine.DeadlineDataError:
            return []  # the act was refused for it: such an event is not in a ledger
        kept = []
        before = {(t.rule_id, t.subject): (t.state, t.due_at) for t in self.terms}
        for effect in effects:
            if not isinstance(effect, engine.Met) or self._window(effect.rule_id):
                continue
            term = next(
                t for t in self.terms if (t.rule_id, t.subject) == (effect.rule_id, effect.subject)
            )
            over = (effect.at - term.due_at).total_seconds() if effect.late else 0
            hours = int(over // 3600)
            kept.append(
                Kept(effect.rule_id, effect.subject, self.unit, effect.at, effect.late, hours)
            )
        engine.fold(self.terms, effects, seq)
        if self.ended is not None:
            late = {(k.rule, k.subject) for k in kept if k.late}
            self.ended.extend(
                (t, self.unit, (t.rule_id, t.subject) in late)
                for t in self.terms
                if t.state not in engine.OPEN_STATES
            )
        self.terms = [t for t in self.terms if t.state in engine.OPEN_STATES]
        self.since = {
            key: self.since[key] if before.get(key) == (t.state, t.due_at) else at
            for t in self.terms
            for key in [(t.rule_id, t.subject)]
        }
        return kept

    def overdue_by(self, moment: datetime) -> list[Overdue]:
        """One more overdue for each running term whose due time passed before `moment` and
        that is not counted yet: from its due time, or from when it took that due time if that
        was later (a term resumed already past it)."""
        out = []
        for t in self.terms:
            key = (t.rule_id, t.subject)
            if t.state != engine.RUNNING or t.due_at >= moment or key in self.counted:
                continue
            if self._window(t.rule_id):
                continue
            self.counted[key] = self.unit
            out.append(Overdue(t.rule_id, self.unit, max(t.due_at, self.since[key]), +1))
        return out

    def settle(self, at: datetime) -> list[Overdue]:
        """One fewer overdue at `at` for each counted term no longer running past its due time,
        and each moved with the case to another unit counted at the new one."""
        running = {(t.rule_id, t.subject): t for t in self.terms if t.state == engine.RUNNING}
        out = []
        for key, unit in list(self.counted.items()):
            term = running.get(key)
            if term is not None and term.due_at < at and unit == self.unit:
                continue
            out.append(Overdue(key[0], unit, at, -1))
            del self.counted[key]
            if term is not None and term.due_at < at:
                out.append(Overdue(key[0], self.unit, at, +1))
                self.counted[key] = self.unit
        return out
