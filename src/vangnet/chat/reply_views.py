"""The supervisor's pages for the console's saved replies: list, write, reorder, (de)activate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.chat import saved_replies
from vangnet.chat.forms import SavedReplyForm
from vangnet.chat.models import SavedReply
from vangnet.core.access import Action


@staff_view(Action.CHAT_SAVED_REPLIES)
def reply_list(request: StaffRequest) -> HttpResponse:
    return render(request, "chat/saved_replies.html", {"replies": saved_replies.all_replies()})


@staff_view(Action.CHAT_SAVED_REPLIES)
def reply_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk) if pk is not None else SavedReply()
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved_replies.save_reply(by=request.user, reply=form.save(commit=False))
        messages.success(
            request, _("The saved reply is stored. Consoles opened from now on offer it.")
        )
        return redirect("chat:saved_replies")
    return render(request, "chat/saved_reply_form.html", {"form": form, "reply": reply})


@require_POST
@staff_view(Action.CHAT_SAVED_REPLIES)
def reply_move(request: StaffRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        messages.error(request, _("Choose up or down."))
    else:
        saved_replies.move_reply(by=request.user, reply=reply, step=step)
    return redirect("chat:saved_replies")


@require_POST
@staff_view(Action.CHAT_SAVED_REPLIES)
def reply_activate(request: StaffRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk)
    active = request.POST.get("active") == "1"
    saved_replies.set_active(by=request.user, reply=reply, active=active)
    if active:
        messages.success(request, _("The console offers this reply again."))
    else:
        messages.success(request, _("The console no longer offers this reply."))
    return redirect("chat:saved_replies")
