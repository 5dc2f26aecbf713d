"""GuidanceProvider moves from the guidance app to members (organisations live in the bottom layer).

State only: the table keeps its name (`guidance_guidanceprovider`) and its rows; nothing is copied or renamed.
The guidance app's migration 0005 then points its foreign keys here and drops the old model from its state.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_access_log_append_only"),
        ("guidance", "0004_schedule_daily_programme_refresh"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="GuidanceProvider",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "number",
                            models.CharField(
                                max_length=10,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator("^\\d{10}$", "機関番号は10桁の数字です")
                                ],
                                verbose_name="保健指導機関番号",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="名称")),
                    ],
                    options={
                        "verbose_name": "保健指導機関",
                        "verbose_name_plural": "保健指導機関",
                        "db_table": "guidance_guidanceprovider",
                        "ordering": ["number"],
                    },
                ),
                migrations.AlterField(
                    model_name="apikey",
                    name="guidance_provider",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_keys",
                        to="members.guidanceprovider",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
