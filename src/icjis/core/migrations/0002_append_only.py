"""Database triggers that make the ledger append-only (events and checkpoints), and the
trigram index for person search on PostgreSQL."""

from django.db import migrations

from icjis.core import dbtriggers


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    dbtriggers.install_triggers(conn)
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute(
                "CREATE INDEX IF NOT EXISTS person_match_key_trgm ON core_person "
                "USING gin (match_key gin_trgm_ops)"
            )


def backwards(apps, schema_editor):
    dbtriggers.remove_triggers(schema_editor.connection, dbtriggers.PROTECTED)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
