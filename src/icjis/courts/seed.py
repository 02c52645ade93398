"""Synthetic trial stories for `icjis seed --cases N` (all names invented): from the approved
indictment through the hearing, the opening of the trial, the verdict — imprisonment, probation,
a fine or community work, or an acquittal; some with two defendants — the service of the copy,
some appeals decided by the appeal court, to the entry into force and the verdict turned to
execution, all under the simulation clock.

`trial_plot` builds such a story up to the entry into force and hands back the plot, so the
executing modules (prisons, probation, fines) can append their own steps to it; `convicts(state)`
and `sentence_of(state, person)` tell those steps who was sentenced to what.

Steps whose moment depends on the legal terms (the entry into force, sending an appeal up) are
tried on several days and skip themselves, as a data function returning None, until the term
has run — so the stories add no refused acts to the seeder's count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from icjis.core.seeding import Story, generator
from icjis.courts.verdicts import LIMITS, fine_limits
from icjis.legal.catalogues import lookup
from icjis.registry.seed import Plot, _site, indicted_plot, synthetic_person

CODE = "kg-cc-2021"
ARTICLES_FOR = {
    "imprisonment": [("205", 2), ("205", 3), ("280", 1), ("122", 1)],
    "probation": [("205", 2), ("205", 3), ("280", 1)],
    "fine": [("205", 1), ("205", 2), ("205", 3), ("209", 1), ("210", 1), ("280", 1)],
    "community_work": [("205", 1)],
    "acquittal": [("205", 1), ("205", 2), ("209", 1), ("280", 1)],
}
"""Articles (parts) of the 2021 Criminal Code whose sanction provides each sentence."""
HOURS = (9, 10, 11, 14, 15, 16)  # hearings start on the hour
ROOMS = 6
MIX = {"imprisonment": 0.33, "probation": 0.22, "fine": 0.27, "community_work": 0.08}
MIX_ACQUITTAL = 0.10
GROUNDS = [
    "Наказание чрезмерно суровое",
    "Неправильная квалификация содеянного",
    "Наказание чрезмерно мягкое",
]


@dataclass(frozen=True)
class Plan:
    """What the court will decide for one defendant: the outcome and, for a conviction, the
    sentence as `courts.verdict.deliver` records it."""

    outcome: str
    sentence: dict[str, Any] | None


def _pick_kind(rng: random.Random) -> str:
    if rng.random() < MIX_ACQUITTAL:
        return "acquittal"
    kinds = list(MIX)
    return rng.choices(kinds, [MIX[k] for k in kinds])[0]


def _between(rng: random.Random, limits: dict[str, Any] | None, low: int, high: int) -> int:
    """A number within the Criminal Code's limits [low, high] and the sanction's `limits`."""
    lo = max(low, (limits or {}).get("min") or low)
    hi = min(high, (limits or {}).get("max") or high)
    return rng.randint(lo, max(lo, hi))


def plan_for(rng: random.Random, kind: str, article: str, part: int) -> Plan:
    """A sentence of `kind` within the article's sanction and the Criminal Code's limits (the
    checks of `courts.verdict.deliver`)."""
    offence = lookup(CODE, article, part)
    sanction, category = offence.sanction or {}, offence.category
    if kind == "acquittal":
        return Plan("acquitted", None)
    months_low, months_high, _ = LIMITS["imprisonment_months"]
    if kind == "imprisonment":
        months = _between(rng, sanction.get("imprisonment_months"), months_low, months_high)
        # CC 67(4)(1): a first conviction to imprisonment is served in a general-regime colony;
        # the stories' convicts (adults) have never served imprisonment before.
        return Plan("convicted", {"kind": kind, "months": months, "regime": "general"})
    if kind == "probation":
        # Probation suits the shorter terms: at most three years of imprisonment imposed.
        months = _between(rng, sanction.get("imprisonment_months"), months_low, 36)
        key = "probation_less_grave" if category == "less_grave" else "probation_grave"
        low, high, _ = LIMITS[key]
        return Plan(
            "convicted",
            {"kind": kind, "months": months, "probation_months": rng.randint(low, high)},
        )
    if kind == "fine":
        low, high, _ = fine_limits(CODE, article, part)
        amount = _between(rng, sanction.get("fine_calculation_units"), low, high)
        return Plan("convicted", {"kind": kind, "amount": amount})
    low, high, _ = LIMITS["community_work_hours"]
    hours = _between(rng, sanction.get("community_work_hours"), low, high)
    return Plan("convicted", {"kind": "community_work", "hours": hours})


def _fits(kind: str, article: tuple[str, int]) -> bool:
    return article in ARTICLES_FOR[kind]


def _results(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return state.get("by_kind", {}).get(kind, [])


def accused(state: dict[str, Any]) -> list[str]:
    """The story's accused, in the order they were added."""
    return [r["person"] for r in _results(state, "registry.participant.add") if r.get("person")]


