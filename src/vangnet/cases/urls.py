from collections.abc import Callable
from typing import cast

from django.http import HttpResponse
from django.urls import URLPattern, path
from django.views.generic import RedirectView

from vangnet.accounts.decorators import staff_view
from vangnet.cases import meldcode_views, rights_views, views
from vangnet.core.access import Action


def moved_to(name: str) -> Callable[..., HttpResponse]:
    """An old address of a partner page: guarded like the page, then sent on for good."""
    redirect = RedirectView.as_view(pattern_name=name, permanent=True)
    return staff_view(Action.PARTNER_SHARES)(cast(Callable[..., HttpResponse], redirect))


app_name = "cases"
CASE = "<str:reference>/"
urlpatterns: list[URLPattern] = [
    path("", views.caseload, name="caseload"),
    path("new/", views.new_case, name="new_case"),
    path("from-chat/", views.chat_consents, name="chat_consents"),
    path("from-chat/<int:consent_id>/", views.open_from_chat, name="open_from_chat"),
    # The partner's pages moved to the sharing app (/staff/partner/); old links still arrive.
    path("partner/", moved_to("sharing:partner_inbox")),
    path("partner/<int:share_id>/", moved_to("sharing:partner_share")),
    path("access-report/", views.client_access_report, name="client_access_report"),
    path("emergency-review/", views.emergency_review, name="emergency_review"),
    path("meldcode/", meldcode_views.overview, name="meldcode_overview"),
    path("meldcode/<int:track_id>/", meldcode_views.track, name="meldcode_track"),
    path(
        "meldcode/chat/<uuid:public_id>/", meldcode_views.start_for_chat, name="meldcode_chat_start"
    ),
    path("erasure-requests/", rights_views.erasure_requests, name="erasure_requests"),
    path("erasure-requests/<int:request_id>/", rights_views.decide_erasure, name="decide_erasure"),
    path(CASE, views.case_detail, name="case_detail"),
    path(CASE + "emergency/", views.emergency_access, name="emergency_access"),
    path(CASE + "rights/", rights_views.client_rights, name="client_rights"),
    path(CASE + "legal-hold/", rights_views.legal_hold, name="legal_hold"),
    path(CASE + "meldcode/", meldcode_views.case_tracks, name="meldcode_case"),
    path(CASE + "timeline/", views.timeline, name="timeline"),
    path(CASE + "edit/", views.edit_case, name="edit_case"),
    path(CASE + "close/", views.close_case, name="close_case"),
    path(CASE + "people/", views.add_person, name="add_person"),
    path(CASE + "people/<int:person_id>/flag/", views.person_flag, name="person_flag"),
    path(CASE + "people/<int:person_id>/inform/", views.inform_person, name="inform_person"),
    path(CASE + "people/<int:person_id>/own-case/", views.parent_case, name="parent_case"),
    path(CASE + "phase/", views.change_phase, name="change_phase"),
    path(CASE + "caregiver/", views.change_caregiver, name="change_caregiver"),
    path(CASE + "goals/", views.add_goal, name="add_goal"),
    path(CASE + "goals/<int:goal_id>/", views.goal_status, name="goal_status"),
    path(CASE + "notes/", views.add_note, name="add_note"),
    path(CASE + "transition/<int:task_id>/", views.complete_task, name="complete_task"),
    path(CASE + "threats/", views.add_threat, name="add_threat"),
    path(CASE + "safety/", views.add_safety_measure, name="add_safety_measure"),
    path(CASE + "emergency-contacts/", views.add_emergency_contact, name="add_emergency_contact"),
    path(CASE + "shares/", views.share_case, name="share_case"),
    path(CASE + "shares/<int:share_id>/revoke/", views.revoke_share, name="revoke_share"),
]
