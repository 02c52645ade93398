"""Synthetic probation stories for `icjis seed --cases N` (all names invented): a case tried to
a verdict of probation in force (`courts.seed.trial_plot`), the convict registered with the
office of the region by the system and appearing there (the period runs from the appearance,
CC 82(4)), a supervision plan, meetings scheduled and recorded — some not
attended, some left for the missed-meeting job — violations, in some stories a referral to the
court, and in some the court cancelling the supervision early, which closes the case. Steps
whose moment depends on earlier acts skip themselves (a data function returning None)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from icjis.core.seeding import Story, generator

CONDITIONS = [
    "Не выезжать за пределы страны",
    "Уведомлять орган пробации о смене места жительства и работы",
    "Не посещать увеселительные заведения после 22:00",
    "Пройти программу ресоциализации",
    "Возместить ущерб потерпевшему",
]


def _done(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return state.get("by_kind", {}).get(kind, [])


def _file(state: dict[str, Any]) -> dict[str, Any] | None:
    files = _done(state, "probation.register")
    return files[0] if files else None


@generator("supervised", weight=0.05)
def supervised(rng: random.Random, i: int) -> Story:
    """A convict on probation: plan, meetings, attendance, violations, perhaps early end."""
    from icjis.courts.seed import trial_plot
    from icjis.registry.seed import _site

    suffix, region = _site(rng)
    plot = trial_plot(rng, site=(suffix, region), kinds=["probation"])

    def appear(state: dict[str, Any]) -> dict[str, Any] | None:
        f = _file(state)
        if f is None or _done(state, "probation.appear"):
            return None
        return {"person": f["person"]}

    # The probation period runs from the appearance (CC 82(4)). The trial plot ends with the
    # clerk's later looks at the verdict, so some appear after the ten days of CC 83(1)(1):
    # recorded all the same, and marked late.
    plot.then(plot.hours(2, 30), "probation_officer", "probation.appear", appear)

    def plan(state: dict[str, Any]) -> dict[str, Any] | None:
        f = _file(state)
        if f is None or _done(state, "probation.plan.set"):
            return None
        chosen = rng.sample(CONDITIONS, rng.randint(1, 3))
        return {"person": f["person"], "conditions": chosen, "meetings_per_month": 2}

    plot.then(plot.days(1, 5), "probation_officer", "probation.plan.set", plan)

    def assign(state: dict[str, Any]) -> dict[str, Any] | None:
        f = _file(state)
        if f is None or _done(state, "probation.assign"):
            return None
        return {"person": f["person"], "officer": "probation_officer" + suffix}

    plot.then(plot.hours(1, 6), "probation_officer", "probation.assign", assign)
    meetings = rng.randint(2, 4)
    absences = 0
    for n in range(meetings):

        def schedule(state: dict[str, Any], n: int = n) -> dict[str, Any] | None:
            from icjis.core import clock
            from icjis.core.canonical import iso

            f = _file(state)
            if f is None or len(_done(state, "probation.meeting.schedule")) != n:
                return None
            at = clock.now() + timedelta(days=2, hours=rng.randint(0, 6))
            return {"person": f["person"], "at": iso(at.replace(minute=0, second=0, microsecond=0))}

        plot.then(plot.days(1, 3), "probation_officer", "probation.meeting.schedule", schedule)
        roll = rng.random()
        if roll < 0.1:
            continue  # left unrecorded: the missed-meeting job finds it
        attended = roll >= 0.25
        absences += not attended

        def record(
            state: dict[str, Any], n: int = n, attended: bool = attended
        ) -> dict[str, Any] | None:
            scheduled = _done(state, "probation.meeting.schedule")
            if len(scheduled) <= n or len(_done(state, "probation.meeting.record")) >= n + 1:
                return None
            return {"meeting": scheduled[n]["meeting"], "attended": attended}

        plot.then(plot.days(3, 4), "probation_officer", "probation.meeting.record", record)
        if not attended:

            def violation(state: dict[str, Any], n: int = n) -> dict[str, Any] | None:
                f = _file(state)
                scheduled = _done(state, "probation.meeting.schedule")
                if f is None or len(scheduled) <= n:
                    return None
                return {
                    "person": f["person"],
                    "kind": "missed_meeting",
                    "description": "Не явился без уважительной причины",
                    "meeting": scheduled[n]["meeting"],
                }

            plot.then(
                plot.hours(1, 30), "probation_officer", "probation.violation.record", violation
            )
    if absences >= 2:

        def refer(state: dict[str, Any]) -> dict[str, Any] | None:
            f = _file(state)
            if f is None or len(_done(state, "probation.violation.record")) < 2:
                return None
            return {
                "person": f["person"],
                "request": "revoke",
                "grounds": "Два и более нарушения пробационных обязанностей (УК 84(2))",
            }

        plot.then(plot.days(1, 5), "probation_officer", "probation.court.refer", refer)
    elif rng.random() < 0.3:

        def cancel(state: dict[str, Any]) -> dict[str, Any] | None:
            f = _file(state)
            if f is None or _done(state, "probation.complete"):
                return None
            return {
                "person": f["person"],
                "grounds": "cancelled_early",
                "decision": f"Постановление суда № 4-{rng.randint(100, 999)}",
            }

        plot.then(plot.days(10, 30), "probation_officer", "probation.complete", cancel)
    return Story(plot.steps)
