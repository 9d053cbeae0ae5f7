"""Case pages: parse the input, call one service or selector, render. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.cases import ages, forms, selectors, services
from vangnet.cases.models import Case, Goal, Person, TransitionTask
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of
from vangnet.sharing.models import Share

Forms = dict[str, django_forms.Form]
SHARE_PERIOD = timedelta(days=90)  # the proposed end date of a new share; the worker may change it


def _role(request: StaffRequest) -> str:
    return str(request.role)


def _case_forms(case: Case, bound: Forms) -> Forms:
    version = {"version": case.version}
    people = list(case.people.all())
    made: Forms = {
        "edit": forms.CaseEditForm(
            prefix="edit",
            initial={
                **version,
                "summary": case.summary,
                "contact_details": case.contact_details,
                "risk_level": case.risk_level,
            },
        ),
        "close": forms.CloseForm(prefix="close", initial=version),
        "person": forms.PersonForm(prefix="person", partners=selectors.partner_users()),
        "phase": forms.PhaseForm(prefix="phase", initial={**version, "started_on": ages.today()}),
        "caregiver": forms.CaregiverForm(
            prefix="caregiver", initial=version, workers=selectors.case_workers()
        ),
        "goal": forms.GoalForm(prefix="goal"),
        "note": forms.NoteForm(prefix="note", initial={"happened_on": ages.today()}),
        "threat": forms.ThreatForm(prefix="threat"),
        "safety": forms.SafetyForm(prefix="safety", initial={"agreed_on": ages.today()}),
        "emergency": forms.EmergencyContactForm(prefix="emergency", people=people),
    }
    made.update(bound)
    return made


def _case_page(
    request: StaffRequest, case: Case, bound: Forms | None = None, status: int = 200
) -> HttpResponse:
    overview = selectors.open_case_record(
        case=case, user=request.user, role=_role(request), access_point=access_point_of(request)
    )
    context = {
        "o": overview,
        "case": case,
        "open": case.status == Case.Status.OPEN,
        "goal_statuses": Goal.Status.choices,
        "forms": _case_forms(case, bound or {}),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _case_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:case_detail", args=[case.reference])
    return f"{url}#{anchor}" if anchor else url


def _handle(
    request: StaffRequest,
    reference: str,
    name: str,
    form: django_forms.Form,
    call: Callable[[Case, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Run one case change from the case page; on a refusal show the page with the reason."""
    case = selectors.get_case(reference=reference, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Not saved: check the fields marked below."))
        return _case_page(request, case, {name: form}, status=400)
    try:
        call(case, form.cleaned_data)
    except services.CaseError as err:
        form.add_error(None, str(err))
        messages.error(request, str(err))
        case.refresh_from_db()
        return _case_page(
            request,
            case,
            {name: form},
            status=409 if isinstance(err, services.ConflictError) else 400,
        )
    messages.success(request, success)
    return redirect(_case_url(case, name))


# --- caseload, search before create -------------------------------------------------------


@staff_view(Action.CASE_WORK)
def caseload(request: StaffRequest) -> HttpResponse:
    everyone = request.GET.get("all") == "1"
    # A typed name travels in the body, never in the URL (logs, history, Referer: ASVS 14.2.1).
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    rows = selectors.caseload(user=request.user, everyone=everyone, query=query)
    consents = selectors.pending_chat_consents().count()
    return render(
        request,
        "cases/caseload.html",
        {"rows": rows, "everyone": everyone, "query": query, "consents": consents},
    )


@staff_view(Action.CASE_WORK)
def new_case(request: StaffRequest) -> HttpResponse:
    """Search first; the create form appears with the search results.

    Both steps are POSTs, so the name and date of birth never stand in a URL (ASVS 14.2.1)."""
    searching = request.POST.get("step") == "search"
    search = forms.CaseSearchForm(request.POST if request.method == "POST" else None)
    matches: list[Case] | None = None
    create = None
    if search.is_valid():
        matches = selectors.possible_duplicates(
            name=search.cleaned_data["name"],
            date_of_birth=search.cleaned_data["date_of_birth"],
            user=request.user,
        )
        create = forms.NewCaseForm(None if searching else request.POST, initial=search.cleaned_data)
    if not searching and create is not None and create.is_valid():
        d = create.cleaned_data
        try:
            case = services.open_case(
                by=request.user,
                name=d["name"],
                date_of_birth=d["date_of_birth"],
                contact_details=d["contact_details"],
                summary=d["summary"],
                access_point=access_point_of(request),
            )
        except services.CaseError as err:
            create.add_error(None, str(err))
        else:
            messages.success(request, _("The case is open."))
            return redirect(_case_url(case))
    return render(
        request, "cases/new_case.html", {"search": search, "matches": matches, "create": create}
    )


@staff_view(Action.CASE_WORK)
def chat_consents(request: StaffRequest) -> HttpResponse:
    return render(
        request, "cases/chat_consents.html", {"consents": selectors.pending_chat_consents()}
    )


@staff_view(Action.CASE_WORK)
def open_from_chat(request: StaffRequest, consent_id: int) -> HttpResponse:
    consent = selectors.get_pending_consent(consent_id=consent_id)
    form = forms.ChatCaseForm(request.POST or None)
    matches = None
    if form.is_valid():
        d = form.cleaned_data
        matches = selectors.possible_duplicates(
            name=d["name"], date_of_birth=d["date_of_birth"], user=request.user
        )
        if matches and request.POST.get("confirm") != "1":
            return render(
                request,
                "cases/open_from_chat.html",
                {"consent": consent, "form": form, "matches": matches},
            )
        try:
            case = services.open_case_from_chat(
                consent=consent,
                by=request.user,
                name=d["name"],
                date_of_birth=d["date_of_birth"],
                summary=d["summary"],
                access_point=access_point_of(request),
            )
        except services.CaseError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("The case is open, with the visitor's consent."))
            return redirect(_case_url(case))
    return render(
        request, "cases/open_from_chat.html", {"consent": consent, "form": form, "matches": matches}
    )


