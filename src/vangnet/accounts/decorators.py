"""The one door for staff views: logged in, second factor verified, allowed by the policy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from vangnet.core.access import AccessDenied, Action, require
from vangnet.core.access import is_verified_staff as _is_verified_user
from vangnet.core.audit import access_point_of, log_access
from vangnet.core.models import AccessLogEntry

if TYPE_CHECKING:
    from vangnet.accounts.models import User

View = Callable[..., HttpResponse]


class StaffRequest(HttpRequest):
    """The request a `staff_view` hands to its view: a verified staff member, and the role
    that allowed the action (for the access log). For type checking only: views annotate
    their request with it; at run time it is Django's own request."""

    user: User
    role: str


def is_verified_staff(request: HttpRequest) -> bool:
    """The request's user is staff with a verified second factor (core.access decides)."""
    return _is_verified_user(request.user)


def _log_refusal(request: HttpRequest, action: Action | None, kwargs: dict[str, Any]) -> None:
    """A verified staff member refused by the policy: a curious colleague shows up here."""
    log_access(
        user=request.user,
        event=AccessLogEntry.Event.ACCESS_DENIED,
        access_point=access_point_of(request),
        record_id=next(iter(kwargs.values()), "") if kwargs else "",
        detail=f"action={action}" if action else "",
    )


def staff_view(action: Action | None) -> Callable[[View], View]:
    """Guard a view; `request.role` is the role that allowed it (for the access log).

    `action=None` only requires a verified staff login (the staff home page, logout).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_verified_staff(request):
                return redirect_to_login(request.get_full_path())
            if action is not None:
                try:
                    request.role = require(request.user, action)  # type: ignore[attr-defined]
                except AccessDenied as err:
                    _log_refusal(request, action, kwargs)
                    raise PermissionDenied(str(err)) from None
            try:
                return view(request, *args, **kwargs)
            except AccessDenied as err:  # an object-level "no" from a service
                if err.alternative:  # e.g. the noodprocedure for a case not in one's care
                    messages.warning(request, str(err))
                    return redirect(err.alternative)
                _log_refusal(request, action, kwargs)
                raise PermissionDenied(str(err)) from None

        guarded.staff_action = action  # type: ignore[attr-defined]
        return guarded

    return decorate
