"""On PostgreSQL the access log refuses UPDATE and DELETE at the database level (append-only)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION members_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'members_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_accesslog_no_update_delete
    BEFORE UPDATE OR DELETE ON members_accesslog
    FOR EACH ROW EXECUTE FUNCTION members_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS members_accesslog_no_update_delete ON members_accesslog;
DROP FUNCTION IF EXISTS members_accesslog_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_core_roster")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
