from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _triage_model_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    """The administrator is told when the triage runs on its word lists alone."""
    from django.core.checks import Warning

    from vangnet.reading.triage_model import model_problem

    problem = model_problem()
    return [Warning(problem, id="reading.W001")] if problem else []


def _read_when_ended(sender: Any, conversation_pk: int, **kwargs: Any) -> None:
    from vangnet.reading.services import queue_reading

    queue_reading(conversation_pk)


class ReadingConfig(AppConfig):
    name = "vangnet.reading"
    label = "reading"

    def ready(self) -> None:
        from django.core.checks import register

        from vangnet.chat.signals import conversation_ended

        register(_triage_model_check)

        conversation_ended.connect(_read_when_ended, dispatch_uid="reading.read_when_ended")
