"""Synthetic expertises for `icjis seed --cases N` (all invented): in some of the cases whose
item went to the evidence room (`evidence.seed`), the investigator orders an expertise of it; the
custodian hands the item to the expert the order assigned, who receives it, and — in most — gives
the opinion and hands the item back. The others stay with the expert, their term running. The
steps draw nothing from the story's random stream."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from icjis.evidence import seed as evidence_seed

KIND_OF = {
    "weapon": "biological",
    "electronic_media": "computer",
    "trace": "trace",
    "instrument": "trace",
    "object": "dactyloscopic",
}
QUESTIONS = {
    "biological": ["Имеются ли на предмете следы крови человека?"],
    "computer": ["Имеются ли в памяти устройства сведения о переписке за 1–3 мая?"],
    "trace": ["Пригодны ли следы для идентификации?", "Оставлены ли они представленным предметом?"],
    "dactyloscopic": ["Имеются ли на предмете следы рук, пригодные для идентификации?"],
}
ANSWERS = {
    "biological": ["Да, обнаружена кровь человека."],
    "computer": ["Да, сведения обнаружены и скопированы на приложенный носитель."],
    "trace": ["Пригодны.", "Следы оставлены представленным предметом."],
    "dactyloscopic": ["Обнаружены два следа пальцев рук, пригодные для идентификации."],
}
OPEN_EVERY = 4
"""Of the expertises, one in four is left open."""


def _last(state: dict[str, Any], kind: str) -> dict[str, Any] | None:
    done = state.get("by_kind", {}).get(kind, [])
    return done[-1] if done else None


def _item(state: dict[str, Any]) -> str | None:
    seized = _last(state, "evidence.item.seize")
    return seized["item"] if seized else None


def _expertise(state: dict[str, Any]) -> dict[str, Any] | None:
    return _last(state, "forensics.expertise.order")


def _expert(state: dict[str, Any]) -> str | None:
    ordered = _expertise(state)
    return ordered["experts"][0] if ordered else None


def examine_the_item(plot: Any, i: int) -> None:
    """Add to `plot` (after `evidence.seed.store_an_item`) an expertise of the stored item, in
    one story of every two that store one."""
    every = evidence_seed.EVERY * 2
    if i % every:
        return
    category = evidence_seed.ITEMS[(i // evidence_seed.EVERY) % len(evidence_seed.ITEMS)][1]
    kind = KIND_OF[category]
    seal = f"ОП-{i:05d}"
    custodian = "evidence_custodian" + plot.suffix

    def ordered(state: dict[str, Any]) -> dict[str, Any] | None:
        item = _item(state)
        if item is None:
            return None
        return {
            "kind": kind,
            "grounds": "Для установления обстоятельств, имеющих значение для дела",
            "questions": QUESTIONS[kind],
            "items": [item],
            "days": 10,
        }

    def handed(to: Any, purpose: str) -> Any:
        def data(state: dict[str, Any]) -> dict[str, Any] | None:
            item, whom = _item(state), to(state)
            if item is None or whom is None:
                return None
            return {"item": item, "to": whom, "purpose": purpose, "seal": seal}

        return data

    def received(location: str) -> Any:
        def data(state: dict[str, Any]) -> dict[str, Any] | None:
            item = _item(state)
            if item is None:
                return None
            return {"item": item, "seal": seal, "intact": True, "location": location}

        return data

    def opinion(state: dict[str, Any]) -> dict[str, Any] | None:
        found = _expertise(state)
        if found is None:
            return None
        answers = ANSWERS[kind]
        return {
            "expertise": found["expertise"],
            "research": "Объект исследован визуально и инструментальными методами.",
            "answers": answers,
        }

    plot.then(timedelta(days=1), "investigator", "forensics.expertise.order", ordered)
    plot.then(
        timedelta(hours=20),
        "evidence_custodian",
        "evidence.item.hand_over",
        handed(_expert, "examination"),
    )
    plot.then(timedelta(hours=3), _expert, "evidence.item.receive", received("Лаборатория"))
    if i % (every * OPEN_EVERY) == 0:
        return  # left with the expert, the term running
    plot.then(timedelta(days=5), _expert, "forensics.opinion.submit", opinion)
    back = handed(lambda state: custodian, "storage")
    plot.then(timedelta(hours=2), _expert, "evidence.item.hand_over", back)
    plot.then(
        timedelta(hours=20),
        "evidence_custodian",
        "evidence.item.receive",
        received("Камера хранения"),
    )
