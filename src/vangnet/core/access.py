"""The one access policy: "may this user do this (to this object)?".

Every view, consumer and service asks here; nobody checks a group name anywhere else.
Apps add object-level rules with `object_rule`, keeping the policy in one place to read.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from vangnet.core.roles import Role


class Action(StrEnum):
    CHAT_CONSOLE = "chat.console"  # take chats from the queue and answer them
    CHAT_SUPERVISE = "chat.supervise"  # see every active chat and read along
    CHAT_TRANSCRIPT = "chat.transcript"  # read a transcript (object rule decides which)
    CONTACT_REGISTER = "coding.register"  # code contacts
    CONTACT_CORRECT_ANY = "coding.correct_any"  # correct another counsellor's coding
    CONTACT_IMPORT = "coding.import"
    MONITOR_VIEW = "monitor.view"
    MONITOR_EXPORT = "monitor.export"
    MONITOR_SET_THRESHOLD = "monitor.set_threshold"
    CASE_WORK = "cases.work"  # open, create and change case records
    CASE_SHARE = "cases.share"
    MELDCODE = "cases.meldcode"  # start and work a meldcode track (object rule: case or chat)
    MELDCODE_OVERVIEW = "cases.meldcode_overview"  # every open track, flagged ones first
    CLIENT_RIGHTS = "cases.client_rights"  # a client's access export; register erasure requests
    ERASURE_APPROVE = "cases.erasure_approve"  # the second person who approves an erasure
    PARTNER_SHARES = "partner.shares"  # see what was shared with one's organisation
    ACCESS_LOG_VIEW = "accesslog.view"
    CLIENT_ACCESS_REPORT = "accesslog.client_report"
    STAFF_MANAGE = "staff.manage"
    GUIDE_EDIT = "guide.edit"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.COUNSELLOR: frozenset(
        {Action.CHAT_CONSOLE, Action.CHAT_TRANSCRIPT, Action.CONTACT_REGISTER, Action.MELDCODE}
    ),
    Role.SUPERVISOR: frozenset(
        {
            Action.CHAT_CONSOLE,
            Action.CHAT_SUPERVISE,
            Action.CHAT_TRANSCRIPT,
            Action.CONTACT_REGISTER,
            Action.CONTACT_CORRECT_ANY,
            Action.MELDCODE,
            Action.MELDCODE_OVERVIEW,
            Action.ERASURE_APPROVE,
        }
    ),
    Role.CASE_WORKER: frozenset(
        {Action.CASE_WORK, Action.CASE_SHARE, Action.MELDCODE, Action.CLIENT_RIGHTS}
    ),
    Role.RESEARCHER: frozenset({Action.MONITOR_VIEW, Action.MONITOR_EXPORT}),
    Role.PARTNER: frozenset({Action.PARTNER_SHARES}),
    Role.ADMINISTRATOR: frozenset(
        {
            Action.ACCESS_LOG_VIEW,
            Action.CLIENT_ACCESS_REPORT,
            Action.STAFF_MANAGE,
            Action.MONITOR_VIEW,
            Action.MONITOR_SET_THRESHOLD,
            Action.CONTACT_IMPORT,
            Action.GUIDE_EDIT,
        }
    ),
}

ObjectRule = Callable[[Any, Any], bool]
_object_rules: dict[Action, ObjectRule] = {}


class AccessDenied(Exception):
    """The policy says no. The message is safe to show to the user."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("You do not have access to this."))


def object_rule(action: Action) -> Callable[[ObjectRule], ObjectRule]:
    """Register the object-level check for an action: rule(user, obj) -> bool."""

    def register(rule: ObjectRule) -> ObjectRule:
        _object_rules[action] = rule
        return rule

    return register


def roles_of(user: Any) -> list[Role]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_vangnet_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [role for role in Role if role.value in names]
        user._vangnet_roles = cached
    return list(cached)


def granting_role(user: Any, action: Action) -> Role | None:
    """The first of the user's roles that allows the action (recorded in the access log)."""
    for role in roles_of(user):
        if action in ROLE_ACTIONS[role]:
            return role
    return None


def may(user: Any, action: Action, obj: Any = None) -> bool:
    if granting_role(user, action) is None:
        return False
    if obj is not None and action in _object_rules:
        return _object_rules[action](user, obj)
    return True


def require(user: Any, action: Action, obj: Any = None) -> Role:
    """Raise AccessDenied unless allowed; return the role that allows it."""
    role = granting_role(user, action)
    if role is None or (obj is not None and action in _object_rules and not may(user, action, obj)):
        raise AccessDenied()
    return role
