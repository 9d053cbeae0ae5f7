"""The visitor's side of coding: the anonymous survey after a chat (no login, no cookie)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vangnet.chat.ratelimit import visitor_request_limiter
from vangnet.chat.services import ChatError, conversation_of_token
from vangnet.coding.feedback import QUESTIONS, FeedbackError, record_feedback

STATUS_OF = {"already_answered": 409, "rate_limited": 429}


def _refused(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=STATUS_OF.get(code, status))


@csrf_exempt  # the public page has no CSRF cookie (it sets none); only a valid token acts
@require_POST
def visitor_feedback(request: HttpRequest) -> JsonResponse:
    """The three answers, with the visitor's token (docs/chat-protocol.md)."""
    try:
        conversation = conversation_of_token(request.POST.get("token", "")[:200])
    except ChatError as err:
        return _refused(err.code, err.message, 404)
    if not visitor_request_limiter.allow(conversation.pk, "feedback"):
        return _refused(
            "rate_limited", _("You are sending very fast. Wait a moment and try again.")
        )
    answers = {name: request.POST.get(name, "") for name in QUESTIONS}
    try:
        record_feedback(conversation=conversation, answers=answers)
    except FeedbackError as err:
        return _refused(err.code, err.message)
    return JsonResponse({"message": _("Thank you for your answers.")})
