"""The visitor's survey after a chat, for the chat page: questions and one-tap answers from
the model's choices (coding/models.py VisitorFeedback), so the codes are written once."""

from __future__ import annotations

from typing import Any

from django import template

from vangnet.coding.feedback import QUESTION_TEXT, QUESTIONS

register = template.Library()


@register.inclusion_tag("coding/visitor_survey.html")
def visitor_survey() -> dict[str, Any]:
    return {
        "questions": [
            {"key": key, "text": QUESTION_TEXT[key], "answers": choices.choices}
            for key, choices in QUESTIONS.items()
        ]
    }
