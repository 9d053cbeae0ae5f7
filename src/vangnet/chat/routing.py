from django.urls import URLPattern, path

from vangnet.chat import consumers

websocket_urlpatterns: list[URLPattern] = [
    path("ws/chat/", consumers.VisitorConsumer.as_asgi()),
    path("ws/console/", consumers.ConsoleConsumer.as_asgi()),
]
