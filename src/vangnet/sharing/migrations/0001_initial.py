"""The sharing app takes over four models from the cases app, without touching their data.

The tables keep their names (cases_partnerorganisation, cases_share, cases_shareconsent,
cases_shareresponse) and every foreign key into them (the meldcode track's report_share)
stays as it is: only Django's idea of which app owns the models changes
(cases/0004_move_sharing_to_its_own_app.py removes them from the cases app's state). The
content types move along, so permissions and admin history keep pointing at the same rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import vangnet.core.fields

MOVED = ("partnerorganisation", "share", "shareconsent", "shareresponse")


def move_content_types(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move(apps, schema_editor, "cases", "sharing")


def move_content_types_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move(apps, schema_editor, "sharing", "cases")


def _move(apps, schema_editor, source, target):  # type: ignore[no-untyped-def]
    rows = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model in MOVED:
        if not rows.filter(app_label=target, model=model).exists():
            rows.filter(app_label=source, model=model).update(app_label=target)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_merge_emergency_access_and_meldcode"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PartnerOrganisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(max_length=150, unique=True, verbose_name="name"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("police", "Police"),
                                    ("prosecutor", "Public prosecutor (OM)"),
                                    ("veilig_thuis", "Veilig Thuis"),
                                    ("care_provider", "Care provider"),
                                    ("municipality", "Municipality"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partner organisation",
                        "verbose_name_plural": "partner organisations",
                        "db_table": "cases_partnerorganisation",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Share",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sections", models.JSONField(default=list)),
                        ("snapshot", vangnet.core.fields.EncryptedTextField()),
                        ("purpose", vangnet.core.fields.EncryptedTextField(verbose_name="purpose")),
                        (
                            "basis",
                            models.CharField(
                                choices=[
                                    ("consent", "Consent (client, and parents where the law asks)"),
                                    ("meldcode", "Legal ground: report under the meldcode"),
                                    ("legal_other", "Other legal ground"),
                                ],
                                max_length=20,
                                verbose_name="basis",
                            ),
                        ),
                        (
                            "basis_detail",
                            vangnet.core.fields.EncryptedTextField(
                                blank=True, verbose_name="basis, explained"
                            ),
                        ),
                        ("valid_until", models.DateField(verbose_name="until")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("revoke_reason", vangnet.core.fields.EncryptedTextField(blank=True)),
                        (
                            "acknowledged_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shares",
                                to="cases.case",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shares",
                                to="sharing.partnerorganisation",
                            ),
                        ),
                        (
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_share",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ShareConsent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("void_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="cases.person",
                            ),
                        ),
                        (
                            "share",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="sharing.share",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_shareconsent",
                        "ordering": ["id"],
                    },
                ),
                migrations.CreateModel(
                    name="ShareResponse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("text", vangnet.core.fields.EncryptedTextField(verbose_name="response")),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "share",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="responses",
                                to="sharing.share",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_shareresponse",
                        "ordering": ["at", "id"],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
