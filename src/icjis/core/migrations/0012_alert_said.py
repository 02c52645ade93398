"""An alert keeps its message's template and values (`Said.as_json`) beside the English message,
so that the landing page says it in the reader's language. A projection column: a rebuild fills
it from the events; alerts raised before it stay null and are shown in English."""

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
