from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware
from django.urls import URLPattern, path

from vangnet.chat import consumers
from vangnet.chat.middleware import ReadOnlySessionMiddleware

websocket_urlpatterns: list[URLPattern] = [
    # The visitor's socket reads no cookie and no session: it knows only the token it is given.
    # Channels' URLRouter takes any ASGI application where Django's `path` types a view.
    path("ws/chat/", consumers.VisitorConsumer.as_asgi()),  # type: ignore[arg-type]
    path(
        "ws/console/",
        CookieMiddleware(
            ReadOnlySessionMiddleware(AuthMiddleware(consumers.ConsoleConsumer.as_asgi()))
        ),
    ),
]
