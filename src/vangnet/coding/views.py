from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.chat.models import Conversation
from vangnet.coding import codebook, selectors, services
from vangnet.coding.forms import ContactForm, NotCodeableForm
from vangnet.core.access import AccessDenied, Action
from vangnet.core.audit import access_point_of


def _conversation_from(request: StaffRequest) -> Conversation | None:
    public_id = request.GET.get("conversation") or request.POST.get("conversation") or ""
    if not public_id:
        return None
    try:
        uuid.UUID(public_id)
    except ValueError:
        raise Http404 from None
    return selectors.conversation_to_code(user=request.user, public_id=public_id)


def _after_chat() -> str:
    try:
        return reverse("chat:console")
    except NoReverseMatch:
        return reverse("coding:mine")


@staff_view(Action.CONTACT_REGISTER)
def register(request: StaffRequest) -> HttpResponse:
    conversation = _conversation_from(request)
    if conversation is not None and hasattr(conversation, "coded_contact"):
        return redirect("coding:correct", pk=conversation.coded_contact.pk)
    suggested = selectors.suggestions(
        conversation=conversation, user=request.user, access_point=access_point_of(request)
    )
    initial = selectors.initial_answers(conversation=conversation)
    for key, suggestion in suggested.items():
        question = codebook.current().question(key)
        initial[key] = suggestion.codes if question.is_multi else suggestion.codes[0]
    form = ContactForm(
        request.POST or None,
        book=codebook.current(),
        with_channel=conversation is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.register_contact(
                by=request.user,
                answers=form.answers(),
                channel=form.cleaned_data.get("channel", "chat"),
                contact_date=form.cleaned_data.get("contact_date"),
                conversation=conversation,
            )
        except (services.CodingError, codebook.CodebookError, AccessDenied) as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("The contact is coded. Thank you."))
            return redirect(_after_chat() if conversation else reverse("coding:register"))
    return render(
        request,
        "coding/register.html",
        {
            "form": form,
            "conversation": conversation,
            "not_codeable_form": NotCodeableForm() if conversation else None,
            "book": codebook.current(),
            "question_rows": [(f, suggested.get(f.name)) for f in form.question_fields()],
        },
    )


@require_POST
@staff_view(Action.CONTACT_REGISTER)
def not_codeable(request: StaffRequest) -> HttpResponse:
    conversation = _conversation_from(request)
    if conversation is None:
        raise Http404
    form = NotCodeableForm(request.POST)
    if form.is_valid():
        try:
            services.mark_not_codeable(
                by=request.user, conversation=conversation, reason=form.cleaned_data["reason"]
            )
        except (services.CodingError, AccessDenied) as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("The chat is marked as not codeable."))
            return redirect(_after_chat())
    else:
        messages.error(request, _("Choose why this chat cannot be coded."))
    return redirect(f"{reverse('coding:register')}?conversation={conversation.public_id}")


@staff_view(Action.CONTACT_REGISTER)
def correct(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        contact = selectors.contact_to_correct(user=request.user, pk=pk)
    except AccessDenied as err:
        raise Http404(str(err)) from None
    book = codebook.get(contact.codebook_version)
    initial: dict[str, object] = {
        key: sorted(value) if isinstance(value, frozenset) else value
        for key, value in book.from_columns(
            {key: getattr(contact, key) for key in book.keys}
        ).items()
    }
    initial.update(channel=contact.channel, contact_date=contact.contact_date)
    form = ContactForm(
        request.POST or None,
        book=book,
        with_channel=contact.conversation_id is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_contact(
                by=request.user,
                contact=contact,
                answers=form.answers(),
                channel=form.cleaned_data.get("channel"),
                contact_date=form.cleaned_data.get("contact_date"),
            )
        except (services.CodingError, codebook.CodebookError, AccessDenied) as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("The correction is saved; the earlier coding is kept."))
            return redirect("coding:mine")
    return render(
        request,
        "coding/register.html",
        {
            "form": form,
            "contact": contact,
            "book": book,
            "revisions": contact.revisions.select_related("by"),
        },
    )


@staff_view(Action.CONTACT_REGISTER)
def my_contacts(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "coding/mine.html",
        {
            "to_code": selectors.uncoded_conversations(counsellor=request.user),
            "contacts": selectors.correctable_contacts(user=request.user),
        },
    )
