"""The simulation clock moves only forward; production refuses unsafe set-ups."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.conftest import postgres_only

from icjis.core import clock


@pytest.mark.django_db
def test_the_clock_advances_and_refuses_to_go_back(capsys):
    before = clock.now()
    call_command("clock", "advance", "31d")
    assert clock.now() - before >= timedelta(days=31)
    with pytest.raises(CommandError, match="cannot be set back"):
        call_command("clock", "set", before.isoformat())
    with pytest.raises(CommandError, match="not a duration"):
        call_command("clock", "advance", "soon")


def _production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    full = {**base, "ICJIS_ENV": "production", "ICJIS_REQUIRE_TOTP": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "icjis", "check"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret_key_and_debug():
    r = _production({})
    assert r.returncode != 0 and "default or a short SECRET_KEY" in r.stderr
    r = _production({"SECRET_KEY": "x" * 50, "DEBUG": "1"})
    assert r.returncode != 0 and "DEBUG" in r.stderr


def test_production_refuses_to_move_the_clock(settings):
    settings.PRODUCTION = True
    with pytest.raises(clock.ClockRefused):
        clock.advance(timedelta(days=1))


@pytest.mark.django_db
def test_production_refuses_demo_accounts_and_a_simulated_ledger(world, settings):
    from django.core.exceptions import ImproperlyConfigured

    from icjis.core.startup import refuse_unsafe_production

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="demo accounts"):
        refuse_unsafe_production()
    from icjis.core.models import User

    User.objects.update(is_demo=False)
    from icjis.core import acts

    settings.PRODUCTION = False
    acts.perform(
        world["registrar"],
        "registry.report.register",
        {"channel": "phone", "summary": "Кража", "place": {"region": "KG-GB"}},
    )
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="simulation clock"):
        refuse_unsafe_production()


def _start_django(env: dict[str, str], then: str) -> subprocess.CompletedProcess[str]:
    """Django set up in a process of its own with `env` over this one's, then `then` run."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'icjis.settings'; "
            f"django.setup(); {then}",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("url", "threshold", "mode", "prepared_after", "libpq_options"),
    [
        ("postgres://u@db.invalid/icjis", "", "", 5, "-c plan_cache_mode=force_custom_plan"),
        ("postgres://u@db.invalid/icjis?sslmode=require", "-1", "", None, None),
        (
            "postgres://u@db.invalid/icjis?options=-c%20plan_cache_mode%3Dauto",
            "",
            "force_generic_plan",
            5,
            "-c plan_cache_mode=force_generic_plan -c plan_cache_mode=auto",
        ),
    ],
)
def test_postgresql_prepares_statements_and_keeps_the_url_s_options(
    url, threshold, mode, prepared_after, libpq_options
):
    """The statements are bound and prepared by the server (`DB_PREPARE_THRESHOLD`, -1 for off)
    and planned for their values each time (`DB_PLAN_CACHE_MODE`), and an option given in
    DATABASE_URL, such as sslmode or the server settings in `options`, is not lost beside these:
    libpq applies the URL's settings last."""
    shown = _start_django(
        {"DATABASE_URL": url, "DB_PREPARE_THRESHOLD": threshold, "DB_PLAN_CACHE_MODE": mode},
        "from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
    )
    assert shown.returncode == 0, shown.stderr
    options = json.loads(shown.stdout.strip())
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == prepared_after
    assert options.get("sslmode") == ("require" if "sslmode" in url else None)
    assert options.get("options") == libpq_options


def test_an_unknown_plan_cache_mode_is_refused():
    run = _start_django(
        {"DATABASE_URL": "postgres://u@db.invalid/icjis", "DB_PLAN_CACHE_MODE": "sometimes"}, ""
    )
    assert run.returncode != 0
    assert "DB_PLAN_CACHE_MODE: no such mode 'sometimes'" in run.stderr


@postgres_only()
@pytest.mark.django_db
def test_a_prepared_statement_is_planned_for_its_values_each_time():
    """PostgreSQL's own choice would turn a prepared statement to one generic plan after five
    runs, and a generic plan cannot use the partial index of overdue candidates, whose
    predicate names the states the query passes as parameters (at 1M cases the unit head's
    overdue list took 160 ms so, against 12 ms). Each run is planned for its values."""
    from django.db import connection

    from icjis.legal.models import Deadline

    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    now = clock.now()
    for _ in range((threshold or 0) + 10):  # ten runs prepared: past PostgreSQL's five
        list(Deadline.objects.in_state("missed", now).filter(unit_id="GB-UVD")[:50])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ['%FROM "legal_deadline"%'],
        )
        plans = cur.fetchall()
    assert plans == ([] if threshold is None else [(0, 10)])