# --- the case page and its changes --------------------------------------------------------


@staff_view(Action.CASE_WORK)
def case_detail(request: StaffRequest, reference: str) -> HttpResponse:
    return _case_page(request, selectors.get_case(reference=reference, user=request.user))


@staff_view(Action.CASE_WORK)
def timeline(request: StaffRequest, reference: str) -> HttpResponse:
    case = selectors.get_case(reference=reference, user=request.user)
    chosen = {k for k in request.GET.getlist("kind") if k in selectors.TIMELINE_KINDS}
    entries = selectors.case_timeline(
        case=case,
        user=request.user,
        role=_role(request),
        access_point=access_point_of(request),
        kinds=chosen or None,
    )
    return render(
        request,
        "cases/timeline.html",
        {
            "case": case,
            "entries": entries,
            "kinds": selectors.TIMELINE_KINDS,
            "chosen": chosen,
        },
    )


@staff_view(Action.CASE_WORK)
@require_POST
def edit_case(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.update_case(
            case=case,
            by=request.user,
            expected_version=d["version"],
            summary=d["summary"],
            contact_details=d["contact_details"],
            risk_level=d["risk_level"],
            access_point=access_point_of(request),
        )

    return _handle(
        request,
        reference,
        "edit",
        forms.CaseEditForm(request.POST, prefix="edit"),
        call,
        _("The case is saved."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def close_case(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.close_case(
            case=case,
            by=request.user,
            reason=d["reason"],
            expected_version=d["version"],
            access_point=access_point_of(request),
        )

    return _handle(
        request,
        reference,
        "close",
        forms.CloseForm(request.POST, prefix="close"),
        call,
        _("The case is closed."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_person(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.add_person(
            case=case, by=request.user, access_point=access_point_of(request), **d
        )

    return _handle(
        request,
        reference,
        "person",
        forms.PersonForm(request.POST, prefix="person", partners=selectors.partner_users()),
        call,
        _("The person is added."),
    )


def _person(case: Case, person_id: int) -> Person:
    return get_object_or_404(Person, pk=person_id, case=case)


@staff_view(Action.CASE_WORK)
@require_POST
def person_flag(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        person = services.set_perpetrator_flag(
            person=_person(case, person_id),
            by=request.user,
            flagged=d["flagged"],
            reason=d["reason"],
            access_point=access_point_of(request),
        )
        removed = getattr(person, "removed_by_flag", [])
        if removed:
            messages.warning(
                request, _("Removed because of the flag: %(list)s.") % {"list": "; ".join(removed)}
            )
        return person

    return _handle(
        request,
        reference,
        "people",
        forms.FlagForm(request.POST),
        call,
        _("The perpetrator flag is changed."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def inform_person(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.inform_person(
            person=_person(case, person_id),
            by=request.user,
            text=d["text"],
            kind=d["kind"],
            access_point=access_point_of(request),
        )

    return _handle(
        request,
        reference,
        "people",
        forms.InformForm(request.POST),
        call,
        _("Recorded what this person was told."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def parent_case(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    case = selectors.get_case(reference=reference, user=request.user)
    form = forms.ParentCaseForm(request.POST)
    if form.is_valid():
        try:
            own = services.open_parent_case(
                child_case=case,
                person=_person(case, person_id),
                by=request.user,
                date_of_birth=form.cleaned_data["date_of_birth"],
                summary=form.cleaned_data["summary"],
                access_point=access_point_of(request),
            )
        except services.CaseError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("The parent has a case of their own now."))
            return redirect(_case_url(own))
    else:
        messages.error(request, _("Fill in the parent's date of birth (not in the future)."))
    return redirect(_case_url(case, "people"))


@staff_view(Action.CASE_WORK)
@require_POST
def change_phase(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.change_phase(
            case=case,
            by=request.user,
            phase=d["phase"],
            started_on=d["started_on"],
            note=d["note"],
            expected_version=d["version"],
            access_point=access_point_of(request),
        )

    return _handle(
        request,
        reference,
        "phase",
        forms.PhaseForm(request.POST, prefix="phase"),
        call,
        _("The phase is changed."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def change_caregiver(request: StaffRequest, reference: str) -> HttpResponse:
    form = forms.CaregiverForm(request.POST, prefix="caregiver", workers=selectors.case_workers())

    def call(case: Case, d: dict[str, Any]) -> object:
        return services.change_caregiver(
            case=case,
            by=request.user,
            caregiver=form.workers[d["caregiver"]],
            reason=d["reason"],
            expected_version=d["version"],
            access_point=access_point_of(request),
        )

    return _handle(
        request, reference, "caregiver", form, call, _("The fixed caregiver is changed.")
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_goal(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.add_goal(
            case=case, by=request.user, text=d["text"], access_point=access_point_of(request)
        )

    return _handle(
        request,
        reference,
        "goal",
        forms.GoalForm(request.POST, prefix="goal"),
        call,
        _("The goal is added."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def goal_status(request: StaffRequest, reference: str, goal_id: int) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        goal = get_object_or_404(Goal, pk=goal_id, case=case)
        return services.set_goal_status(
            goal=goal, by=request.user, status=d["status"], access_point=access_point_of(request)
        )

    return _handle(
        request,
        reference,
        "goal_status",
        forms.GoalStatusForm(request.POST),
        call,
        _("The goal is updated."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_note(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.add_note(
            case=case,
            by=request.user,
            kind=d["kind"],
            text=d["text"],
            happened_on=d["happened_on"],
            access_point=access_point_of(request),
        )

    return _handle(
        request,
        reference,
        "note",
        forms.NoteForm(request.POST, prefix="note"),
        call,
        _("The note is saved."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def complete_task(request: StaffRequest, reference: str, task_id: int) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        task = get_object_or_404(TransitionTask, pk=task_id, case=case)
        return services.complete_transition_task(
            task=task, by=request.user, note=d["note"], access_point=access_point_of(request)
        )

    return _handle(
        request,
        reference,
        "transition",
        forms.TaskForm(request.POST),
        call,
        _("The transition task is done."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_threat(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.record_threat(
            case=case, by=request.user, access_point=access_point_of(request), **d
        )

    return _handle(
        request,
        reference,
        "threat",
        forms.ThreatForm(request.POST, prefix="threat"),
        call,
        _("The threat is recorded."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_safety_measure(request: StaffRequest, reference: str) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        return services.add_safety_measure(
            case=case, by=request.user, access_point=access_point_of(request), **d
        )

    return _handle(
        request,
        reference,
        "safety",
        forms.SafetyForm(request.POST, prefix="safety"),
        call,
        _("The safety measure is recorded."),
    )


@staff_view(Action.CASE_WORK)
@require_POST
def add_emergency_contact(request: StaffRequest, reference: str) -> HttpResponse:
    case = selectors.get_case(reference=reference, user=request.user)
    form = forms.EmergencyContactForm(
        request.POST, prefix="emergency", people=list(case.people.all())
    )

    def call(case: Case, d: dict[str, Any]) -> object:
        return services.add_emergency_contact(
            case=case,
            by=request.user,
            name=d["name"],
            phone=d["phone"],
            person=form.people.get(d["person"]),
            access_point=access_point_of(request),
        )

    return _handle(
        request, reference, "emergency", form, call, _("The emergency contact is added.")
    )


# --- sharing -------------------------------------------------------------------------------


@staff_view(Action.CASE_SHARE)
def share_case(request: StaffRequest, reference: str) -> HttpResponse:
    case = selectors.get_case(reference=reference, user=request.user, action=Action.CASE_SHARE)
    form = forms.ShareForm(
        request.POST or None, case=case, initial={"valid_until": ages.today() + SHARE_PERIOD}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.share_with_partner(
                case=case,
                by=request.user,
                organisation=d["organisation"],
                sections=d["sections"],
                purpose=d["purpose"],
                basis=d["basis"],
                basis_detail=d["basis_detail"],
                valid_until=d["valid_until"],
                client_consents=d["client_consents"],
                consenting_parents=[form.parents[k] for k in d["consenting_parents"]],
                access_point=access_point_of(request),
            )
        except services.CaseError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Shared. The partner sees only the parts you chose."))
            return redirect(_case_url(case, "shares"))
    return render(
        request,
        "cases/share_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view(Action.CASE_SHARE)
@require_POST
def revoke_share(request: StaffRequest, reference: str, share_id: int) -> HttpResponse:
    def call(case: Case, d: dict[str, Any]) -> object:
        share = get_object_or_404(Share, pk=share_id, case=case)
        return services.revoke_share(
            share=share, by=request.user, reason=d["reason"], access_point=access_point_of(request)
        )

    return _handle(
        request,
        reference,
        "shares",
        forms.ReasonForm(request.POST),
        call,
        _("The share is revoked; the partner can no longer see it."),
    )


# --- the noodprocedure -------------------------------------------------------------------


@staff_view(Action.CASE_EMERGENCY)
def emergency_access(request: StaffRequest, reference: str) -> HttpResponse:
    case = selectors.get_case_for_emergency(reference=reference)
    form = forms.EmergencyReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.open_by_emergency(
                case=case,
                by=request.user,
                reason=form.cleaned_data["reason"],
                access_point=access_point_of(request),
            )
        except services.CaseError as err:
            form.add_error("reason", str(err))
        else:
            messages.warning(
                request,
                _(
                    "You opened this case through the emergency procedure. Everything you do "
                    "in it is marked as such in the access log and reviewed."
                ),
            )
            return redirect(_case_url(case))
    return render(
        request,
        "cases/emergency_access.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view(Action.CASE_EMERGENCY_REVIEW)
def emergency_review(request: StaffRequest) -> HttpResponse:
    grants = selectors.emergency_accesses(
        user=request.user, role=_role(request), access_point=access_point_of(request)
    )
    return render(request, "cases/emergency_review.html", {"grants": grants})


# --- the client's access report -----------------------------------------------------------


@staff_view(Action.CLIENT_ACCESS_REPORT)
def client_access_report(request: StaffRequest) -> HttpResponse:
    form = forms.ReportForm(request.GET or None)
    entries = None
    if form.is_valid():
        entries = selectors.client_access_report(
            reference=form.cleaned_data["reference"],
            user=request.user,
            role=_role(request),
            access_point=access_point_of(request),
        )
    return render(request, "cases/access_report.html", {"form": form, "entries": entries})
