"""An alert may be told only to readers whose unit is of some levels (`Alert.levels`): a filing
before the higher prosecutor alerts the offices above the one that decided.

A projection column that the projectors fill. On a database with such alerts raised before this
migration, those rows stay empty (told to every level, as before) until `icjis
rebuild-projections` replays the ledger and fills them; until then `rebuild-projections --check`
names the difference."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0015_access_record_part"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="levels",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
