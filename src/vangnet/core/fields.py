"""Model fields whose values are encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from vangnet.core import crypto, envelope


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Free text about people: stored encrypted, read back as plain text.

    A row that belongs to a case or a chat is sealed with that record's own data key
    (core.envelope), so erasing the record makes every copy of the text unreadable. Not
    searchable or orderable in the database, by design.
    """

    description = "Text encrypted at rest"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if value is None or value == "" or isinstance(value, envelope.Sealed):
            return value
        return envelope.Sealed(envelope.seal_for(model_instance, str(value)))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, envelope.Sealed):
            return str(value)
        return envelope.seal_in_scope(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        if envelope.is_sealed(value):
            return envelope.open_sealed(value)
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
