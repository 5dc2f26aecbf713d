"""Upload files are stored uncompressed on PostgreSQL (STORAGE EXTERNAL): archives are ZIPs already, and
compressing 100+ MB on insert cost more than parsing them (bench/import_bench.py)."""

from django.db import migrations


def _external(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE checkups_upload ALTER COLUMN content SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    dependencies = [("checkups", "0003_add_upload")]

    operations = [migrations.RunPython(_external, migrations.RunPython.noop)]
