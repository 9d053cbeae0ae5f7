from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vangnet.chat import selectors


def visitor_chat(request: HttpRequest) -> HttpResponse:
    """The anonymous chat page; everything after this goes over the WebSocket."""
    return render(request, "chat/visitor.html", {"availability": selectors.availability()})
