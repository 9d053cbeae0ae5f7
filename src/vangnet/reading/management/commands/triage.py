from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from vangnet.coding import codebook
from vangnet.reading import triage, triage_model
from vangnet.reading.jsonlines import LineError, require_id, require_text
from vangnet.reading.management.commands._jsonl_command import JsonLinesCommand


class Command(JsonLinesCommand):
    help = (
        'Score first messages for acute danger. Reads JSON lines {"id", "role"?, "text"} and '
        'writes {"id", "acute", "score", "reasons": [{"start", "end", "text"}]}.'
    )

    def handle(self, *args: Any, **options: Any) -> None:
        roles = codebook.current().question("role").code_names
        if problem := triage_model.model_problem():
            self.stderr.write(problem)

        def one(item: dict[str, Any]) -> dict[str, Any]:
            ident = require_id(item)
            text = require_text(item)
            role = item.get("role")
            if role is not None and role not in roles:
                raise LineError(
                    _("“role” must be one of the codebook's codes: %(codes)s")
                    % {"codes": ", ".join(roles)}
                )
            result = triage.score(text)
            return {
                "id": ident,
                "acute": result.acute,
                "score": result.score,
                "reasons": [reason.as_json() for reason in result.reasons],
            }

        self.process(options, one)
