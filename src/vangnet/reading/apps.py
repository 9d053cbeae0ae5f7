from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "vangnet.reading"
    label = "reading"

    def ready(self) -> None:
        from vangnet.chat.signals import conversation_ended

        def on_end(sender: object, conversation_pk: int, **kwargs: object) -> None:
            from vangnet.reading.services import queue_reading

            queue_reading(conversation_pk)

        conversation_ended.connect(on_end, dispatch_uid="reading.on_conversation_ended")
