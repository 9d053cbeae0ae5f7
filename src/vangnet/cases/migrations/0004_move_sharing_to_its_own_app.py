"""Partner shares moved to the sharing app (sharing/0001_initial.py): state only, no data moves.

The tables keep their names; the meldcode track's report_share keeps its column and its
constraint, it only points at the model under its new app.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_merge_emergency_access_and_meldcode"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="meldcodetrack",
                    name="report_share",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sharing.share",
                    ),
                ),
                migrations.DeleteModel(name="ShareResponse"),
                migrations.DeleteModel(name="ShareConsent"),
                migrations.DeleteModel(name="Share"),
                migrations.DeleteModel(name="PartnerOrganisation"),
            ],
        ),
    ]
