"""The field node's journal and its answers are append-only, as the ledger is: triggers refuse
an UPDATE or DELETE (`core.dbtriggers.JOURNAL`)."""

from django.db import migrations

from icjis.core import dbtriggers


def forwards(apps, schema_editor):
    dbtriggers.install_triggers(schema_editor.connection, dbtriggers.JOURNAL)


def backwards(apps, schema_editor):
    dbtriggers.remove_triggers(schema_editor.connection, dbtriggers.JOURNAL)


class Migration(migrations.Migration):
    dependencies = [("field", "0001_initial"), ("core", "0009_event_body")]
    operations = [migrations.RunPython(forwards, backwards)]
