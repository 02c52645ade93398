"""Fixtures of the reliability suite: a committing PostgreSQL database with the demo world, and a
gunicorn server over it (its log kept for the personal-data check).

The suite takes several minutes (real servers, kills, outages, fuzzing every read), so it is
not collected by a plain `pytest` / `make test`; it runs when named (`pytest tests/reliability`,
`make test-reliability`, which `.ci/run` calls) or with ICJIS_RELIABILITY=1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from tests.reliability.server import Server

from icjis.core import seeding
from icjis.core.demo import seed_world

LOG_DIR = Path("var/reliability-logs")
HERE = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if os.environ.get("ICJIS_RELIABILITY"):
        return None
    named = any(
        HERE == Path(arg.split("::")[0]).resolve()
        or HERE in Path(arg.split("::")[0]).resolve().parents
        for arg in config.args
    )
    if not named and collection_path.name.startswith("test_"):
        return True
    return None


def database_url(port: int | None = None) -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port or s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def pg_world(committing_db: None) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        pytest.skip("the reliability suite runs against gunicorn in the PostgreSQL pass")
    users = {u.username: u for u in seed_world()}
    for add_module_data in seeding.WORLD_SEEDERS:
        add_module_data()
    return users


@pytest.fixture
def server(pg_world: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Server]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{request.node.name}.log"
    log.unlink(missing_ok=True)
    srv = Server(database_url(), log).start()
    yield srv
    srv.stop()
