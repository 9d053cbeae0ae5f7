"""Pages for the client's rights: their copy, and erasure on request. No rules here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.cases import rights, selectors
from vangnet.cases.forms import TEXT
from vangnet.cases.services import CaseError
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of, log_access
from vangnet.core.models import AccessLogEntry
from vangnet.retention import holds
from vangnet.retention.models import ErasureRequest, LegalHold


class RequestForm(forms.Form):
    request = forms.CharField(
        label=gettext_lazy("The client's request, as they made it"), widget=TEXT
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve and erase now")),
            ("refuse", gettext_lazy("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    no_other_interest = forms.BooleanField(
        label=gettext_lazy(
            "Keeping the record is of no significant interest to someone else (WGBO art. 7:455)"
        ),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required for a refusal; the client is told)"),
        widget=TEXT,
        required=False,
    )


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=LegalHold.Kind.choices)
    reason = forms.CharField(label=gettext_lazy("Why the record must be kept"), widget=TEXT)


@staff_view(Action.CASE_WORK)
@require_POST
def legal_hold(request: StaffRequest, reference: str) -> HttpResponse:
    """Set a legal hold, or release one (`release` = its number)."""
    case = selectors.get_case(reference=reference, user=request.user)
    back = reverse("cases:client_rights", args=[case.reference]) + "#holds"
    try:
        if request.POST.get("release"):
            hold = get_object_or_404(LegalHold, pk=request.POST["release"], case=case)
            holds.release_hold(hold=hold, by=request.user, access_point=access_point_of(request))
        else:
            form = HoldForm(request.POST)
            if not form.is_valid():
                raise holds.HoldError(_("Not saved: choose the kind and write down why."))
            holds.set_hold(
                case=case,
                by=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                access_point=access_point_of(request),
            )
    except (holds.HoldError, ValueError) as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Saved."))
    return redirect(back)


@staff_view(Action.CLIENT_RIGHTS)
def client_rights(request: StaffRequest, reference: str) -> HttpResponse:
    case = selectors.get_case(reference=reference, user=request.user, action=Action.CLIENT_RIGHTS)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and "kind" in request.POST:
        try:
            made = rights.export_for_client(
                case=case,
                by=request.user,
                kind=request.POST["kind"],
                access_point=access_point_of(request),
            )
        except CaseError as err:
            messages.error(request, str(err))
            status = 400
        else:
            response = HttpResponse(made.body, content_type=made.content_type)
            response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
            return response
        form = RequestForm()
    elif request.method == "POST":
        if form.is_valid():
            try:
                rights.register_erasure_request(
                    case=case,
                    by=request.user,
                    request=form.cleaned_data["request"],
                    access_point=access_point_of(request),
                )
            except CaseError as err:
                form.add_error(None, str(err))
            else:
                messages.success(
                    request, _("The request is registered; a supervisor decides on it.")
                )
                return redirect(reverse("cases:client_rights", args=[case.reference]))
        status = 400
    context = {
        "case": case,
        "form": form,
        "requests": list(case.erasure_requests.all()),
        "exceptions": rights.erasure_exceptions(case),
        "holds": list(LegalHold.objects.filter(case=case).select_related("set_by")),
        "hold_form": HoldForm(),
    }
    return render(request, "cases/rights/client_rights.html", context, status=status)


@staff_view(Action.ERASURE_APPROVE)
def erasure_requests(request: StaffRequest) -> HttpResponse:
    pending = rights.pending_requests()
    for item in pending:  # the supervisor reads the request: a look at the client's record
        log_access(
            user=request.user,
            event=AccessLogEntry.Event.CASE_OPEN,
            role=str(request.role),
            access_point=access_point_of(request),
            record_type="erasure_request",
            record_id=item.pk,
            client_ref=item.case.reference,
        )
    rows = [(item, rights.erasure_exceptions(item.case), DecisionForm()) for item in pending]
    return render(request, "cases/rights/erasure_requests.html", {"rows": rows})


@staff_view(Action.ERASURE_APPROVE)
@require_POST
def decide_erasure(request: StaffRequest, request_id: int) -> HttpResponse:
    item = get_object_or_404(ErasureRequest.objects.select_related("case"), pk=request_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved: choose approve or refuse."))
        return redirect(reverse("cases:erasure_requests"))
    try:
        decision = rights.decide_erasure_request(
            request=item,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
            no_other_interest=form.cleaned_data["no_other_interest"],
            access_point=access_point_of(request),
        )
    except CaseError as err:
        messages.error(request, str(err))
        return redirect(reverse("cases:erasure_requests"))
    # The text for the client is shown once, to pass on; it is not stored.
    return render(request, "cases/rights/decided.html", {"decision": decision})
