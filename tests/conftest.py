"""Shared fixtures: the demo world, personas, an API client with a bearer token, and a
committing database for concurrency tests."""

from __future__ import annotations

import os

os.environ.setdefault("ICJIS_ENV", "test")

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from icjis.core import dbtriggers, seeding  # noqa: E402
from icjis.core.auth import issue_token  # noqa: E402
from icjis.core.demo import seed_world  # noqa: E402
from icjis.core.models import User  # noqa: E402

# Property tests run the same examples every time (STYLE: fixed seeds), keep no example database
# between runs, and do not time individual examples on a shared 2-core machine.
hypothesis_settings.register_profile("icjis", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("icjis")


@pytest.fixture
def world(db: None) -> dict[str, User]:
    """The demo world: units in Bishkek and Osh oblast, one user per role (password 'demo'),
    plus each module's demo reference data."""
    seed_world()
    for add_module_data in seeding.WORLD_SEEDERS:
        add_module_data()  # some add people (a court's president, more experts …)
    return {u.username: u for u in User.objects.order_by("id")}


class Api:
    """A JSON client acting as one user through a bearer token."""

    def __init__(self, user: User) -> None:
        self.user = user
        token, _ = issue_token(user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")

    def act(self, kind: str, data: dict[str, Any], case: str | None = None, **extra: Any) -> Any:
        return self.post("/acts", {"kind": kind, "case": case, "data": data, **extra})


@pytest.fixture
def as_user(world: dict[str, User]) -> Any:
    def make(username: str) -> Api:
        return Api(world[username])

    return make


@pytest.fixture
def ordinary_day(db: None) -> None:
    """Start the simulation clock on the next 2 February, 10:00 in Bishkek. A term counted from
    the real day may end in a run of holidays and move past it (CPC 137): a month from 1
    December ends on 8 January, after the New Year days. Tests that bound a term's length from
    today would then fail on those days of the year; from 2 February no term they count
    meets such a run."""
    from datetime import UTC, datetime

    from icjis.core import clock

    now = clock.now()
    start = datetime(now.year, 2, 2, 4, tzinfo=UTC)
    if start <= now:
        start = start.replace(year=now.year + 1)
    clock.advance(start - now)


@pytest.fixture(autouse=True)
def _ledger_triggers(request: pytest.FixtureRequest) -> None:
    """Every test that touches the database meets an append-only ledger (a committing test's
    reset removes the triggers to empty the tables)."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "committing_db",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue(
            "db" if "committing_db" not in request.fixturenames else "transactional_db"
        )
        dbtriggers.ensure(connection)


@pytest.fixture
def committing_db(transactional_db: None) -> Iterator[None]:
    """A database whose transactions really commit (for concurrency and crash tests). Emptied
    afterwards the only way an append-only ledger can be: as a superuser, without its triggers."""
    dbtriggers.ensure(connection)
    yield
    dbtriggers.remove(connection)


def postgres_only() -> Any:
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass of make test"
    )
