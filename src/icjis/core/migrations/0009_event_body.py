"""Each event's canonical bytes stored beside its columns (`Event.body`), and on PostgreSQL the
index of (stream, seq) covering what the chain check reads (id, prev_hash, hash). Django's state
keeps the plain unique constraint: SQLite cannot build a covering one and would build none.

The verifier then hashes the stored bytes instead of building them from the columns for every
event, which is most of its work. The bytes stand for the columns only because PostgreSQL checks
on every insert that they are the columns' canonical encoding (`dbtriggers.BODY_CHECK`); the
verifier trusts them only while that check is in force as installed (`dbtriggers.
body_check_sound`), and otherwise builds the bytes from the columns as before.

Existing events get the bytes their hash was computed over, built from their columns: on
PostgreSQL by `CANONICAL_SQL` (held byte for byte to the Python encoding by the tests), on SQLite
by `ledger.canonical_row`. Nothing hashed changes. Filling the new column is an update, so the
append-only triggers are lifted for it inside this migration's transaction and put back after.

On SQLite, adding a column rebuilds the table, which drops its triggers: the last operation puts
them back, and the first puts them back when the migration is reversed."""

from django.db import migrations, models

from icjis.core import dbtriggers
from icjis.core.canonical_sql import CANONICAL_SQL


def fill_bodies(apps, schema_editor):
    conn = schema_editor.connection
    dbtriggers.remove(conn)
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute(f"UPDATE core_event SET body = convert_to({CANONICAL_SQL}, 'UTF8')")  # noqa: S608
        return
    from icjis.core.ledger import HASHED, canonical_row

    Event = apps.get_model("core", "Event")
    last = 0
    while True:
        rows = list(
            Event.objects.filter(id__gt=last).order_by("id").values_list("id", *HASHED)[:5000]
        )
        if not rows:
            return
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE core_event SET body = %s WHERE id = %s",
                [(canonical_row(row[1:]).encode(), row[0]) for row in rows],
            )
        last = rows[-1][0]


def _chain_index(schema_editor, definition: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:
            cur.execute("ALTER TABLE core_event DROP CONSTRAINT event_stream_seq_unique")
            cur.execute(f"ALTER TABLE core_event ADD CONSTRAINT event_stream_seq_unique {definition}")


def cover(apps, schema_editor):
    _chain_index(schema_editor, "UNIQUE (stream, seq) INCLUDE (id, prev_hash, hash)")


def uncover(apps, schema_editor):
    _chain_index(schema_editor, "UNIQUE (stream, seq)")


def guard(apps, schema_editor):
    dbtriggers.remove(schema_editor.connection)
    dbtriggers.install(schema_editor.connection)


def unguard(apps, schema_editor):
    dbtriggers.remove_body_check(schema_editor.connection)


def triggers_back(apps, schema_editor):
    dbtriggers.remove_triggers(schema_editor.connection, dbtriggers.PROTECTED)
    dbtriggers.install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_drop_unused_person_participant_indexes")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers_back),
        migrations.AddField(
            model_name="event",
            name="body",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.RunPython(fill_bodies, triggers_back),
        migrations.RunPython(cover, uncover),
        migrations.RunPython(guard, unguard),
    ]
