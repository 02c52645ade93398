"""Reports still awaiting the decision to open a case, in the order the oversight list reads
them (`registry.oversight.undecided_reports`: oldest registered first). Measured on a seeded
200k-case database, the list for a head of unit sorted every undecided report of the unit
(490 ms; the district prosecutor's 104 ms); walking this partial index it stops at the page
(50 ms and 0.6 ms). The stages are the list's `UNDECIDED_STAGES` (a test holds them equal),
as an OR: PostgreSQL prints `IN` back as a different expression, and the bulk seeder rebuilds
indexes from their printed definitions."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_person_born_key_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("stage", "registered"), ("stage", "pre_investigation"), _connector="OR"),
                fields=["registered_at", "number"],
                name="case_undecided_idx",
            ),
        ),
    ]
