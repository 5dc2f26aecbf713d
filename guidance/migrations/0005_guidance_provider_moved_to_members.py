"""GuidanceProvider now lives in members (see members 0003): point the foreign keys there, drop the old state.

State only: the table `guidance_guidanceprovider` and its foreign-key constraints stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0004_schedule_daily_programme_refresh"),
        ("members", "0003_guidance_provider_moved_from_guidance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="programme",
                    name="provider",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="programmes",
                        to="members.guidanceprovider",
                        verbose_name="保健指導機関",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="provider",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="members.guidanceprovider",
                    ),
                ),
                migrations.DeleteModel(name="GuidanceProvider"),
            ],
            database_operations=[],
        ),
    ]
