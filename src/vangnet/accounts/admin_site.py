"""The admin behind the same door as every staff page, and written down like every look.

- No login form of its own: /admin/login/ sends to the staff login (same second factor, same
  throttle), and logging out is the staff logout.
- Who may enter is the one policy's question (verified staff whose roles allow managing staff
  or editing the guide), not Django's `is_staff` flag.
- Every admin page that shows records writes an access-log entry before it is rendered.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from vangnet.core.access import Action, granting_role, is_verified_staff, may
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry

ADMIN_ACTIONS = (Action.STAFF_MANAGE, Action.GUIDE_EDIT)
# Admin URL names ending like this show records (a list, one record, its history).
RECORD_PAGES = ("_changelist", "_change", "_history", "_delete")


class VangnetAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return is_verified_staff(user) and any(may(user, a) for a in ADMIN_ACTIONS)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url)

    def logout(self, request: HttpRequest, extra_context: Any = None) -> Any:
        from vangnet.accounts.views import logout_view

        return logout_view(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def logged(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if self.has_permission(request):
                _log_record_page(request, kwargs)
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        logged.__dict__.update(inner.__dict__)
        return logged


def _log_record_page(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    match = request.resolver_match
    name = match.url_name if match else ""
    if not name or not name.endswith(RECORD_PAGES):
        return
    model = name.rsplit("_", 1)[0]
    role = next(
        (r for r in (granting_role(request.user, a) for a in ADMIN_ACTIONS) if r is not None), ""
    )
    log_access(
        user=request.user,
        event=AccessLogEntry.Event.ADMIN_READ,
        role=role,
        access_point=f"admin:{name}",
        record_type=model[:40],
        record_id=kwargs.get("object_id", ""),
        detail=f"{request.method} {request.GET.urlencode()}"[:300],
    )
