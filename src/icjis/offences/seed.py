"""Synthetic protection-order stories for `icjis seed --cases N` (all names invented): about one
for every 25 case stories. A report of family violence reaches the police; most orders are
issued within hours, some after their 24 hours, a few refused or left awaiting issue; some are
extended, breached or revoked. Steps whose order is not in the state they need skip themselves."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from icjis.core.seeding import Step, Story, side_generator

STREETS = ["ул. Киевская", "ул. Токтогула", "мкр. Джал", "ул. Ленина", "ул. Курманжан Датки"]
REGIONS = {"": ("KG-GB", "KG-GB-LEN"), "_osh": ("KG-O", "KG-O-KSU")}


def _order(state: dict[str, Any]) -> str | None:
    done = state.get("by_kind", {}).get("offences.order.request", [])
    return done[0]["order"] if done else None


def _when(state: dict[str, Any], kind: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The step's data for the story's order, when the order is in the state the act needs."""
    from icjis.core import clock
    from icjis.offences.models import ProtectionOrder

    number = _order(state)
    order = ProtectionOrder.objects.filter(pk=number).first() if number else None
    if order is None:
        return None
    if kind in ("offences.order.issue", "offences.order.refuse") and order.state != "requested":
        return None
    if kind in ("offences.order.extend", "offences.order.revoke", "offences.order.breach") and (
        order.state_at(clock.now()) != "in_force"
    ):
        return None
    if kind == "offences.order.extend" and order.days + data["days"] > 30:
        return None
    if kind == "offences.order.breach":
        data = {**data, "occurred_at": (clock.now() - timedelta(hours=2)).isoformat()}
    return {"order": order.number, **data}


@side_generator("protection_order", per_case=0.04)
def protection_order(rng: random.Random, i: int) -> Story:
    from icjis.registry.seed import synthetic_person

    suffix = rng.choice(["", "_osh"])
    region, district = REGIONS[suffix]
    officer = f"offences_officer{suffix}"
    abuser = synthetic_person(rng)
    victim = synthetic_person(rng)
    address = f"{rng.choice(STREETS)}, д. {rng.randint(1, 120)}, кв. {rng.randint(1, 80)}"
    delay = timedelta(hours=rng.uniform(0.5, 3))

    def request(state: dict[str, Any]) -> dict[str, Any]:
        from icjis.core import clock

        return {
            "restrained": abuser,
            "protected": victim,
            "place": {"region": region, "district": district, "address": address},
            "reported_at": (clock.now() - delay).isoformat(),
            "summary": "Сообщение о семейном насилии (синтетические данные)",
        }

    steps = [Step(timedelta(0), officer, "offences.order.request", request, case=False)]
    fate = rng.random()
    if fate < 0.1:  # left awaiting issue
        return Story(steps)
    if fate < 0.2:
        grounds = {"grounds": "Пострадавшая отказалась от защиты (синтетические данные)"}
        steps.append(_step(rng.uniform(2, 20), officer, "offences.order.refuse", grounds))
        return Story(steps)
    late = rng.random() < 0.1
    issue = {"days": rng.choice([3, 5, 7, 10]), "conditions": ["no_violence", "no_contact"]}
    steps.append(
        _step(
            rng.uniform(25, 40) if late else rng.uniform(1, 20),
            officer,
            "offences.order.issue",
            issue,
        )
    )
    after = steps[-1].after
    if rng.random() < 0.3:
        extend = {"days": rng.choice([5, 10])}
        steps.append(_step(48, officer, "offences.order.extend", extend, after))
    if rng.random() < 0.2:
        breach = {
            "conditions": ["no_contact"],
            "description": "Звонил пострадавшей (синтетические данные)",
        }
        steps.append(_step(30, officer, "offences.order.breach", breach, after))
    return Story(steps)


def _step(
    hours: float, officer: str, kind: str, data: dict[str, Any], after: timedelta = timedelta(0)
) -> Step:
    return Step(
        after + timedelta(hours=hours),
        officer,
        kind,
        lambda state: _when(state, kind, data),
        case=False,
    )
