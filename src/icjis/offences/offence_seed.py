"""Synthetic offence stories for `icjis seed --cases N` (all names invented): about one for every
20 case stories. Protocols under articles the police decide are entered (a few late) and most
are decided with the article's fine within days; breaches of the peace in the family (CoO 70)
go to court, where the judge imposes community work. Some cases are left open, and fall overdue
when their 10 days pass."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from icjis.core.seeding import Step, Story, side_generator

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
