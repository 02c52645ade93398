"""Indexes that every new person and every participant wrote to, and that no query reads
(PostgreSQL only).

Django gives each indexed text column on PostgreSQL a second index with `varchar_pattern_ops`,
for `LIKE 'prefix%'` under a non-C collation. No query filters persons by a prefix of their id,
name key, PIN or merge target, nor participants by a prefix of their case or person; and the
participants' plain case index repeats the first column of `participant_unique` (case, person,
role). Each of these took an insert on a random leaf of a multi-million-row index in every act
that adds a person to a case (at 1M cases: 2.7M persons, 2.7M participants), the write that grew
most between 10k and 1M cases (benchmark 3).

Django finds the indexes of a field by introspection when it alters or drops one, and drops a
pattern index with IF EXISTS, so a later migration of these fields meets no missing name.

The name key's was read after all, by the person search's prefix queries: 0010 builds it again."""

from django.db import migrations

# (name, the statement that builds it) — the names Django derived from table and column.
UNUSED = (
    ("core_person_id_5c832bf2_like", "core_person (id varchar_pattern_ops)"),
    ("core_person_match_key_a28fdc07_like", "core_person (match_key varchar_pattern_ops)"),
    (
        "core_person_merged_into_id_087a4715_like",
        "core_person (merged_into_id varchar_pattern_ops)",
    ),
    ("core_person_pin_c66f0629_like", "core_person (pin varchar_pattern_ops)"),
    (
        "core_caseparticipant_case_id_1055b30f_like",
        "core_caseparticipant (case_id varchar_pattern_ops)",
    ),
    (
        "core_caseparticipant_person_id_291372f1_like",
        "core_caseparticipant (person_id varchar_pattern_ops)",
    ),
    ("core_caseparticipant_case_id_1055b30f", "core_caseparticipant (case_id)"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for name, _ in UNUSED:
            cur.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for name, definition in UNUSED:
            cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_case_undecided_index")]

    operations = [migrations.RunPython(forwards, backwards)]
