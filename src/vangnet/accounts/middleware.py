"""Log staff out after a period without activity (ASVS 7.3.1)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "vangnet_last_seen"


class InactivityLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.VANGNET_INACTIVITY_TIMEOUT:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect(settings.LOGIN_URL)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
