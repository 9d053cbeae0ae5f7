from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vangnet.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Connects the receivers that write every change of a staff member's access.
        from vangnet.accounts import changes  # noqa: F401
