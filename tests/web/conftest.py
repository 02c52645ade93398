"""Fixtures of the web tests: a browser logged in through the login page, and a fresh case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def browser(world: Any) -> Callable[[str], Client]:
    """`browser("investigator")`: a client that has logged in on /login/ with the demo password."""

    def make(username: str) -> Client:
        client = Client()
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
