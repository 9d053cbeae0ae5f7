"""On PostgreSQL the database itself refuses UPDATE and DELETE on the role-change log."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION accounts_staffchange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the role-change log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_staffchange_no_change BEFORE UPDATE OR DELETE ON accounts_staffchange
    FOR EACH ROW EXECUTE FUNCTION accounts_staffchange_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS accounts_staffchange_no_change ON accounts_staffchange;
DROP FUNCTION IF EXISTS accounts_staffchange_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_staff_changes_and_login_throttle")]
    operations = [migrations.RunPython(forward, backward)]
