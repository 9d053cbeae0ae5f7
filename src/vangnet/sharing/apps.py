from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "vangnet.sharing"
    label = "sharing"
    verbose_name = _("Sharing with partners")

    def ready(self) -> None:
        from vangnet.sharing import policy  # noqa: F401 - the object rule named by core.access
