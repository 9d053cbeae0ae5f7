from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _read_when_ended(sender: Any, conversation_pk: int, **kwargs: Any) -> None:
    from vangnet.reading.services import queue_reading

    queue_reading(conversation_pk)


class ReadingConfig(AppConfig):
    name = "vangnet.reading"
    label = "reading"

    def ready(self) -> None:
        from vangnet.chat.signals import conversation_ended

        conversation_ended.connect(_read_when_ended, dispatch_uid="reading.read_when_ended")
