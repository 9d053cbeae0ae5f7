"""Demo data: a few thousand synthetic coded contacts over several years (marked synthetic)."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from vangnet.coding import synthetic
from vangnet.coding.models import Channel, Contact, VisitorFeedback
from vangnet.coding.signals import send_contacts_changed

DEMO_CONTACTS = 4000
DEMO_BATCH = "demo"


def load(out: TextIO) -> None:
    if Contact.objects.filter(import_batch=DEMO_BATCH).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        Contact.objects.bulk_create(
            synthetic.contacts(
                DEMO_CONTACTS,
                first_day=date(today.year - 5, 1, 1),
                last_day=today,
                batch=DEMO_BATCH,
            ),
            batch_size=1000,
        )
        chats = Contact.objects.filter(import_batch=DEMO_BATCH, channel=Channel.CHAT).order_by("pk")
        VisitorFeedback.objects.bulk_create(synthetic.feedback(list(chats)), batch_size=1000)
        send_contacts_changed(
            Contact.objects.filter(import_batch=DEMO_BATCH).values_list("month", flat=True)
        )
    out.write(
        f"Synthetic coded contacts: {DEMO_CONTACTS} over {today.year - 5}-{today.year} "
        "(marked synthetic in the monitor), with synthetic answers to the survey after a chat.\n"
    )
