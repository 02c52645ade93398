"""A throwaway PostgreSQL database for one benchmark run: created, migrated, seeded with the
demo world, and dropped at the end (even when a scenario fails)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from benchmarks.common import PG_URL, progress


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


@contextmanager
def throwaway_database(name: str, keep: bool = False) -> Iterator[str]:
    """A new database `name`, dropped at the end unless `keep` (to look into it afterwards: a 1M
    case database takes most of an hour to grow)."""
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_URL}/{name}"
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            progress(f"kept the database {name} (drop it when done)")
        else:
            with admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_django(url: str) -> None:
    """Point Django at `url`, migrate, and seed the demo world (units, users, reference data)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ICJIS_ENV", "test")
    import django

    django.setup()
    from django.core.management import call_command

    progress("migrating the throwaway database")
    call_command("migrate", verbosity=0)
    from icjis.core import seeding
    from icjis.core.demo import seed_world

    seed_world()
    for add_module_data in seeding.WORLD_SEEDERS:
        add_module_data()
