"""Person search's close pass on PostgreSQL: a b-tree index on the rest of the name key after
its first word, with the first word's length, so that the keys with the same given name and
patronymic and a surname of about the same length are found without a scan (the surname
mistyped). It carries the key itself, so the search reads these keys by an index-only scan.
The expressions are those of `core.persons.KEY_REST_SQL` and `KEY_FIRST_SQL`
(tests/core/test_person_search.py checks that the search's query uses this index)."""

from django.db import migrations

INDEX = "person_key_rest"
FIRST = "split_part(match_key::text, ' ', 1)"
REST = f"substr(match_key::text, length({FIRST}) + 2)"


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cur:
        cur.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON core_person (({REST}), (length({FIRST})))"
            " INCLUDE (match_key)"
        )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_person_birth_date_index")]
    operations = [migrations.RunPython(forwards, backwards)]
