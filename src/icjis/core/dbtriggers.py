"""The guards of the ledger tables: triggers that make them append-only (PostgreSQL and SQLite),
and on PostgreSQL the check that each event's stored bytes are its canonical encoding.

Used by the migrations that install them, and by tests that play a superuser who removes them
(tampering tests, and resetting a test database between committing tests)."""

from __future__ import annotations

from typing import Any

from icjis.core.canonical_sql import CANONICAL_SQL

PROTECTED = ("core_event", "core_checkpoint")
JOURNAL = ("field_journalentry", "field_answer")
"""A field node's journal and its answers (`icjis.field`): append-only as the ledger is."""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION icjis_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ICJIS ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# The body check. Its function takes the hashed columns by their own names and types, so that
# `CANONICAL_SQL` reads the same inside it. PL/pgSQL, because a session compiles it once: an SQL
# function's text would be parsed again for every insert statement (~0.4 ms an act).
BODY_CHECK = "event_body_canonical"
_BODY_PARAMETERS = (
    "stream varchar, seq bigint, kind varchar, data text, actor varchar, actor_agency varchar, "
    "actor_unit varchar, actor_role varchar, recorded_at timestamptz, claimed_at timestamptz, "
    "legal_basis varchar, rule_pack varchar, corrects bigint, simulated boolean, prev_hash varchar"
)
_BODY_ARGUMENTS = (
    "stream, seq, kind, data, actor, actor_agency, actor_unit, actor_role, recorded_at, "
    "claimed_at, legal_basis, rule_pack, corrects, simulated, prev_hash"
)
BODY_FUNCTION_SOURCE = f"BEGIN RETURN {CANONICAL_SQL}; END"
BODY_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION icjis_event_body({_BODY_PARAMETERS}) RETURNS text "
    f"LANGUAGE plpgsql STABLE PARALLEL SAFE AS $icjis${BODY_FUNCTION_SOURCE}$icjis$"
)
BODY_CONDITION = f"body = convert_to(icjis_event_body({_BODY_ARGUMENTS}), 'UTF8')"
# How PostgreSQL prints the condition back (`pg_get_constraintdef`).
BODY_CONDITION_PRINTED = f"(body = convert_to(icjis_event_body({_BODY_ARGUMENTS}), 'UTF8'::name))"


def present(connection: Any, tables: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `tables` the database has (an app's migration may not have run yet)."""
    known = set(connection.introspection.table_names())
    return tuple(t for t in tables if t in known)


def install_triggers(connection: Any, tables: tuple[str, ...] = PROTECTED) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(PG_FUNCTION)
            for table in tables:
                cur.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION icjis_refuse_change()"
                )
                cur.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION icjis_refuse_change()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                for op in ("UPDATE", "DELETE"):
                    cur.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'ICJIS ledger table {table} is append-only: "
                        f"{op} refused'); END"
                    )


def remove_triggers(connection: Any, tables: tuple[str, ...] | None = None) -> None:
    with connection.cursor() as cur:
        for table in tables if tables is not None else present(connection, PROTECTED + JOURNAL):
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                for op in ("update", "delete"):
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def install_body_check(connection: Any) -> None:
    """PostgreSQL: every event's `body` must be the canonical encoding of its columns, checked
    on every insert (and update) by `BODY_CHECK`. Adding it checks every event already held."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(BODY_FUNCTION)
        cur.execute(f"ALTER TABLE core_event ADD CONSTRAINT {BODY_CHECK} CHECK ({BODY_CONDITION})")


def remove_body_check(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE core_event DROP CONSTRAINT IF EXISTS {BODY_CHECK}")


def install(connection: Any) -> None:
    install_triggers(connection, present(connection, PROTECTED + JOURNAL))
    install_body_check(connection)


def remove(connection: Any) -> None:
    """What only a database superuser can do — and what verify-ledger then catches."""
    remove_body_check(connection)
    remove_triggers(connection)


def body_check_sound(connection: Any) -> bool:
    """Is `BODY_CHECK` in force on every event, as installed (PostgreSQL)? The constraint is
    there and validated, reads as installed, and calls the function as installed. Only then do
    the stored bytes stand for the columns. Lock core_event first, so that it cannot change
    while the caller reads."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.convalidated, pg_get_constraintdef(c.oid), "
            "array_agg(p.prosrc) FILTER (WHERE p.oid IS NOT NULL) "
            "FROM pg_constraint c "
            "LEFT JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = c.oid "
            "AND d.refclassid = 'pg_proc'::regclass "
            "LEFT JOIN pg_proc p ON p.oid = d.refobjid "
            "WHERE c.conrelid = 'core_event'::regclass AND c.conname = %s "
            "GROUP BY c.oid, c.convalidated",
            [BODY_CHECK],
        )
        row = cur.fetchone()
    if row is None:
        return False
    validated, definition, sources = row
    return bool(
        validated
        and definition == f"CHECK ({BODY_CONDITION_PRINTED})"
        and sources == [BODY_FUNCTION_SOURCE]
    )


def installed(connection: Any) -> bool:
    """Are the triggers there, and on PostgreSQL the body check (whatever it now reads:
    `body_check_sound` judges that)?"""
    tables = present(connection, PROTECTED + JOURNAL)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            names = [f"{t}_append_only" for t in tables]
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = ANY(%s)", [names])
        else:
            names = [f"{t}_no_update" for t in tables]
            marks = ", ".join("%s" for _ in names)
            cur.execute(
                f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608 - placeholders only
                names,
            )
        (count,) = cur.fetchone()
        if count < len(tables):
            return False
        if connection.vendor != "postgresql":
            return True  # SQLite has no body check
        cur.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint "
            "WHERE conrelid = 'core_event'::regclass AND conname = %s)",
            [BODY_CHECK],
        )
        return bool(cur.fetchone()[0])


def ensure(connection: Any) -> None:
    """Install the triggers unless they are all there (test resets remove them)."""
    if not installed(connection):
        remove(connection)
        install(connection)
