"""No client address in any log line: a filter on every handler, at every level.

The ASGI server names the peer of each connection in its own messages (for example
`127.0.0.1:53982 - "WebSocket /ws/chat/" [accepted]`, and at TRACE every connection made and
lost). Served without a proxy that is the visitor's real address. The filter rewrites every
IPv4/IPv6 address in a record (with or without port) before any handler writes it; only the
server's own "running on" line at start-up keeps its listening address.
"""

from __future__ import annotations

import logging
import re

REMOVED = "[address removed]"
# IPv4, also as an IPv4-mapped IPv6 address ("[::ffff:203.0.113.7]:443").
_IPV4 = r"(?:\[?::ffff:)?(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}\]?(?::\d{1,5})?(?![\w.])"
_H = "[0-9a-fA-F]{1,4}"
# Full form, or compressed with "::" (so that a time like 12:30:45 is left alone).
_IPV6_BODY = f"(?:(?:{_H}:){{7}}{_H}|(?:{_H}:){{0,6}}(?:{_H})?::(?:{_H}:){{0,6}}(?:{_H})?)"
_IPV6 = rf"(?:\[{_IPV6_BODY}\](?::\d{{1,5}})?|(?<![\w:]){_IPV6_BODY}(?![\w:]))"
ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")
_KEEP = ("Uvicorn running on", "Started server process", "Finished server process")


def redact(text: str) -> str:
    return ADDRESS.sub(REMOVED, text)


class NoClientAddress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(_KEEP):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # Uvicorn's own formatters read these extras.
        for name in ("client_addr", "request_line"):
            if isinstance(getattr(record, name, None), str):
                setattr(record, name, redact(getattr(record, name)))
        return True


def uvicorn_log_config() -> dict[str, object]:
    """Uvicorn's default logging, with the filter on each of its handlers."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"no_address": {"()": "vangnet.core.logfilter.NoClientAddress"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["no_address"]
    return config
