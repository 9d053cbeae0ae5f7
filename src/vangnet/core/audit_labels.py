"""Human labels for what the access log stores as codes: roles, record types, access points.

The log keeps stable codes (NEN 7513 asks for what, who, in which role, through which door);
the people who read it — an administrator, a client asking who looked — get words in their own
language. An unknown code (a new app's record type or page) still reads as words, not as code.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.core.roles import Role

RECORD_TYPES: dict[str, Promise] = {
    "access_log": gettext_lazy("access log"),
    "case": gettext_lazy("case"),
    "conversation": gettext_lazy("chat"),
    "contact": gettext_lazy("contact registration"),
    "emergency_contact": gettext_lazy("emergency contact"),
    "goal": gettext_lazy("goal"),
    "monitor": gettext_lazy("research monitor"),
    "monitor.min_cell": gettext_lazy("monitor: smallest number shown"),
    "note": gettext_lazy("note"),
    "person": gettext_lazy("person around the client"),
    "safety": gettext_lazy("safety plan"),
    "share": gettext_lazy("share with a partner"),
    "threat": gettext_lazy("threat"),
}

# Pages and doors by their URL or socket name; the rest are made readable from the name.
ACCESS_POINTS: dict[str, Promise] = {
    "accounts:access_log": gettext_lazy("access log"),
    "chat:console": gettext_lazy("chat console"),
    "chat:transcript": gettext_lazy("transcript"),
    "chat:record_consent": gettext_lazy("chat console: consent"),
    "cases:caseload": gettext_lazy("caseload"),
    "cases:new_case": gettext_lazy("new case"),
    "cases:open_from_chat": gettext_lazy("case from a chat"),
    "cases:case_detail": gettext_lazy("case"),
    "cases:timeline": gettext_lazy("case timeline"),
    "cases:edit_case": gettext_lazy("case: edit"),
    "cases:share_case": gettext_lazy("case: share with a partner"),
    "cases:revoke_share": gettext_lazy("case: revoke a share"),
    "sharing:partner_inbox": gettext_lazy("shared with us"),
    "sharing:partner_share": gettext_lazy("shared record (partner)"),
    # Entries written before the partner's pages moved to the sharing app.
    "cases:partner_inbox": gettext_lazy("shared with us"),
    "cases:partner_share": gettext_lazy("shared record (partner)"),
    "cases:client_access_report": gettext_lazy("who looked at a record"),
    "monitor:dashboard": gettext_lazy("research monitor"),
    "monitor:export": gettext_lazy("monitor export"),
    "monitor:report": gettext_lazy("yearly report"),
    "monitor:threshold": gettext_lazy("monitor: smallest number shown"),
    "console": gettext_lazy("chat console (live)"),
    "visitor": gettext_lazy("visitor's chat (live)"),
    "chat": gettext_lazy("chat (live)"),
}


def _words(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").replace(".", ": ").strip()


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else _words(code)


def record_type_label(code: str) -> str:
    return str(RECORD_TYPES[code]) if code in RECORD_TYPES else _words(code)


def access_point_label(code: str) -> str:
    """'web:accounts:access_log' -> 'Web page: access log', 'cli:demo-data' -> 'Command: …'."""
    door, _sep, name = code.partition(":")
    known = ACCESS_POINTS.get(name)
    if door == "web":
        page = str(known) if known else _words(name.rpartition(":")[2])
        return _("Web page: %(page)s") % {"page": page}
    if door == "ws":
        return str(known) if known else _("Live connection: %(name)s") % {"name": _words(name)}
    if door == "cli":
        return _("Command: %(name)s") % {"name": name} if name else _("Command line")
    return _words(code)
