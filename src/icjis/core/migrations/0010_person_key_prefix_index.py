"""The name key's prefix index again (PostgreSQL only).

0008 dropped `core_person_match_key_a28fdc07_like` (`varchar_pattern_ops`) as read by no query.
The person search's close pass reads keys by prefix (`persons._close_keys`: `match_key LIKE
'key%'` and `LIKE 'first word %'`), which under a non-C collation only this index serves as a
b-tree range. Without it PostgreSQL answered those from the trigram index: at 1M persons 24–83
ms a query, and the search's p95 rose from 38 ms to 120 ms. The name (Django's, for the field's
`db_index`) is the one 0008 dropped, so Django's introspection of the field meets what it would
have built itself."""

from django.db import migrations

NAME = "core_person_match_key_a28fdc07_like"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON core_person (match_key varchar_pattern_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_event_body")]

    operations = [migrations.RunPython(forwards, backwards)]
