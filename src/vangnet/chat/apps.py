from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "vangnet.chat"
    label = "chat"

    def ready(self) -> None:
        from vangnet.accounts.signals import staff_access_ended
        from vangnet.chat.staff_access import end_staff_sockets

        staff_access_ended.connect(end_staff_sockets, dispatch_uid="chat.end_staff_sockets")
