"""Work a server process does once at start-up instead of in its first visitor's request.

Without it a fresh process answers its first request about a second late (URL patterns, both
languages' catalogues, templates, the triage's word lists), which is when it matters most: a
quick exit or a first chat message right after a deploy or a restart. It sits beside asgi.py,
not in core: it reaches into the apps (core's dependencies point down)."""

from __future__ import annotations

import logging

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

from vangnet.reading.triage import rules

logger = logging.getLogger(__name__)

# The pages a visitor in trouble reaches first.
TEMPLATES = ("chat/visitor.html", "guide/home.html", "guide/page.html", "busy.html")


def warm_up() -> None:
    get_resolver().reverse_dict  # noqa: B018 - imports every view module, builds reverse()
    for language in ("nl", "en"):
        with translation.override(language):
            translation.gettext("Chat")  # loads the language's catalogues
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            logger.warning("warm-up: no template %s", name)
    rules()  # the triage's word lists and spelling lexicon (about a second)
