"""Synthetic evidence for `icjis seed --cases N` (all invented): in some cases under
investigation the investigator records an item taken at the inspection of the scene, recognises
it as material evidence and hands it to the unit's evidence room, whose custodian receives it
under the same seal. The steps draw nothing from the story's random stream (which item and which
cases follow from the story's number), so the other stories stay what they were."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

ITEMS = [
    ("Нож кухонный с деревянной рукоятью", "weapon"),
    ("Мобильный телефон в чехле чёрного цвета", "electronic_media"),
    ("Следы обуви, перенесённые на дактилоплёнку", "trace"),
    ("Монтировка металлическая длиной 60 см", "instrument"),
    ("Дамская сумка из кожзаменителя", "object"),
]
EVERY = 3
"""One case in three among the stories that call `store_an_item`."""


def _item(state: dict[str, Any]) -> str | None:
    seized = state.get("by_kind", {}).get("evidence.item.seize", [])
    return seized[-1]["item"] if seized else None


def store_an_item(plot: Any, i: int) -> None:
    """Add to `plot` (a `registry.seed.Plot` of a case under investigation) an item seized,
    recognised and handed to the evidence room, in one story of every three."""
    if i % EVERY:
        return
    description, category = ITEMS[(i // EVERY) % len(ITEMS)]
    seal = f"ОП-{i:05d}"
    custodian = "evidence_custodian" + plot.suffix

    def seized(state: dict[str, Any]) -> dict[str, Any]:
        from icjis.core import clock

        return {
            "description": description,
            "category": category,
            "obtained": "scene_inspection",
            "place": "Место происшествия",
            "seized_at": (clock.now() - timedelta(hours=3)).isoformat(),
            "seal": seal,
            "location": "Сейф следователя",
        }

    def handed(state: dict[str, Any]) -> dict[str, Any] | None:
        item = _item(state)
        if item is None:
            return None
        return {"item": item, "to": custodian, "purpose": "storage", "seal": seal}

    def recognised(state: dict[str, Any]) -> dict[str, Any] | None:
        item = _item(state)
        return None if item is None else {"item": item, "keeping": "storage"}

    def received(state: dict[str, Any]) -> dict[str, Any] | None:
        item = _item(state)
        if item is None:
            return None
        location = f"Камера хранения, стеллаж {i % 7 + 1}"
        return {"item": item, "seal": seal, "intact": True, "location": location}

    plot.then(timedelta(days=1), "investigator", "evidence.item.seize", seized)
    plot.then(timedelta(days=2), "investigator", "evidence.item.recognise", recognised)
    plot.then(timedelta(hours=4), "investigator", "evidence.item.hand_over", handed)
    plot.then(timedelta(hours=2), "evidence_custodian", "evidence.item.receive", received)


PRINTED_EVERY = 2
"""One detained suspect in two has their prints taken in the seeded stories."""
KNOWN_EVERY = 16
"""... and one detained suspect in sixteen is the same invented person, under another name each
time, so that the register's search finds them (`evidence.prints`)."""
KNOWN_PERSON = 9_999


def take_the_prints(plot: Any, i: int) -> None:
    """Add to `plot` (a detained suspect admitted to the facility) the facility taking the
    prints of both index fingers — synthetic prints, `evidence.synthetic_prints`. Nothing is
    drawn from the story's random stream."""
    if i % PRINTED_EVERY:
        return
    person_seed = KNOWN_PERSON if i % KNOWN_EVERY == 0 else 10_000 + i

    def taken(state: dict[str, Any]) -> dict[str, Any] | None:
        import base64

        from icjis.evidence import synthetic_prints as sp
        from icjis.registry.seed import suspect_of

        person = suspect_of(state)
        if person is None:
            return None
        return {
            "person": person,
            **{
                finger: base64.b64encode(
                    sp.impression(sp.finger_seed(person_seed, position), take=i)
                ).decode()
                for position, finger in ((2, "right_index"), (7, "left_index"))
            },
        }

    plot.then(timedelta(minutes=30), "ivs_officer", "evidence.prints.take", taken)
