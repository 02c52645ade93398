"""Fixtures of the legal aid tests: the demo world with the second demo lawyers, a case with a
suspect, and an arrest (the detention module's real `detention.arrest`)."""

from __future__ import annotations

from typing import Any

import pytest

from icjis.core.models import User


@pytest.fixture
def world(world: dict[str, User]) -> dict[str, User]:
    """The demo world with the demo lawyers legal aid adds (`lawyer_2`, `lawyer_2_osh`)."""
    return {**world, **{u.username: u for u in User.objects.filter(username__startswith="lawyer")}}


REPORT = {"channel": "in_person", "summary": "Грабёж", "place": {"region": "KG-GB"}}
SUSPECT = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}


def make_case(as_user: Any, report: dict[str, Any] = REPORT, site: str = "") -> tuple[str, str]:
    """A case under investigation with one suspect; returns (case number, person id)."""
    n = as_user(f"registrar{site}").act("registry.report.register", report).json()["result"]["case"]
    as_user(f"unit_head{site}").act(
        "registry.case.assign", {"officer": f"investigator{site}"}, case=n
    )
    as_user(f"investigator{site}").act("registry.case.open", {"article": "205", "part": 1}, case=n)
    r = as_user(f"investigator{site}").act(
        "registry.participant.add", {"role": "suspect", "person": SUSPECT}, case=n
    )
    assert r.status_code == 201, r.content
    return n, r.json()["result"]["person"]


def arrest(as_user: Any, n: str, pid: str, site: str = "") -> Any:
    now = as_user(f"investigator{site}").get("/clock").json()["now"]
    data = {"person": pid, "detained_at": now, "place": "ул. Киевская", "grounds": "CPC 97"}
    r = as_user(f"investigator{site}").act("detention.arrest", data, case=n)
    assert r.status_code == 201, r.content
    return r.json()


def appointments_in(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `legalaid.appoint` among the reactions of an act's response, depth first."""
    found = []
    for r in body.get("reactions", []):
        if r["event"]["kind"] == "legalaid.appoint":
            found.append(r["result"])
        found.extend(appointments_in(r))
    return found


@pytest.fixture
def suspect_case(as_user: Any) -> tuple[str, str]:
    return make_case(as_user)
