from __future__ import annotations

from typing import Any

from vangnet.reading.deidentify import deidentifier
from vangnet.reading.jsonlines import require_id, require_text
from vangnet.reading.management.commands._jsonl_command import JsonLinesCommand


class Command(JsonLinesCommand):
    help = (
        'De-identify chat messages. Reads JSON lines {"id", "text"} and writes '
        '{"id", "text", "spans": [{"start", "end", "type"}]} (spans into the input text); '
        "placeholders are consistent within one line."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        engine = deidentifier()

        def one(item: dict[str, Any]) -> dict[str, Any]:
            ident = require_id(item)
            text = require_text(item)
            message = engine.deidentify_transcript([text]).messages[0]
            return {
                "id": ident,
                "text": message.text,
                "spans": [span.as_json() for span in message.spans],
            }

        self.process(options, one)
