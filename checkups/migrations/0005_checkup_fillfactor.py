"""Leave half of every page of checkups_checkup free on PostgreSQL (fillfactor 50), so a restratification's
UPDATE writes the new row version next to the old one (a HOT update: no new entry in any of the table's ten
indexes, a fraction of the WAL). A checkup row is ~1.4 kB, so a page holds two rows and room for both to be
rewritten in one run (issue #3: 1,000,000 judgments rewritten in under 60 s; docs/benchmarks.md).

A storage parameter, not a schema change: existing pages get it as rows move (or at once with
`CLUSTER checkups_checkup USING checkups_checkup_pkey` / `VACUUM FULL` in a maintenance window; this migration
does not rewrite the table). Other databases ignore it.
"""

from django.db import migrations

CHECKUP_FILLFACTOR = 50  # percent of each heap page filled by INSERT; the rest is kept for updates


def _set_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE checkups_checkup SET (fillfactor = {CHECKUP_FILLFACTOR})")


def _reset_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE checkups_checkup RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("checkups", "0004_upload_content_uncompressed")]

    operations = [migrations.RunPython(_set_fillfactor, _reset_fillfactor, elidable=False)]
