from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, logout, user_login_failed
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

from vangnet.accounts import selectors
from vangnet.accounts.decorators import staff_view
from vangnet.accounts.forms import StaffLoginForm
from vangnet.core.access import Action, may

WRONG_CREDENTIALS = gettext_lazy("The user name, password or code is not right. Try again.")


def login_view(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            from vangnet.accounts.lockout import locked_out_response

            return locked_out_response(request)
        device = match_token(user, form.cleaned_data["otp_token"].strip()) if user else None
        if user is None or device is None:
            if user is not None:
                # A right password with a wrong code counts as a failed attempt too.
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=request
                )
            error = str(WRONG_CREDENTIALS)
        else:
            auth_login(request, user)  # a new session id (ASVS 7.2.4)
            otp_login(request, device)
            messages.success(request, _("You are logged in."))
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or "accounts:home")
    return render(request, "accounts/login.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


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
