"""The checkup's person and insurer foreign keys lose their own indexes: the unique (person, exam date, programme)
and the (insurer, fiscal year) indexes lead with the same columns. Only the two indexes are dropped (the state
change alone would make Django drop and re-validate both foreign keys over the whole table)."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = (("checkups_checkup_person_id_3aff9f31", "person_id"), ("checkups_checkup_insurer_id_76eb4b54", "insurer_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("checkups", "0014_upload_report_part"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="checkup",
                    name="insurer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checkups",
                        to="members.insurer",
                        verbose_name="保険者",
                    ),
                ),
                migrations.AlterField(
                    model_name="checkup",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checkups",
                        to="members.insuredperson",
                        verbose_name="加入者",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "checkups_checkup" ("{column}")',
                )
                for name, column in INDEXES
            ],
        ),
    ]
