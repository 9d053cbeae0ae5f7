"""Seed the content pages and the national services (real data; see seeding.py)."""

from typing import Any

from django.db import migrations

from vangnet.guide import seeding


def seed(apps: Any, schema_editor: Any) -> None:
    seeding.load_pages(apps.get_model("guide", "Page"))
    seeding.load_organisations(
        apps.get_model("guide", "Organisation"), apps.get_model("guide", "OpeningHours")
    )


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
