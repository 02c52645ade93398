"""Synthetic offence stories for `icjis seed --cases N` (all names invented): about one for every
20 case stories. Protocols under articles the police decide are entered (a few late) and most
are decided with the article's fine within days; breaches of the peace in the family (CoO 70)
go to court, where the judge imposes community work. Some cases are left open, and fall overdue
when their 10 days pass. About one in 50 is an administrative detention, and the demo ends with
two persons held in each unit (`held_now`)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from icjis.core.seeding import Step, Story, after_cases, side_generator

POLICE_ARTICLES = ["125", "132", "137"]  # fines for natural persons (CoO 456)
STREETS = ["ул. Московская", "пр. Чуй", "ул. Ибраимова", "ул. Курманжан Датки"]
REGIONS = {"": ("KG-GB", "KG-GB-LEN"), "_osh": ("KG-O", "KG-O-KSU")}


def _open_case(state: dict[str, Any]) -> Any:
    from icjis.offences.models import OffenceCase

    done = state.get("by_kind", {}).get("offences.protocol.register", [])
    if not done:
        return None
    return OffenceCase.objects.filter(pk=done[0]["offence"]).first()


@side_generator("offence", per_case=0.05)
def offence(rng: random.Random, i: int) -> Story:
    from icjis.registry.seed import synthetic_person

    suffix = rng.choice(["", "_osh"])
    region, district = REGIONS[suffix]
    officer = f"offences_officer{suffix}"
    court = rng.random() < 0.25
    article = "70" if court else rng.choice(POLICE_ARTICLES)
    person = synthetic_person(rng)
    hours_ago = 80 if rng.random() < 0.05 else rng.uniform(1, 30)  # some entered late (55(3))
    address = f"{rng.choice(STREETS)}, {rng.randint(1, 90)}"

    def register(state: dict[str, Any]) -> dict[str, Any]:
        from icjis.core import clock

        protocol_at = clock.now() - timedelta(hours=hours_ago)
        return {
            "person": person,
            "article": article,
            "committed_at": (protocol_at - timedelta(hours=1)).isoformat(),
            "protocol_at": protocol_at.isoformat(),
            "place": {"region": region, "district": district, "address": address},
            "description": "Синтетический протокол о правонарушении",
        }

    def refer(state: dict[str, Any]) -> dict[str, Any] | None:
        case = _open_case(state)
        return {"offence": case.number} if case and case.state == "registered" else None

    def decide(state: dict[str, Any]) -> dict[str, Any] | None:
        from icjis.legal.catalogues import lookup

        case = _open_case(state)
        if case is None or case.state not in ("registered", "referred"):
            return None
        if court:
            penalty = {"kind": "community_work", "amount": 40}
        else:
            fines = (lookup("kg-coo-2021", article).penalties or {})["fine_calculation_units"]
            units = next(f for f in fines if f["subject"] in ("natural_persons", "any"))
            penalty = {"kind": "fine", "amount": units["min"]}
        grounds = "Вина подтверждена материалами (синтетические данные)"
        return {
            "offence": case.number,
            "outcome": "penalty",
            "penalty": penalty,
            "grounds": grounds,
        }

    steps = [Step(timedelta(0), officer, "offences.protocol.register", register, case=False)]
    decider = f"judge{suffix}" if court else officer
    if court:
        steps.append(
            Step(
                timedelta(hours=rng.uniform(2, 20)),
                officer,
                "offences.protocol.refer",
                refer,
                case=False,
            )
        )
    if rng.random() < 0.85:
        steps.append(
            Step(
                timedelta(days=rng.uniform(1, 8)),
                decider,
                "offences.decision.make",
                decide,
                case=False,
            )
        )
    return Story(steps)


def _detention(
    suffix: str, person: dict[str, Any], address: str, minutes_ago: float
) -> dict[str, Any]:
    """The record of a synthetic detention for petty hooliganism, `minutes_ago` before now."""
    from icjis.core import clock

    region, district = REGIONS[suffix]
    return {
        "person": person,
        "article": "126",
        "detained_at": (clock.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "place": {"region": region, "district": district, "address": address},
        "grounds": "Нарушал общественный порядок (синтетические данные)",
        "rights_explained": True,
    }


@side_generator("admin_detention", per_case=0.02)
def admin_detention(rng: random.Random, i: int) -> Story:
    """A person detained for petty hooliganism (CoO 126, punishable by arrest): most are released
    within the 3 hours; some are held for the judge (extended to 48 hours by the head of unit,
    the prosecutor told, a protocol entered, brought to court, released on the court's
    decision); a few are released only after their term."""
    from icjis.registry.seed import synthetic_person

    suffix = rng.choice(["", "_osh"])
    region, district = REGIONS[suffix]
    officer, head = f"offences_officer{suffix}", f"unit_head{suffix}"
    person = synthetic_person(rng)
    address = f"{rng.choice(STREETS)}, {rng.randint(1, 90)}"
    minutes_ago = rng.uniform(10, 50)
    held_for_judge = rng.random() < 0.3
    late = not held_for_judge and rng.random() < 0.1

    def number(state: dict[str, Any]) -> str:
        return str(state["by_kind"]["offences.detention.record"][0]["detention"])

    def at_now(state: dict[str, Any], **data: Any) -> dict[str, Any]:
        from icjis.core import clock

        return {"detention": number(state), "at": clock.now().isoformat(), **data}

    def protocol(state: dict[str, Any]) -> dict[str, Any]:
        from icjis.core import clock
        from icjis.offences.models import AdminDetention

        detained_at = AdminDetention.objects.get(pk=number(state)).detained_at
        return {
            "article": "126",
            "committed_at": (detained_at - timedelta(minutes=10)).isoformat(),
            "protocol_at": (clock.now() - timedelta(minutes=30)).isoformat(),
            "place": {"region": region, "district": district, "address": address},
            "description": "Мелкое хулиганство (синтетические данные)",
            "detention": number(state),
        }

    def record(state: dict[str, Any]) -> dict[str, Any]:
        return _detention(suffix, person, address, minutes_ago)

    steps = [Step(timedelta(0), officer, "offences.detention.record", record, case=False)]
    notify = Step(
        timedelta(minutes=20),
        officer,
        "offences.detention.notify",
        lambda s: at_now(s, whom="relatives"),
        case=False,
    )
    steps.append(notify)
    if held_for_judge:
        extend = {"ground": "judge", "reasons": "До рассмотрения дела судьёй (синтетика)"}
        steps += [
            Step(
                timedelta(hours=1),
                head,
                "offences.detention.extend",
                lambda s: {"detention": number(s), **extend},
                case=False,
            ),
            Step(
                timedelta(hours=2),
                officer,
                "offences.detention.notify",
                lambda s: at_now(s, whom="prosecutor"),
                case=False,
            ),
            Step(timedelta(hours=3), officer, "offences.protocol.register", protocol, case=False),
            Step(
                timedelta(hours=rng.uniform(8, 20)),
                officer,
                "offences.detention.court",
                at_now,
                case=False,
            ),
            Step(
                timedelta(hours=22),
                officer,
                "offences.detention.release",
                lambda s: at_now(s, ground="court"),
                case=False,
            ),
        ]
    else:
        hours = rng.uniform(3.5, 5) if late else rng.uniform(1, 2.5)
        steps.append(
            Step(
                timedelta(hours=hours),
                officer,
                "offences.detention.release",
                lambda s: at_now(s, ground="term" if late else "grounds_gone"),
                case=False,
            )
        )
    return Story(steps)


@after_cases
def held_now() -> None:
    """The demo's persons held at its end, so that the detention clocks run when it opens: in
    each unit one detained 40 minutes ago (its 3 hours running) and one held for the judge,
    extended to 48 hours with the prosecutor's written notice still owed. All synthetic."""
    from django.conf import settings

    from icjis.core import acts
    from icjis.core.models import User
    from icjis.registry.seed import synthetic_person

    if settings.PRODUCTION:
        return
    rng = random.Random(526)  # noqa: S311 - synthetic data, reproducible
    for suffix in REGIONS:
        officer = User.objects.filter(username=f"offences_officer{suffix}").first()
        head = User.objects.filter(username=f"unit_head{suffix}").first()
        if officer is None or head is None:
            continue
        held = [
            acts.perform(
                officer,
                "offences.detention.record",
                _detention(suffix, synthetic_person(rng), rng.choice(STREETS), minutes_ago),
            ).result["detention"]
            for minutes_ago in (40, 100)
        ]
        extend = {"ground": "judge", "reasons": "До рассмотрения дела судьёй (синтетика)"}
        acts.perform(head, "offences.detention.extend", {"detention": held[1], **extend})
