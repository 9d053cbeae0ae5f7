"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_accesslog_no_change BEFORE UPDATE OR DELETE ON core_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION core_accesslog_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_accesslog_no_change ON core_accesslogentry;
DROP FUNCTION IF EXISTS core_accesslog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
