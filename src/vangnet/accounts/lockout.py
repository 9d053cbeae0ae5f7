"""Lockout without lock-out: guessing stays slow, the real user still gets in.

Failed attempts (a wrong password and a wrong code alike) are counted per *bucket*:

- the user name tried from a browser we do not know, and
- the user name tried from each browser where that user logged in successfully before (it
  carries a signed "known device" cookie for that user name, issued at a correct login).

A bucket that reaches the limit within the window is blocked for the window, doubling with
each block (capped at a day); while blocked, attempts are not even checked. A stranger who
knows a user name can only block the unknown-browser bucket: the counsellor at their usual
workstation logs in with their password and code as always. Nothing about the request is
stored: buckets are hashes of the user name and the cookie's random id. docs/security.md.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.accounts.models import LoginThrottle
from vangnet.core import metrics

DEVICE_COOKIE_PREFIX = "vangnet_device_"
DEVICE_COOKIE_DAYS = 180
_SALT = "vangnet.accounts.known-device"
MAX_BLOCK = timedelta(days=1)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _normal(username: str) -> str:
    return username.strip().casefold()


def device_cookie_name(username: str) -> str:
    return DEVICE_COOKIE_PREFIX + _digest("cookie", _normal(username))[:16]


def known_device(request: HttpRequest, username: str) -> str:
    """The random id of this browser if it is known for this user name, else ""."""
    value = request.COOKIES.get(device_cookie_name(username), "")
    if not value:
        return ""
    try:
        data = signing.loads(value, salt=_SALT, max_age=DEVICE_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("u") != _digest("user", _normal(username)):
        return ""
    device = data.get("d")
    return device if isinstance(device, str) else ""


def remember_device(response: HttpResponse, username: str, device: str) -> None:
    """After a correct login: this browser is known for this user name from now on."""
    value = signing.dumps(
        {"u": _digest("user", _normal(username)), "d": device or secrets.token_urlsafe(16)},
        salt=_SALT,
    )
    response.set_cookie(
        device_cookie_name(username),
        value,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
        path="/staff/",
    )


def _key(username: str, device: str) -> str:
    return _digest("bucket", _normal(username), device or "unknown")


def _window() -> timedelta:
    return timedelta(hours=settings.VANGNET_LOGIN_WINDOW_HOURS)


def is_blocked(username: str, device: str) -> bool:
    row = LoginThrottle.objects.filter(key=_key(username, device)).first()
    return bool(row and row.blocked_until and row.blocked_until > timezone.now())


@transaction.atomic
def record_failure(username: str, device: str) -> None:
    now = timezone.now()
    # Tries for made-up user names must not pile up: forget quiet buckets after two days.
    stale = now - 2 * MAX_BLOCK
    LoginThrottle.objects.filter(window_start__lt=stale).exclude(blocked_until__gt=now).delete()
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        key=_key(username, device), defaults={"window_start": now}
    )
    if now - row.window_start > _window():
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= settings.VANGNET_LOGIN_FAILURE_LIMIT:
        row.times_blocked += 1
        row.blocked_until = now + min(_window() * 2 ** (row.times_blocked - 1), MAX_BLOCK)
        row.failures, row.window_start = 0, now
        metrics.staff_locked_out()
    row.save()


def record_success(username: str, device: str) -> None:
    LoginThrottle.objects.filter(key=_key(username, device)).delete()


def unblock(username: str) -> int:
    """For an administrator (`vangnet unblock-login USER`): clear the unknown-browser bucket."""
    return LoginThrottle.objects.filter(key=_key(username, "")).delete()[0]


def blocked_response(
    request: HttpRequest, form: Any, template: str = "accounts/login.html"
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "locked_out": True,
            "error": _(
                "Too many failed attempts for this user name from this browser. Wait an hour, "
                "log in from the computer you normally use, or ask an administrator."
            ),
        },
        status=429,
    )
