from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from vangnet.coding import codebook
from vangnet.reading import learned
from vangnet.reading.jsonlines import LineError, require_id
from vangnet.reading.management.commands._jsonl_command import JsonLinesCommand
from vangnet.reading.suggestions import SPEAKERS, Turn, suggest


def _turns(item: dict[str, Any]) -> list[Turn]:
    raw = item.get("turns")
    if not isinstance(raw, list):
        raise LineError(_("“turns” must be a list"))
    turns = []
    for number, turn in enumerate(raw):
        if (
            not isinstance(turn, dict)
            or turn.get("from") not in SPEAKERS
            or not isinstance(turn.get("text"), str)
        ):
            raise LineError(
                _('turn %(n)d must be {"from": "visitor" or "counsellor", "text": "..."}')
                % {"n": number}
            )
        turns.append(Turn(turn["from"], turn["text"]))
    return turns


class Command(JsonLinesCommand):
    help = (
        'Suggest codes for chat transcripts. Reads JSON lines {"id", "turns": [{"from", "text"}]} '
        'and writes {"id", "codes", "confidence", "evidence"} with the current codebook.'
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--question", action="append", default=[], help="only this question (repeatable)"
        )
        parser.add_argument("--rules-only", action="store_true", help="leave out trained models")

    def handle(self, *args: Any, **options: Any) -> None:
        book = codebook.current()
        asked: list[str] = options["question"]
        unknown = [q for q in asked if q not in book.keys]
        if unknown:
            raise CommandError(
                _("Unknown question: %(keys)s. The questions are: %(all)s.")
                % {"keys": ", ".join(unknown), "all": ", ".join(book.keys)}
            )
        if not options["rules_only"] and (problem := learned.model_status(book)):
            self.stderr.write(problem)

        def one(item: dict[str, Any]) -> dict[str, Any]:
            ident = require_id(item)
            turns = _turns(item)
            if options["rules_only"]:
                result = suggest(turns, book)
            else:
                result = learned.suggest_with_models(turns, book)
            answer = result.as_json(ident)
            if asked:
                for part in ("codes", "confidence", "evidence"):
                    answer[part] = {k: v for k, v in answer[part].items() if k in asked}
            return answer

        self.process(options, one)
