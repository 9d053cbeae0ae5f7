from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "vangnet.retention"
    label = "retention"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from vangnet.core import envelope

        # The records with a data key of their own (envelope encryption): what erasure destroys.
        envelope.register_holder("cases.Case", lambda case: f"case:{case.reference}")
        envelope.register_holder("chat.Conversation", lambda chat: f"chat:{chat.public_id.hex}")
        # The de-identified copy has a key of its own, so that it can outlive the original when
        # the organisation gives it a longer term (and go earlier with a shorter one).
        envelope.register_holder(
            "reading.TranscriptReading",
            lambda reading: f"deidentified:{reading.conversation.public_id.hex}",
        )

        def key_at_start(sender: type, instance: object, created: bool, **_: object) -> None:
            # A chat's key exists from its first moment, so the batched writer finds it.
            if created:
                envelope.ensure_key(instance)

        post_save.connect(key_at_start, sender="chat.Conversation", weak=False)
