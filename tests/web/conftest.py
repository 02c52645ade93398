"""Fixtures of the web tests: a browser logged in through the login page, and a fresh case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def client() -> Client:
    """pytest-django's client, reading the pages in English (the default language is Russian)."""
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return english


@pytest.fixture
def browser(world: Any) -> Callable[[str], Client]:
    """`browser("investigator")`: a client that has logged in on /login/ with the demo password,
    reading the pages in English (`browser(name, "ky")` for another language)."""

    def make(username: str, language: str = "en") -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post("/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, response.content
        return client

    return make


@pytest.fixture
def new_case(as_user: Any) -> Callable[[], str]:
    """`new_case()`: register a crime report in the Bishkek police unit; its case number."""

    def make() -> str:
        response = as_user("registrar").act(
            "registry.report.register",
            {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}},
        )
        assert response.status_code == 201, response.content
        return response.json()["result"]["case"]

    return make


@pytest.fixture
def term() -> Callable[..., Any]:
    """`term(number, due_in)`: a running deadline of the case due `due_in` from now on the
    simulated clock, written as the deadline engine's projection would write it."""
    from icjis.core import clock
    from icjis.core.models import Case
    from icjis.legal.models import Deadline

    def make(number: str, due_in: timedelta, title: str = "Decide on the report") -> Deadline:
        case = Case.objects.get(number=number)
        now = clock.now()
        return Deadline.objects.create(
            case=case,
            unit_id=case.unit_id,
            territory_path=case.territory_path,
            rule_pack=case.rule_pack,
            rule=f"test.{title}",
            title=title,
            article="CPC 153(3)",
            start_seq=1,
            starts_at=now,
            due_at=now + due_in,
        )

    return make