def _judge(state: dict[str, Any]) -> str | None:
    draws = _results(state, "courts.judge.draw")
    return draws[0].get("judge") if draws else None


def _appeal_judge(state: dict[str, Any]) -> str | None:
    draws = [d for d in _results(state, "courts.judge.draw") if len(d.get("panel") or []) > 1]
    return draws[-1]["judge"] if draws else None


def _verdict(state: dict[str, Any]) -> str | None:
    delivered = _results(state, "courts.verdict.deliver")
    return delivered[-1].get("verdict") if delivered else None


def convicts(state: dict[str, Any]) -> list[str]:
    """Persons convicted with a sentence to serve, once the verdict is delivered."""
    plans: dict[str, Plan] = state.get("plans", {})
    return [p for p, plan in plans.items() if plan.sentence is not None]


def sentence_of(state: dict[str, Any], person: str) -> dict[str, Any] | None:
    """The sentence a person got (as delivered; an appeal may have shortened imprisonment)."""
    plan = state.get("plans", {}).get(person)
    return plan.sentence if plan is not None else None


def in_force(state: dict[str, Any]) -> bool:
    """Whether the story's verdict has entered into force."""
    return bool(_results(state, "courts.verdict.enter_into_force"))


REPORT_SUMMARY = (
    "Характеристика по месту жительства удовлетворительная; работает по найму; жалоб от соседей "
    "не поступало. Условия для исправления без изоляции от общества имеются."
)


