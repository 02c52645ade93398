"""The name key's plain b-tree goes (PostgreSQL only): its `varchar_pattern_ops` twin (0010)
serves every query that reads the key.

The queries on `core_person.match_key` are equality (`persons._indexed_candidates`: `match_key
IN (…)`) and prefix (`persons._close_keys`: `LIKE 'key%'`). A `varchar_pattern_ops` b-tree serves
both, since its operator class holds the ordinary `=`; what only the plain b-tree serves, an
order or a range under the database's collation (`<`, `ORDER BY match_key`), no query asks for.
Two b-trees over one key cost every new person an insert into each, for one index's reads. At
1M cases (3.0M persons) the plain one took 109 MB; the act that records a new person was not
measurably faster without it (its insert 0.69 ms median either way), so what goes is the space,
and the WAL and vacuum work of an index no query reads.

Django's state keeps the field's `db_index`: Django finds a field's indexes by introspection when
it alters or drops one, so a later migration of the field meets no missing name."""

from django.db import migrations

NAME = "core_person_match_key_a28fdc07"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"DROP INDEX IF EXISTS {NAME}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON core_person (match_key)")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_person_key_prefix_index")]

    operations = [migrations.RunPython(forwards, backwards)]
