"""ASGI entry point: HTTP through Django (health checks before it), WebSockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

# What the first request would otherwise pay for (URLs, catalogues, templates, triage lists).
from vangnet.warmup import warm_up  # noqa: E402

warm_up()

from vangnet.chat.origin import OriginValidator  # noqa: E402
from vangnet.chat.routing import websocket_urlpatterns  # noqa: E402
from vangnet.core.health import with_health_checks  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_health_checks(django_application),
        "websocket": OriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
