"""Database triggers that make the ledger append-only (events and checkpoints), and the
trigram index for person search on PostgreSQL."""

from django.db import migrations

PROTECTED = ("core_event", "core_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION icjis_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ICJIS ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
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
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute(
                "CREATE INDEX IF NOT EXISTS person_match_key_trgm ON core_person "
                "USING gin (match_key gin_trgm_ops)"
            )
        elif conn.vendor == "sqlite":
            for table in PROTECTED:
                for op in ("UPDATE", "DELETE"):
                    cur.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'ICJIS ledger table {table} is append-only: "
                        f"{op} refused'); END"
                    )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        for table in PROTECTED:
            if conn.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                for op in ("update", "delete"):
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
