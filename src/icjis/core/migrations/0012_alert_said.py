"""An alert keeps its message's template and values (`Said.as_json`) beside the English message,
so that the landing page says it in the reader's language.

A projection column that the projectors fill. On a database with alerts raised before this
migration, those rows stay null (shown in English) until `icjis rebuild-projections` replays the
ledger and fills them; until then `rebuild-projections --check` names the difference. Nothing is
guessed here: the values are the events', and only a replay gives them exactly (a count is an
integer in the event, not the digits in the English)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_drop_plain_name_key_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="said",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
