from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.coding import codebook
from vangnet.coding.models import Contact
from vangnet.reading import learned
from vangnet.reading.services import transcript_turns


class Command(BaseCommand):
    help = (
        "Train the suggestion models on confirmed codings of chats, compare them with the "
        "rules by cross-validation, and switch a model on only where it beats the rules."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        book = codebook.current()
        examples = []
        contacts = Contact.objects.filter(
            status=Contact.Status.CODED, conversation__isnull=False, codebook_version=book.version
        ).select_related("conversation")
        for contact in contacts.iterator():
            assert contact.conversation is not None
            turns = transcript_turns(contact.conversation)
            if not turns:
                continue
            columns = {key: getattr(contact, key) for key in book.keys}
            answers = {
                key: sorted(value) if isinstance(value, frozenset) else value
                for key, value in book.from_columns(columns).items()
            }
            examples.append(learned.Example(turns, answers))
        if len(examples) < learned.MIN_EXAMPLES:
            raise CommandError(
                f"Only {len(examples)} coded chats with a transcript for codebook "
                f"{book.version}; at least {learned.MIN_EXAMPLES} are needed."
            )
        report = learned.train(examples, book)
        path = learned.save(report, book)
        for key, entry in report.items():
            if "model_agreement" in entry:
                state = "model ON" if entry["enabled"] else "rules"
                self.stdout.write(
                    f"{key:<26} model {entry['model_agreement']:.3f}  "
                    f"rules {entry['rules_agreement']:.3f}  -> {state}"
                )
            else:
                self.stdout.write(f"{key:<26} rules ({entry.get('reason', '')})")
        self.stdout.write(f"Saved {path} ({len(examples)} chats).")
