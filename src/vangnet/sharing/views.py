"""The partner's pages: parse the input, call one service or selector, render. No rules here."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of
from vangnet.sharing import forms, selectors, services


@staff_view(Action.PARTNER_SHARES)
def partner_inbox(request: StaffRequest) -> HttpResponse:
    shares = selectors.partner_inbox(user=request.user)
    return render(request, "sharing/partner_inbox.html", {"shares": shares})


@staff_view(Action.PARTNER_SHARES)
def partner_share(request: StaffRequest, share_id: int) -> HttpResponse:
    user = request.user
    form = forms.RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        share = selectors.shares_for_partner(share_id=share_id, user=user)
        services.respond_to_share(
            share=share,
            by=user,
            text=form.cleaned_data["text"],
            access_point=access_point_of(request),
        )
        messages.success(request, _("Thank you. The case worker sees your response."))
        return redirect("sharing:partner_share", share_id=share_id)
    record = selectors.read_share(
        share_id=share_id,
        user=user,
        role=str(request.role),
        access_point=access_point_of(request),
    )
    return render(
        request,
        "sharing/partner_share.html",
        {"record": record, "share": record.share, "data": record.data, "form": form},
    )
