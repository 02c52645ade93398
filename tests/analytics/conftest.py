"""A month of recorded acts to count: two reports, a case opened and a charge, two detentions
(an adult's within the 48 hours, a child's past the 24)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from icjis.analytics.fold import month_of
from icjis.core import clock


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()["result"]


def person(surname: str, sex: str, born: date) -> dict[str, Any]:
    return {"surname": surname, "given_name": "Тест", "sex": sex, "birth_date": born.isoformat()}


@pytest.fixture
def story(ordinary_day: None, as_user: Any) -> dict[str, Any]:
    registrar, investigator = as_user("registrar"), as_user("investigator")
    report = {"channel": "phone", "summary": "Кража", "place": {"region": "KG-GB"}}
    number = ok(registrar.act("registry.report.register", report))["case"]
    ok(
        as_user("registrar_osh").act(
            "registry.report.register", {**report, "channel": "online", "place": {"region": "KG-O"}}
        )
    )
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number))
    ok(investigator.act("registry.case.open", {"article": "205", "part": 1}, case=number))
    year = clock.now().year
    adult = ok(
        investigator.act(
            "registry.participant.add",
            {"role": "suspect", "person": person("Асанова", "F", date(year - 35, 1, 1))},
            case=number,
        )
    )["person"]
    child = ok(
        investigator.act(
            "registry.participant.add",
            {"role": "suspect", "person": person("Усенов", "M", date(year - 16, 1, 1))},
            case=number,
        )
    )["person"]
    ok(
        investigator.act(
            "registry.charge", {"person": adult, "article": "205", "part": 1}, case=number
        )
    )
    detained = (clock.now() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    for p in (adult, child):
        ok(
            investigator.act(
                "detention.arrest",
                {
                    "person": p,
                    "detained_at": detained.isoformat(),
                    "place": "Бишкек",
                    "grounds": "Застигнут при совершении преступления (УПК 96(2)(1))",
                },
                case=number,
            )
        )
        ok(
            as_user("ivs_officer").act(
                "detention.admit", {"person": p, "facility": "GB-IVS", "cell": "1"}, case=number
            )
        )
    clock.advance(timedelta(hours=30))
    for p in (adult, child):
        ok(
            as_user("ivs_officer").act(
                "detention.release", {"person": p, "grounds": "custody_not_needed"}, case=number
            )
        )
    return {"case": number, "adult": adult, "child": child, "period": month_of(clock.now())}
