"""The deadline projection hook: after every event of a case stream, the pure engine
(`legal.engine`) says which terms start, are met, suspended, resumed, extended or cancelled,
under the case's rule pack; this module applies that to the `Deadline` rows. It reads no clock,
only the event, so a replay of the ledger rebuilds the same deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from icjis.core import projections
from icjis.core.models import Case, Event, Person
from icjis.core.persons import age_on
from icjis.core.refusals import Invalid
from icjis.legal import engine
from icjis.legal.calendar import default_calendar
from icjis.legal.counting import Duration
from icjis.legal.models import Deadline
from icjis.legal.rulepacks import Rule, RulePack, builtin_packs, pack_for_set

OPEN = ("running", "suspended")
TRANSFER = "registry.case.transfer"
_listened: tuple[object, frozenset[str]] | None = None


def listened_kinds() -> frozenset[str]:
    """Every event kind some rule of some shipped pack starts, meets, cancels, suspends, resumes
    or extends a term on. An event of any other kind has no effect on any term (the engine
    matches triggers by kind first), so the hook need not load the case or its open terms."""
    global _listened  # noqa: PLW0603 - memo of the (cached, immutable) shipped packs
    packs = builtin_packs()
    if _listened is None or _listened[0] is not packs:
        kinds = {kind for pack in packs for rule in pack.rules for kind in rule.event_kinds()}
        _listened = (packs, frozenset(kinds))
    return _listened[1]


def pack_of(rule_pack: str, legislation_set: str) -> RulePack | None:
    """The pack a case's terms are counted under, from what its registration recorded (None:
    a set this server ships no pack for)."""
    try:
        return pack_for_set(rule_pack or legislation_set)
    except LookupError:
        return None


def _pack(case: Case) -> RulePack | None:
    return pack_of(case.rule_pack, case.legislation_set)


def facts_for(case: Case, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """What the rules' conditions may ask: category, stage, jury, and whether the person the
    event concerns was under 18 at the time (the hour of detention, when the event gives it)."""
    return facts_with_births(case, data, at, _birth_date)


def _birth_date(person: str) -> date | None:
    return Person.objects.filter(pk=person).values_list("birth_date", flat=True).first()


def facts_with_births(
    case: Any, data: dict[str, Any], at: datetime, birth_of: Callable[[str], date | None]
) -> dict[str, Any]:
    """`facts_for` with the person's birth date from `birth_of` (the bulk seeder keeps the
    persons it recorded in memory); `case` needs only category, stage and details."""
    facts: dict[str, Any] = {
        "category": case.category or None,
        "stage": case.stage,
        "jury": bool(case.details.get("jury", False)),
        "minor": False,
    }
    person = engine.subject_value(data.get("person"))
    if person:
        birth = birth_of(person)
        moment = at
        if isinstance(data.get("detained_at"), str):
            moment = datetime.fromisoformat(data["detained_at"].replace("Z", "+00:00"))
        facts["minor"] = bool(birth and age_on(birth, moment.date()) < 18)
    return facts


def rule_of(d: Deadline) -> Rule | None:
    """The rule that counts the deadline, from the rule pack the row names (None for a pack or
    a rule this server does not ship)."""
    for pack in builtin_packs():
        if pack.id == d.rule_pack:
            try:
                return pack.rule(d.rule)
            except KeyError:
                return None
    return None


def provisional(d: Deadline) -> bool:
    """Whether the term's due time rests on a day the calendar only estimates (a lunar holiday
    not yet set) or on a year it has no file for: the due time may move when the calendar is
    updated (and the projections rebuilt), so the pages mark it."""
    rule = rule_of(d)
    if rule is None:
        return False
    duration = Duration.parse(d.duration) if d.duration else rule.duration
    return engine.rests_on_estimate(default_calendar(), rule, d.starts_at, d.due_at, duration)


def _open_view(d: Deadline) -> engine.OpenDeadline:
    return engine.OpenDeadline(
        d.rule,
        d.subject or None,
        d.starts_at,
        d.due_at,
        d.state,
        d.suspended_at,
        timedelta(seconds=d.suspended_seconds),
        d.duration or None,
    )


def on_event(event: Event, data: dict[str, Any]) -> None:
    if not event.stream.startswith("case/"):
        return
    if event.kind != TRANSFER and event.kind not in listened_kinds():
        return
    case = Case.objects.filter(number=event.stream[5:]).select_related("unit").first()
    if case is None:
        return
    pack = _pack(case)
    if pack is None:
        return
    if event.kind == TRANSFER:
        # Open terms follow the case to the receiving unit (overdue lists are per unit).
        Deadline.objects.filter(case=case, state__in=OPEN).update(
            unit=case.unit, territory_path=case.territory_path
        )
    rows = {(d.rule, d.subject): d for d in Deadline.objects.filter(case=case, state__in=OPEN)}
    try:
        effects = engine.apply_event(
            pack,
            engine.Event(
                event.kind,
                data,
                event.recorded_at,
                event.seq,
                facts_for(case, data, event.recorded_at),
            ),
            [_open_view(d) for d in rows.values()],
        )
    except engine.DeadlineDataError as exc:
        # The act lacks what a legal term needs (e.g. the person of a custody decision).
        # Its message is made by `say` (engine), so that a page says it in the reader's language.
        raise Invalid(exc.message) from None
    for effect in effects:
        key = (effect.rule_id, effect.subject or "")
        if isinstance(effect, engine.Start):
            rows[key] = Deadline.objects.create(
                case=case,
                unit=case.unit,
                territory_path=case.territory_path,
                rule_pack=pack.id,
                rule=effect.rule_id,
                subject=effect.subject or "",
                title=effect.title.get("en"),
                article=effect.article,
                start_seq=event.seq,
                starts_at=effect.starts_at,
                due_at=effect.due_at,
                warn_at=effect.warn_at,
                duration=str(effect.duration) if effect.duration else "",
                window=effect.window,
                notify=list(effect.notify),
            )
            continue
        row = rows[key]
        if isinstance(effect, engine.Met):
            # A window (a time a party may act in) is never "missed" by being used late.
            late = effect.late and not row.window
            row.state, row.closed_at = ("missed" if late else "met"), effect.at
        elif isinstance(effect, engine.Cancelled):
            row.state, row.closed_at = "cancelled", effect.at
        elif isinstance(effect, engine.Suspended):
            row.state, row.suspended_at = "suspended", effect.at
        elif isinstance(effect, engine.Resumed):
            row.state, row.suspended_at = "running", None
            row.due_at, row.warn_at = effect.due_at, effect.warn_at
            row.suspended_seconds = int(effect.suspended_total.total_seconds())
        elif isinstance(effect, engine.Extended):
            row.due_at, row.warn_at = effect.due_at, effect.warn_at
            row.duration = str(effect.duration) if effect.duration else ""
        row.save()


projections.hook(on_event)
projections.tables(Deadline)
