"""The WebSocket Origin check: scheme, host and port, as Django's CSRF check compares them.

A browser sends the page's origin with every WebSocket handshake. It is accepted when it is
the origin of the request itself (the scheme the site is served with, and the Host header's
name and port, the name one of ALLOWED_HOSTS) or one of CSRF_TRUSTED_ORIGINS. Channels'
`AllowedHostsOriginValidator` compared the host name only, so any port was let in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_tuple(origin: str) -> tuple[str, str, int] | None:
    """'https://Example.org' -> ('https', 'example.org', 443); None when it is no origin."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in {"", "/"}:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _request_origin(scope: dict[str, Any], host_header: str) -> tuple[str, str, int] | None:
    """The origin the request was made to. Behind a TLS proxy the server sees `ws`, but the
    site is served over HTTPS (VANGNET_HTTPS): then the page's scheme is https."""
    secure = scope.get("scheme") == "wss" or settings.SECURE_HTTPS
    scheme = "https" if secure else "http"
    host, port = split_domain_port(host_header)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    try:
        number = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, host.lower(), number


def _trusted(origin: tuple[str, str, int]) -> bool:
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        wildcard = "://*." in entry
        trusted = _origin_tuple(entry.replace("://*.", "://", 1))
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if host == trusted[1] or (wildcard and host.endswith("." + trusted[1])):
            return True
    return False


def origin_allowed(scope: dict[str, Any]) -> bool:
    headers = dict(scope.get("headers") or [])
    try:
        origin_header = headers.get(b"origin", b"").decode("latin-1")
        host_header = headers.get(b"host", b"").decode("latin-1")
    except (AttributeError, UnicodeDecodeError):
        return False
    origin = _origin_tuple(origin_header)
    if origin is None:
        return False  # browsers always send one; other clients must send the site's origin
    if _trusted(origin):
        return True
    if not host_header:
        # No Host header (only an in-process test client): the origin's own name must be an
        # allowed host, on the default port of its scheme.
        return (
            validate_host(origin[1], settings.ALLOWED_HOSTS)
            and origin[2] == DEFAULT_PORTS[origin[0]]
        )
    return origin == _request_origin(scope, host_header)


class OriginValidator:
    """ASGI middleware: refuse a WebSocket handshake from another origin (HTTP 403)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
