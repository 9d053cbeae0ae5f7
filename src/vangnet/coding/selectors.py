"""Reads for contact coding: what a counsellor still has to code, and what they may correct."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from vangnet.chat.models import Conversation
from vangnet.coding.models import Contact
from vangnet.core.access import Action, may, require

if TYPE_CHECKING:
    from vangnet.accounts.models import User


def uncoded_conversations(*, counsellor: User) -> QuerySet[Conversation]:
    """Ended chats held last by this counsellor, neither coded nor marked not codeable."""
    return Conversation.objects.filter(
        status=Conversation.Status.ENDED,
        counsellor=counsellor,
        coded_contact__isnull=True,
    ).order_by("-ended_at", "-id")


def conversation_to_code(*, user: User, public_id: str) -> Conversation:
    """The chat to code: held last by this counsellor (a supervisor may code any)."""
    require(user, Action.CONTACT_REGISTER)
    conversation = get_object_or_404(Conversation, public_id=public_id)
    if conversation.counsellor_id != user.pk and not may(user, Action.CONTACT_CORRECT_ANY):
        raise Http404
    return conversation


def correctable_contacts(*, user: User, limit: int = 50) -> QuerySet[Contact]:
    """The latest contacts this user may correct: their own, or everybody's for a supervisor."""
    require(user, Action.CONTACT_REGISTER)
    contacts = Contact.objects.select_related("conversation").order_by("-created_at", "-id")
    if not may(user, Action.CONTACT_CORRECT_ANY):
        contacts = contacts.filter(counsellor=user)
    return contacts[:limit]


def contact_to_correct(*, user: User, pk: int) -> Contact:
    contact = get_object_or_404(Contact, pk=pk)
    require(user, Action.CONTACT_REGISTER, contact)
    return contact


# What the visitor said about themself pre-fills who is in contact; "family or friend" is
# ambiguous, so the counsellor chooses.
ROLE_FROM_VISITOR = {
    "young_person": "victim_self",
    "parent_carer": "parent_carer",
    "professional": "professional",
    "other": "witness_other",
}


def initial_answers(*, conversation: Conversation | None) -> dict[str, str]:
    if conversation is None:
        return {}
    role = ROLE_FROM_VISITOR.get(conversation.visitor_role)
    return {"role": role} if role else {"role": ""}


def suggestions(
    *, conversation: Conversation | None, user: User, access_point: str
) -> dict[str, Any]:
    """Codes suggested from the transcript by the reading app, when it is installed.

    Looked up by name so that coding does not depend on the app that reads chats.
    """
    from django.apps import apps
    from django.utils.module_loading import import_string

    if conversation is None or not apps.is_installed("vangnet.reading"):
        return {}
    suggest = import_string("vangnet.reading.selectors.suggestions_for_form")
    found: dict[str, Any] = suggest(conversation=conversation, user=user, access_point=access_point)
    return found
