"""Model fields whose values are encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from vangnet.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Free text about people: stored as a Fernet token, read back as plain text.

    Not searchable or orderable in the database, by design.
    """

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) pair that holds encrypted text, for key rotation."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
