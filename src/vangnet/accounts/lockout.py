"""django-axes hooks: lock out by user name only, and never record where a request came from."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def no_client_ip(request: HttpRequest) -> None:
    return None


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
