from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "vangnet.sharing"
    label = "sharing"
    verbose_name = "Sharing with partners"

    def ready(self) -> None:
        from vangnet.sharing import policy  # noqa: F401 - the object rule named by core.access
