"""Staff pages in the language the staff member chose.

Public pages carry their language in the address (/en/…), and Django's LocaleMiddleware then
gives every address without a prefix the default language, Dutch. Staff pages (/staff/, /admin/)
have no prefix: for them the language switch's choice (a session cookie set by `set_language`)
must count, or an English-speaking partner never sees English.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

STAFF_PREFIXES = ("/staff/", "/admin/")


class StaffAwareLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(STAFF_PREFIXES):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if chosen in dict(settings.LANGUAGES):
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
                return
        super().process_request(request)
