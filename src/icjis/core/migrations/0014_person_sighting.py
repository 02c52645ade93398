"""Who saw a person in a list or a search (SPEC 6): the persons a list or a search showed are
named in the read's event (`persons`), and projected here one row per person, reader, list,
purpose and day. Reads logged before this migration named no persons, so it starts empty; a
rebuild gives the same."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_person_residence"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSighting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("person", models.CharField(max_length=16)),
                ("actor", models.CharField(max_length=64)),
                ("subject_type", models.CharField(max_length=16)),
                ("subject", models.CharField(max_length=64)),
                ("purpose", models.CharField(max_length=64)),
                ("day", models.DateField()),
                ("first_at", models.DateTimeField()),
                ("last_at", models.DateTimeField()),
                ("times", models.PositiveIntegerField()),
                (
                    "first_event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.event",
                        db_index=False,
                    ),
                ),
                (
                    "last_event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.event",
                        db_index=False,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "actor", "subject_type", "subject", "purpose", "day"),
                        name="sighting_unique",
                    )
                ],
            },
        ),
    ]
