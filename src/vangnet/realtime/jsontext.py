"""JSON text for frames and events, from encoders made once.

`json.dumps` makes a new encoder on every call (and a new `JSONEncoder` as well when given an
option such as `separators`): on the chat's hot path, three times a message, a measurable
share of its cost (docs/benchmarks.md, "Chat"). These give the same text as `json.dumps(obj)`
and `json.dumps(obj, separators=(",", ":"))`, without checking for circular references (what
they encode is made of plain dicts, lists, strings and numbers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _refuse(obj: Any) -> Any:
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C speedups in this Python: the standard library's own way
        return json.JSONEncoder(separators=(item_separator, key_separator)).encode
    chunks = make(
        None,  # markers: no check for circular references
        _refuse,
        json.encoder.encode_basestring_ascii,
        None,  # indent
        key_separator,
        item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as json.dumps
    )

    def encode(obj: Any) -> str:
        return "".join(chunks(obj, 0))

    return encode


dumps = _encoder(", ", ": ")
"""`json.dumps(obj)`."""

compact = _encoder(",", ":")
"""`json.dumps(obj, separators=(",", ":"))`."""
