"""django-axes hooks: lock out by user name only, and never record where a request came from."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def no_client_ip(request: HttpRequest) -> None:
    return None


def _forget_device(request: Any) -> None:
    # Axes copies the user agent into its records unconditionally; blank it before every write.
    if request is not None:
        request.axes_user_agent = ""
        request.axes_ip_address = None


class NoDeviceDataHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler, minus the visitor's IP address and user agent."""

    def is_allowed(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        _forget_device(request)
        return bool(super().is_allowed(request, credentials))

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        _forget_device(request)
        return int(super().get_failures(request, credentials))

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        _forget_device(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _forget_device(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _forget_device(request)
        super().user_logged_out(sender, request, user, **kwargs)


def locked_out_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
        {
            "locked_out": True,
            "error": _(
                "Too many failed attempts for this user name. The account is locked for a "
                "while; ask an administrator if you need access sooner."
            ),
        },
        status=403,
    )
