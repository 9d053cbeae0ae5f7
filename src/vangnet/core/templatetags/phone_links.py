"""`tel_links`: every Dutch phone number in a text becomes a link that dials it.

A visitor on a phone in trouble should be one tap away from 112 or a helpline, also where a
number sits inside a sentence ("Nu in gevaar? Bel 112.").
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# 112, and the service numbers written as 0800-2000 or 0900-0101 (the way this site writes them).
# Not after ':' or '>', so a number already in a link (href="tel:112">112) is left alone.
PHONE_RE = re.compile(r"(?<![\w:>-])(112|0[89]00-\d{4})(?![\w-])")


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", number)


@register.filter(is_safe=True)
def tel_links(text: str) -> SafeString:
    """The text, escaped, with each phone number in a `tel:` link."""
    escaped = str(conditional_escape(text))
    linked = PHONE_RE.sub(lambda m: f'<a href="{tel_href(m.group(1))}">{m.group(1)}</a>', escaped)
    return mark_safe(linked)  # noqa: S308 - escaped above; the link is built from digits only
