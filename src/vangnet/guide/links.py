"""Links that staff type into the help directory: only what a visitor can safely follow.

A chat or website link is a full https:// address with a host, or (for the chat) a path on
this site; a phone number is digits and the usual separators (rendered as tel:). Anything
else — javascript:, data:, protocol-relative //host, http://, control characters — is refused
with a form error, and data saved before this check is shown as text, never as a link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{1,28}$")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\<>\"'`]")


def is_https_link(value: str) -> bool:
    if not value or _UNSAFE.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc


def is_site_path(value: str) -> bool:
    """A path on this site: one leading slash (not //host), nothing that breaks out."""
    return (
        value.startswith("/")
        and not value.startswith("//")
        and not _UNSAFE.search(value)
        and not urlsplit(value).scheme
    )


def is_phone(value: str) -> bool:
    return bool(PHONE.match(value))


def safe_chat_link(value: str) -> str:
    """The link to render, or "" for data that does not pass (saved before this check)."""
    return value if is_https_link(value) or is_site_path(value) else ""


def safe_web_link(value: str) -> str:
    return value if is_https_link(value) else ""


def validate_chat_link(value: str) -> None:
    if value and not (is_https_link(value) or is_site_path(value)):
        raise ValidationError(
            _("Enter an address starting with https://, or a path on this site like /chat/."),
            code="unsafe_link",
        )


def validate_web_link(value: str) -> None:
    if value and not is_https_link(value):
        raise ValidationError(
            _("Enter a full address starting with https:// (for example https://www.example.nl/)."),
            code="unsafe_link",
        )


def validate_phone(value: str) -> None:
    if value and not is_phone(value):
        raise ValidationError(
            _("Enter a phone number with digits only (spaces, dashes and a leading + are fine)."),
            code="invalid_phone",
        )
