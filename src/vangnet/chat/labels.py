"""Who the visitor is, briefly, as the console's queue and tabs name them: "Jongere · Sam",
"Ouder · Anoniem". The visitor's own answer ("A young person, about myself") is a sentence
written for the visitor, too long for a tab."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from vangnet.chat.models import VisitorRole

SHORT_ROLE_LABELS = {
    VisitorRole.YOUNG_PERSON: pgettext_lazy("visitor, short", "Young person"),
    VisitorRole.PARENT_CARER: pgettext_lazy("visitor, short", "Parent"),
    VisitorRole.FAMILY_FRIEND: pgettext_lazy("visitor, short", "Family or friend"),
    VisitorRole.PROFESSIONAL: pgettext_lazy("visitor, short", "Professional"),
    VisitorRole.OTHER: pgettext_lazy("visitor, short", "Other"),
}


def short_role_label(role: str) -> str:
    label = SHORT_ROLE_LABELS.get(role)  # type: ignore[call-overload]
    return str(label) if label is not None else str(pgettext_lazy("visitor, short", "Other"))


def visitor_label(role: str, nickname: str) -> str:
    """ "Jongere · Sam"; a visitor without a nickname is "Anoniem"."""
    name = nickname.strip() or str(pgettext_lazy("visitor, short", "Anonymous"))
    return f"{short_role_label(role)} · {name}"
