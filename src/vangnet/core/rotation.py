"""Key rotation: re-wrap the data keys with the newest master key. Values still sealed with a
master key directly are moved into their record's data key (rows from before envelope
encryption), or re-encrypted with the newest master key where a row has no case or chat."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models.functions import Cast

from vangnet.core import crypto, envelope
from vangnet.core.fields import encrypted_fields

BATCH_SIZE = 500


def rotate_all(*, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Return how many data keys were re-wrapped and values re-encrypted, per label."""
    crypto.reset_cipher()
    counts: dict[str, int] = {"data keys re-wrapped": envelope.rewrap_all(batch_size=batch_size)}
    for model, field_name in encrypted_fields():
        label = f"{model._meta.label}.{field_name}"
        counts[label] = _rotate_field(model, field_name, batch_size)
    return counts


def _rotate_field(model: type[models.Model], field_name: str, batch_size: int) -> int:
    # Cast to a plain TextField reads the stored token without decrypting it.
    rows = (
        model._default_manager.annotate(raw_token=Cast(field_name, models.TextField()))
        .exclude(raw_token="")
        .exclude(raw_token__isnull=True)
    )
    for sealed in envelope.PREFIXES:  # already under a data key
        rows = rows.exclude(raw_token__startswith=sealed)
    rows = rows.values_list("pk", "raw_token").order_by("pk")
    done = 0
    last_pk = None
    while True:
        page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(page[:batch_size])
        if not batch:
            return done
        with transaction.atomic():
            for pk, token in batch:
                fresh = _fresh_token(model, pk, token)
                model._default_manager.filter(pk=pk).update(
                    **{field_name: models.Value(fresh, output_field=models.TextField())}
                )
        done += len(batch)
        last_pk = batch[-1][0]


def _fresh_token(model: type[models.Model], pk: object, token: str) -> str:
    """The row's case or chat key if it has one (so erasure reaches it), else the newest key."""
    instance = model._base_manager.filter(pk=pk).first()
    if instance is not None and envelope.holder_of(instance) is not None:
        return envelope.seal_for(instance, crypto.decrypt_text(token))
    return crypto.rotate_token(token)
