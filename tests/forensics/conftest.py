"""An investigated case with an item of evidence, and the helpers the expertise tests share."""

from __future__ import annotations

from datetime import timedelta

import pytest

from icjis.core import clock

REPORT = {
    "channel": "in_person",
    "summary": "Нанесение ножевого ранения во дворе дома",
    "place": {"region": "KG-GB"},
    "applicant": {"surname": "Токтогулова", "given_name": "Айгуль", "sex": "F"},
}
QUESTIONS = [
    "Имеются ли на ноже следы крови?",
    "Если да, то какова их групповая принадлежность?",
]


def ok(response):
    assert response.status_code == 201, response.content
    return response.json()["result"]


@pytest.fixture
def case(as_user):
    """A case under investigation with a knife seized and recognised as evidence."""
    number = ok(as_user("registrar").act("registry.report.register", REPORT))["case"]
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number))
    investigator = as_user("investigator")
    ok(investigator.act("registry.case.open", {"article": "130", "part": 1}, case=number))
    item = ok(
        investigator.act(
            "evidence.item.seize",
            {
                "description": "Нож с пятнами бурого цвета",
                "category": "weapon",
                "obtained": "scene_inspection",
                "place": "Двор дома",
                "seized_at": (clock.now() - timedelta(hours=1)).isoformat(),
                "seal": "ОП-77",
                "location": "Сейф",
            },
            case=number,
        )
    )["item"]
    return number, item


def order(api, number, **changes):
    data = {
        "kind": "biological",
        "grounds": "Для установления происхождения пятен на ноже",
        "questions": QUESTIONS,
        "items": [],
        "days": 10,
        **changes,
    }
    return api.act("forensics.expertise.order", data, case=number)
