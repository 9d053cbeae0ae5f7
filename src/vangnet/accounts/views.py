from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp import match_token

from vangnet.accounts import lockout, selectors, signals
from vangnet.accounts.changes import announce_access_ended
from vangnet.accounts.decorators import staff_view
from vangnet.accounts.forms import OwnPasswordForm, StaffLoginForm
from vangnet.accounts.models import User
from vangnet.core.access import Action, may
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry

WRONG_CREDENTIALS = gettext_lazy("The user name, password or code is not right. Try again.")
WRONG_CURRENT = gettext_lazy("The current password or the code is not right. Try again.")


def login_view(request: HttpRequest) -> HttpResponse:
    """The one staff login, for the admin too: password and code, throttled (accounts.lockout)."""
    form = StaffLoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        known = lockout.known_device(request, username)
        if lockout.is_blocked(username, known):
            return lockout.blocked_response(request, form)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        device = match_token(user, form.cleaned_data["otp_token"].strip()) if user else None
        if user is None or device is None:
            # A wrong code counts exactly like a wrong password.
            lockout.record_failure(username, known)
            error = str(WRONG_CREDENTIALS)
        else:
            lockout.record_success(username, known)
            auth_login(request, user)  # a new session id (ASVS 7.2.4)
            otp_login(request, device)
            _log_session_event(user, AccessLogEntry.Event.STAFF_LOGIN, "web:accounts:login")
            messages.success(request, _("You are logged in."))
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            response = redirect(next_url or "accounts:home")
            lockout.remember_device(response, username, known)
            return response
    return render(request, "accounts/login.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk if request.user.is_authenticated else None
    if user_id is not None:
        _log_session_event(request.user, AccessLogEntry.Event.STAFF_LOGOUT, "web:accounts:logout")
    logout(request)
    if user_id is not None:
        announce_access_ended(user_id, signals.REASON_LOGOUT)
    response = redirect("accounts:login")
    # Not "cookies": that would also forget that this browser is known (accounts.lockout).
    # The session is flushed above; its cookie and the CSRF cookie are removed here.
    response["Clear-Site-Data"] = '"cache", "storage"'
    response.delete_cookie(settings.SESSION_COOKIE_NAME)
    response.delete_cookie(settings.CSRF_COOKIE_NAME)
    return response


def _log_session_event(user: object, event: str, access_point: str) -> None:
    """Logins and logouts in the access log (ASVS 16.3.1): who and when, never an address."""
    log_access(user=user, event=event, access_point=access_point)


@staff_view(None)
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password, after the current password and a fresh code.

    Other sessions of this user end (Django's session hash); this one stays. The change is in
    the staff-change log and closes the user's open consoles (accounts.changes)."""
    user = cast(User, request.user)  # staff_view let only a verified login through
    form = OwnPasswordForm(user, request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        known = lockout.known_device(request, username)
        if lockout.is_blocked(username, known):
            return lockout.blocked_response(request, form, "accounts/password_change.html")
        current_ok = user.check_password(form.cleaned_data["current_password"])
        device = match_token(user, form.cleaned_data["otp_token"].strip()) if current_ok else None
        if device is None:
            lockout.record_failure(username, known)  # guessing here counts like at the login
            error = str(WRONG_CURRENT)
        else:
            lockout.record_success(username, known)
            user.set_password(form.cleaned_data["new_password"])
            user.save()
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:home")
    return render(request, "accounts/password_change.html", {"form": form, "error": error})


@staff_view(None)
def home(request: HttpRequest) -> HttpResponse:
    links = [
        (action, label, url)
        for action, label, url in selectors.staff_destinations()
        if may(request.user, action)
    ]
    return render(request, "accounts/home.html", {"links": links})


@staff_view(Action.ACCESS_LOG_VIEW)
@require_safe
def access_log(request: HttpRequest) -> HttpResponse:
    filters = selectors.AccessLogFilter.from_query(request.GET)
    entries = selectors.read_access_log(
        reader=request.user,
        role=request.role,  # type: ignore[attr-defined]
        filters=filters,
        request=request,
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page, "filters": filters})


@staff_view(Action.ACCESS_LOG_VIEW)
@require_safe
def role_changes(request: HttpRequest) -> HttpResponse:
    changes = selectors.read_role_changes(
        reader=request.user,
        role=request.role,  # type: ignore[attr-defined]
        request=request,
    )
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/role_changes.html", {"page": page})
