from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from vangnet.core import metrics, pagecache

        pagecache.connect_invalidation()
        user_locked_out.connect(metrics.staff_locked_out, dispatch_uid="vangnet.metrics.lockout")
