"""A person's place of residence (a territory), where a sentence without isolation and a fine
are executed (CEC 30(1)-(2)). A projection column: the acts that name a new person or record a
residence fill it; persons recorded before it stay without one (null) until a residence is
recorded. No index: nothing looks persons up by it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_alert_said"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="residence",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.territory",
            ),
        ),
    ]