def trial_plot(
    rng: random.Random,
    *,
    site: tuple[str, str] | None = None,
    kinds: list[str] | None = None,
    appeal: bool | None = None,
) -> Plot:
    """The plot of a case tried to a verdict in force: indictment approved, hearing set and the
    trial opened by the drawn judge, the verdict, the copy served on each defendant, in some
    stories an appeal decided by the appeal court, then the entry into force (on the appeal
    decision, or by the clerk once the 30 days have run). `kinds` fixes each defendant's
    outcome (`imprisonment`, `probation`, `fine`, `community_work`, `acquittal`; default: a
    realistic mix, a quarter of the cases with two defendants); `appeal` forces or forbids an
    appeal. The clerk turns the verdict in force to execution (CPC 426(4)) within the plot.
    Append steps to the returned plot to go on; a step's data function returning None skips
    it (e.g. while `in_force(state)` is false)."""
    suffix, region = site or _site(rng)
    if kinds is None:
        kinds = [_pick_kind(rng)]
        if rng.random() < 0.25:
            kinds.append(_pick_kind(rng))
    choices = [a for a in ARTICLES_FOR[kinds[0]] if all(_fits(k, a) for k in kinds)]
    if not choices:  # e.g. community work with imprisonment: the second takes the first's article
        choices = ARTICLES_FOR[kinds[0]]
        kinds = [kinds[0]] + [k if _fits(k, choices[0]) else kinds[0] for k in kinds[1:]]
    article, part = rng.choice(choices)
    if not all(_fits(k, (article, part)) for k in kinds):
        article, part = choices[0]
    plans = [plan_for(rng, k, article, part) for k in kinds]
    suspects = [synthetic_person(rng, region) for _ in kinds]
    plot = indicted_plot(rng, suffix, region, {"article": article, "part": part}, suspects)
    days_ahead, hour, room = rng.randint(6, 12), rng.choice(HOURS), rng.randint(1, ROOMS)

    def schedule(state: dict[str, Any]) -> dict[str, Any] | None:
        from icjis.core import clock
        from icjis.legal.counting import LOCAL_TZ

        registered = _results(state, "courts.case.register")
        if _judge(state) is None or not registered:
            return None
        day = clock.now().astimezone(LOCAL_TZ).date() + timedelta(days=days_ahead)
        starts, where = _free_slot(registered[0]["court"], day, hour, room)
        state["plans"] = dict(zip(accused(state), plans, strict=False))
        return {"starts_at": starts.isoformat(), "room": where}

    def open_trial(state: dict[str, Any]) -> dict[str, Any] | None:
        hearings = _results(state, "courts.hearing.schedule")
        return {"hearing": hearings[0]["hearing"]} if hearings else None

    def deliver(state: dict[str, Any]) -> dict[str, Any] | None:
        if not _results(state, "courts.trial.open"):
            return None
        rows = []
        for person, plan in state.get("plans", {}).items():
            row: dict[str, Any] = {"person": person, "outcome": plan.outcome}
            row.update(article=article, part=part)
            if plan.sentence is not None:
                row["sentence"] = plan.sentence
            rows.append(row)
        return {"defendants": rows} if rows else None

    def report(state: dict[str, Any]) -> dict[str, Any] | None:
        """The probation office's pre-sentence report, where the hearing asked for one (CPC
        280(4)); in a third of the stories it never comes (its term is then missed)."""
        requested = _results(state, "probation.report.request")
        if not requested or _results(state, "probation.report.submit") or days_ahead % 3 == 0:
            return None
        return {"request": requested[0]["request"], "summary": REPORT_SUMMARY}

    plot.then(plot.days(1, 3), _judge, "courts.hearing.schedule", schedule)
    # Drawn from nothing: every later step of the story falls as before.
    report_after = timedelta(days=days_ahead // 2)
    plot.then(report_after, "probation_officer", "probation.report.submit", report)
    opens = timedelta(days=days_ahead + 1, hours=rng.randint(0, 6)) - report_after
    plot.then(opens, _judge, "courts.trial.open", open_trial)
    verdict_after = plot.days(0, 20)

    def extend_if_needed(state: dict[str, Any]) -> dict[str, Any] | None:
        """The judge extends the trial term in a hearing before it runs out when the verdict
        will come later (CPC 283(3)-(4))."""
        from icjis.core import clock
        from icjis.courts.term_extension import TRIAL_RULES
        from icjis.legal.models import Deadline

        if not _results(state, "courts.trial.open"):
            return None
        registered = _results(state, "courts.case.register")
        term = Deadline.objects.filter(
            case_id=state.get("case"), rule__in=TRIAL_RULES, state="running"
        ).first()
        if term is None or not registered:
            return None
        if term.due_at > clock.now() + verdict_after + timedelta(days=1):
            return None
        return {"months": 1, "reason": "Необходимо допросить свидетелей защиты"}

    plot.then(plot.hours(1, 4), _judge, "courts.term.extend", extend_if_needed)
    plot.then(verdict_after, _judge, "courts.verdict.deliver", deliver)
    for n in range(len(kinds)):
        plot.then(plot.hours(2, 60), "court_clerk", "courts.verdict.serve", _serve(n))
    appealed = (rng.random() < 0.3) if appeal is None else appeal
    if appealed:
        _appealed(rng, plot, {"article": article, "part": part})
        plot.then(plot.hours(4, 60), "court_clerk", "courts.verdict.execute", _execute)
    else:
        # The term may end later, moved off a non-working day: the clerk looks again.
        for gap in (31, 2, 3, 5):
            plot.then(
                timedelta(days=gap),
                "court_clerk",
                "courts.verdict.enter_into_force",
                _enter_when_due,
            )
            plot.then(plot.hours(4, 40), "court_clerk", "courts.verdict.execute", _execute)
    return plot


def _free_slot(court: str, day: Any, hour: int, room: int) -> tuple[datetime, str]:
    """The first room and hour of `day`, from the chosen ones on, with no hearing in that hour
    (the court's calendar books one hearing per room and hour)."""
    from icjis.courts.hearings import SLOT
    from icjis.courts.models import Hearing
    from icjis.legal.counting import LOCAL_TZ

    hours = HOURS[HOURS.index(hour) :] + HOURS[: HOURS.index(hour)]
    for h in hours:
        starts = datetime.combine(day, time(h), LOCAL_TZ)
        taken = set(
            Hearing.objects.filter(
                court_id=court,
                state="scheduled",
                starts_at__gt=starts - SLOT,
                starts_at__lt=starts + SLOT,
            ).values_list("room", flat=True)
        )
        for n in range(ROOMS):
            where = str((room - 1 + n) % ROOMS + 1)
            if where not in taken:
                return starts, where
    return datetime.combine(day, time(hour), LOCAL_TZ), str(room)


def _serve(n: int) -> Any:
    def serve(state: dict[str, Any]) -> dict[str, Any] | None:
        persons = accused(state)
        if _verdict(state) is None or n >= len(persons):
            return None
        return {"person": persons[n]}

    return serve


def _enter_when_due(state: dict[str, Any]) -> dict[str, Any] | None:
    from icjis.core import clock
    from icjis.courts.models import Verdict
    from icjis.courts.verdicts import entry_refusal

    ecli = _verdict(state)
    if ecli is None or in_force(state):
        return None
    verdict = Verdict.objects.filter(pk=ecli, state="delivered").first()
    if verdict is None or entry_refusal(verdict, clock.now()) is not None:
        return None
    return {}


def _send_when_due(state: dict[str, Any]) -> dict[str, Any] | None:
    from icjis.core import clock
    from icjis.courts.appeals import term_still_runs
    from icjis.courts.models import Verdict

    ecli = _verdict(state)
    if ecli is None or _results(state, "courts.appeal.send"):
        return None
    verdict = Verdict.objects.filter(pk=ecli, state="delivered").first()
    if verdict is None or term_still_runs(verdict, clock.now()) is not None:
        return None
    return {}


def _appealed(rng: random.Random, plot: Plot, qualification: dict[str, Any]) -> None:
    """The prosecutor appeals; the clerk sends the case up once the term has run; the appeal
    court's presiding judge decides — upheld, or imprisonment shortened — and the verdict
    enters into force with the decision (CPC 426(2))."""
    grounds = rng.choice(GROUNDS)
    plot.then(
        plot.days(3, 25),
        "prosecutor",
        "courts.appeal.file",
        lambda st: {"grounds": grounds} if _verdict(st) else None,
    )
    for gap in (31, 3, 4, 7):
        plot.then(timedelta(days=gap), "court_clerk", "courts.appeal.send", _send_when_due)
    shorten = rng.random() < 0.3

    def decide(state: dict[str, Any]) -> dict[str, Any] | None:
        filed = _results(state, "courts.appeal.file")
        if not filed or not _results(state, "courts.appeal.send") or in_force(state):
            return None
        data: dict[str, Any] = {"appeal": filed[-1]["appeal"], "outcome": "upheld"}
        prison = {
            p: plan
            for p, plan in state.get("plans", {}).items()
            if plan.sentence and plan.sentence["kind"] == "imprisonment"
        }
        first = next(iter(prison.items()), None)
        if shorten and first is not None and first[1].sentence["months"] >= 12:
            person, plan = first
            sentence = {**plan.sentence, "months": plan.sentence["months"] - 6}
            data["outcome"] = "modified"
            change = {"person": person, "outcome": "convicted", "sentence": sentence}
            data["changes"] = [{**change, **qualification}]
            state["plans"][person] = Plan("convicted", sentence)
        return data

    plot.then(plot.days(10, 40), _appeal_judge, "courts.appeal.decide", decide)


def _execute(state: dict[str, Any]) -> dict[str, Any] | None:
    """The clerk turns the verdict in force to execution within 3 days (CPC 426(4))."""
    if not in_force(state) or not convicts(state):
        return None
    if _results(state, "courts.verdict.execute"):
        return None
    return {}


@generator("tried", weight=0.15)
def tried(rng: random.Random, i: int) -> Story:
    """A case tried to a verdict in force and turned to execution (see `trial_plot`)."""
    return Story(trial_plot(rng).steps)
