"""Personas and a case with a suspect, for the detention tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from icjis.core import clock

REPORT = {"channel": "in_person", "summary": "Грабёж", "place": {"region": "KG-GB"}}
ADULT = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}


def minute(ago: timedelta) -> datetime:
    """A moment `ago` before the simulation clock, on the minute."""
    return (clock.now() - ago).replace(second=0, microsecond=0)


@pytest.fixture
def open_case(as_user: Any) -> str:
    """A robbery case of the Bishkek police, opened by `investigator`."""
    n = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=n)
    r = as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, case=n)
    assert r.status_code == 201, r.content
    return n


@pytest.fixture
def add_person(as_user: Any, open_case: str) -> Callable[..., str]:
    def add(role: str = "suspect", **person: Any) -> str:
        body = {**ADULT, **person}
        r = as_user("investigator").act(
            "registry.participant.add", {"role": role, "person": body}, case=open_case
        )
        assert r.status_code == 201, r.content
        return r.json()["result"]["person"]

    return add


@pytest.fixture
def suspect(add_person: Callable[..., str]) -> str:
    return add_person()


@pytest.fixture
def child(add_person: Callable[..., str]) -> str:
    """A suspect of 15 or 16."""
    born = date(clock.now().year - 16, 1, 1)
    return add_person(surname="Усенов", given_name="Нурлан", birth_date=born.isoformat())


@pytest.fixture
def arrest(as_user: Any, open_case: str) -> Callable[..., Any]:
    """Detain `person` in the case: `ago` before now by default one hour, on the minute."""

    def detain(person: str, ago: timedelta = timedelta(hours=1), **extra: Any) -> Any:
        body = {
            "person": person,
            "detained_at": minute(ago).isoformat(),
            "place": "Бишкек, ул. Киевская, 96",
            "grounds": "Застигнут при совершении преступления (УПК 96(2)(1))",
            **extra,
        }
        return as_user("investigator").act("detention.arrest", body, case=open_case)

    return detain


@pytest.fixture
def admitted(as_user: Any, open_case: str, suspect: str, arrest: Callable[..., Any]) -> str:
    """The suspect, detained an hour ago and admitted to GB-IVS, cell 1."""
    assert arrest(suspect).status_code == 201
    r = as_user("ivs_officer").act(
        "detention.admit", {"person": suspect, "facility": "GB-IVS", "cell": "1"}, case=open_case
    )
    assert r.status_code == 201, r.content
    return r.json()["result"]["detention"]
