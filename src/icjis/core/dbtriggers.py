"""The database triggers that make ledger tables append-only, on PostgreSQL and SQLite.

Used by the migration that installs them, and by tests that play a superuser who removes them
(tampering tests, and resetting a test database between committing tests)."""

from __future__ import annotations

from typing import Any

PROTECTED = ("core_event", "core_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION icjis_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ICJIS ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(connection: Any) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(PG_FUNCTION)
            for table in PROTECTED:
                cur.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION icjis_refuse_change()"
                )
                cur.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION icjis_refuse_change()"
                )
        elif connection.vendor == "sqlite":
            for table in PROTECTED:
                for op in ("UPDATE", "DELETE"):
                    cur.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'ICJIS ledger table {table} is append-only: "
                        f"{op} refused'); END"
                    )


def remove(connection: Any) -> None:
    """What only a database superuser can do — and what verify-ledger then catches."""
    with connection.cursor() as cur:
        for table in PROTECTED:
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                for op in ("update", "delete"):
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def installed(connection: Any) -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'core_%%_append_only'")
        else:
            cur.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'core_%'"
            )
        (count,) = cur.fetchone()
    return count >= len(PROTECTED)


def ensure(connection: Any) -> None:
    """Install the triggers unless they are all there (test resets remove them)."""
    if not installed(connection):
        remove(connection)
        install(connection)
