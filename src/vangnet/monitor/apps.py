from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "vangnet.monitor"
    label = "monitor"

    def ready(self) -> None:
        from vangnet.coding.signals import contacts_changed
        from vangnet.monitor.summary import recount_after_commit

        contacts_changed.connect(recount_after_commit, dispatch_uid="monitor.recount")
