"""Meldcode pages: parse the input, call cases.meldcode, render. No rules here."""

from __future__ import annotations

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
from vangnet.cases import ages, meldcode, selectors
from vangnet.cases import meldcode_forms as forms
from vangnet.cases.meldcode_models import MeldcodeStep, MeldcodeTrack
from vangnet.cases.services import CaseError
from vangnet.core.access import AccessDenied, Action, require
from vangnet.core.audit import access_point_of

REPORT_PERIOD = timedelta(days=90)


def _track_url(track: MeldcodeTrack) -> str:
    return reverse("cases:meldcode_track", args=[track.pk])


@staff_view(Action.MELDCODE_OVERVIEW)
def overview(request: StaffRequest) -> HttpResponse:
    states = meldcode.open_tracks_overview()
    return render(request, "cases/meldcode/overview.html", {"states": states})


@staff_view(Action.MELDCODE)
def case_tracks(request: StaffRequest, reference: str) -> HttpResponse:
    """The case's tracks, and the form to start one."""
    case = selectors.get_case(reference=reference, user=request.user, action=Action.MELDCODE)
    form = forms.StartTrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            track = meldcode.start_track(
                by=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                access_point=access_point_of(request),
            )
        except CaseError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("The meldcode track has started."))
            return redirect(_track_url(track))
    tracks = [meldcode.track_state(t) for t in meldcode.tracks_for_case(case)]
    return render(
        request,
        "cases/meldcode/case_tracks.html",
        {"case": case, "states": tracks, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view(Action.MELDCODE)
@require_POST
def start_for_chat(request: StaffRequest, public_id: Any) -> HttpResponse:
    """A counsellor starts a track in a chat that is not (yet) a case."""
    from vangnet.chat.models import Conversation

    conversation = get_object_or_404(Conversation, public_id=public_id)
    form = forms.StartTrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write down why you start the meldcode track."))
        return redirect(reverse("chat:transcript", args=[public_id]))
    try:
        track = meldcode.start_track(
            by=request.user,
            conversation=conversation,
            reason=form.cleaned_data["reason"],
            access_point=access_point_of(request),
        )
    except CaseError as err:
        messages.error(request, str(err))
        return redirect(reverse("chat:transcript", args=[public_id]))
    return redirect(_track_url(track))


def _step_forms(
    track: MeldcodeTrack, request: StaffRequest, bound: dict[str, Any]
) -> dict[str, Any]:
    from vangnet.accounts.models import User

    colleagues = list(User.objects.filter(is_active=True).exclude(username=request.user.username))
    people = list(track.case.people.filter(involved=True)) if track.case else []
    made: dict[str, django_forms.Form] = {
        "signal": forms.SignalForm(prefix="signal", initial={"observed_on": ages.today()}),
        "step1": forms.StepForm(prefix="step1", initial={"step": 1}),
        "step2": forms.ConsultForm(prefix="step2", initial={"step": 2}, colleagues=colleagues),
        "step3": forms.TalkForm(
            prefix="step3",
            initial={"step": 3},
            people=people,
        ),
        "step4": forms.StepForm(prefix="step4", initial={"step": 4}),
        "answer": forms.AnswerForm(prefix="answer"),
        "decide": forms.DecideForm(
            prefix="decide", initial={"valid_until": ages.today() + REPORT_PERIOD}
        ),
    }
    made.update(bound)
    return made


def _track_page(
    request: StaffRequest,
    track: MeldcodeTrack,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    state = meldcode.read_track(
        track=track, user=request.user, access_point=access_point_of(request)
    )
    context = {
        "state": state,
        "track": track,
        "weighing": meldcode.weighing(track),
        "signals": list(track.signals.select_related("by")),
        "answers": list(track.answers.select_related("by")),
        "forms": _step_forms(track, request, bound or {}),
        "steps": MeldcodeStep,
    }
    return render(request, "cases/meldcode/track.html", context, status=status)


@staff_view(Action.MELDCODE)
def track(request: StaffRequest, track_id: int) -> HttpResponse:
    item = get_object_or_404(
        MeldcodeTrack.objects.select_related("case", "conversation", "started_by"), pk=track_id
    )
    require(request.user, Action.MELDCODE, item)
    if request.method != "POST":
        return _track_page(request, item)
    name = request.POST.get("form", "")
    built = _step_forms(item, request, {})
    if name not in built:
        messages.error(request, _("Not saved: unknown form."))
        return _track_page(request, item, status=400)
    form = type(built[name])(request.POST, prefix=name, **_extra(built[name]))
    if not form.is_valid():
        messages.error(request, _("Not saved: check the fields marked below."))
        return _track_page(request, item, {name: form}, status=400)
    try:
        _apply(request, item, name, form.cleaned_data)
    except (CaseError, AccessDenied) as err:
        form.add_error(None, str(err))
        messages.error(request, str(err))
        item.refresh_from_db()
        return _track_page(request, item, {name: form}, status=400)
    messages.success(request, _("Saved."))
    return redirect(_track_url(item))


def _extra(form: django_forms.Form) -> dict[str, Any]:
    """The querysets a form was built with, to build the bound one the same way."""
    if isinstance(form, forms.ConsultForm):
        return {"colleagues": list(form.colleagues.values())}
    if isinstance(form, forms.TalkForm):
        return {"people": list(form.people.values())}
    return {}


def _apply(request: StaffRequest, item: MeldcodeTrack, name: str, d: dict[str, Any]) -> None:
    ap = access_point_of(request)
    user = request.user
    if name == "signal":
        meldcode.add_signal(
            track=item,
            by=user,
            observed_on=d["observed_on"],
            source=d["source"],
            description=d["description"],
            link_kind=d["link_kind"] or "",
            link_id=d["link_id"],
            access_point=ap,
        )
    elif name == "answer":
        meldcode.answer_question(
            track=item,
            question=d["question"],
            answer=d["answer"],
            reasoning=d["reasoning"],
            by=user,
            access_point=ap,
        )
    elif name == "decide":
        report = None
        if d["organisation"] is not None:
            report = meldcode.Report(
                organisation=d["organisation"],
                sections=d["sections"],
                purpose=d["purpose"],
                valid_until=d["valid_until"] or ages.today() + REPORT_PERIOD,
            )
        meldcode.decide(
            track=item, by=user, outcome=d["outcome"], why=d["why"], report=report, access_point=ap
        )
    else:
        meldcode.complete_step(
            track=item,
            step=d["step"],
            by=user,
            why=d["why"],
            colleague=d.get("colleague"),
            veilig_thuis_advice=bool(d.get("veilig_thuis_advice")),
            talked=d.get("talked"),
            talked_with=list(d.get("talked_with") or []),
            access_point=ap,
        )
