from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"

    def ready(self) -> None:
        # The access policy is checked and its object rules imported here, once, at start-up:
        # a missing or doubled row stops the server rather than allowing anything.
        from vangnet.core.access import load_policy

        load_policy()

        from vangnet.core import pagecache

        pagecache.connect_invalidation()
