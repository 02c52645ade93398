"""Which part of a case file a case read showed (SPEC 6, who saw a person): a read by a role
that reads its part of the file (`core.visibility`) showed the defendants alone among the
participants, and counts as a read of them only. A projection column filled from the read's
event (`part`); reads logged before it kept no part, so they stay False, counted for every
participant as before, and a rebuild gives the same."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_person_sighting"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrecord",
            name="defendants_only",
            field=models.BooleanField(default=False),
        ),
    ]
