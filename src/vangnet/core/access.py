"""The one access policy: "may this user do this (to this object)?" It denies by default.

Every action is declared once, in `POLICY` below: the roles that may take it and, where it
concerns an object, the dotted path of its object rule. The table is loaded and checked when
the app starts (`CoreConfig.ready` calls `load_policy`): an action without a row, a row
declared twice, or an object rule that cannot be imported stops start-up. An action asked
about an object when its row names no object rule is refused.

"A staff member with a verified second factor" is written once, here (`is_verified_staff`);
HTTP views (accounts.decorators.staff_view), the console's WebSocket (`socket_user_may`) and
the admin (accounts.admin_site) all ask it. How to declare a new action: docs/security.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from vangnet.core.roles import Role


class Action(StrEnum):
    CHAT_CONSOLE = "chat.console"  # take chats from the queue and answer them
    CHAT_SUPERVISE = "chat.supervise"  # see every active chat and read along
    CHAT_TRANSCRIPT = "chat.transcript"  # read a transcript (object rule decides which)
    CHAT_SAVED_REPLIES = "chat.saved_replies"  # keep the console's saved replies
    CONTACT_REGISTER = "coding.register"  # code contacts
    CONTACT_CORRECT_ANY = "coding.correct_any"  # correct another counsellor's coding
    CONTACT_IMPORT = "coding.import"
    MONITOR_VIEW = "monitor.view"
    # Record-level (micro)data: only for a named researcher of an approved, running research
    # project (object rule in monitor/projects.py); the role alone is not enough.
    MONITOR_EXPORT = "monitor.export"
    RESEARCH_PROJECT_REQUEST = "monitor.project_request"
    RESEARCH_PROJECT_APPROVE = "monitor.project_approve"  # object rule: a second person
    MONITOR_SET_THRESHOLD = "monitor.set_threshold"
    CASE_WORK = "cases.work"  # open, create and change case records (need-to-know per case)
    CASE_EMERGENCY = "cases.emergency"  # open another's case through the noodprocedure
    CASE_SHARE = "cases.share"
    CASE_EMERGENCY_REVIEW = "cases.emergency_review"  # see who used the noodprocedure
    MELDCODE = "cases.meldcode"  # start and work a meldcode track (object rule: case or chat)
    MELDCODE_OVERVIEW = "cases.meldcode_overview"  # every open track, flagged ones first
    CLIENT_RIGHTS = "cases.client_rights"  # a client's access export; register erasure requests
    ERASURE_APPROVE = "cases.erasure_approve"  # the second person who approves an erasure
    PARTNER_SHARES = "partner.shares"  # see what was shared with one's organisation
    ACCESS_LOG_VIEW = "accesslog.view"
    CLIENT_ACCESS_REPORT = "accesslog.client_report"
    STAFF_MANAGE = "staff.manage"
    GUIDE_EDIT = "guide.edit"
    RESEARCH_TRANSCRIPTS = "reading.deidentified"  # read de-identified transcripts, with a purpose
    SUGGESTION_QUALITY = "reading.suggestion_quality"  # how often suggested codes were kept
    TRIAGE_FLAG = "reading.triage_flag"  # raise or lower a chat's acute-danger flag


C, S, W, R, P, A = (
    Role.COUNSELLOR,
    Role.SUPERVISOR,
    Role.CASE_WORKER,
    Role.RESEARCHER,
    Role.PARTNER,
    Role.ADMINISTRATOR,
)


@dataclass(frozen=True)
class Rule:
    """One row of the policy: who may take the action, and which objects (if any)."""

    action: Action
    roles: frozenset[Role]
    # "module.function" taking (user, obj) -> bool; None: the action concerns no object.
    object_rule: str | None = None


def rule(action: Action, *roles: Role, on: str | None = None) -> Rule:
    return Rule(action=action, roles=frozenset(roles), object_rule=on)


# THE table. One row per action; see docs/security.md, "Declaring a new action".
POLICY: tuple[Rule, ...] = (
    rule(Action.CHAT_CONSOLE, C, S),
    rule(Action.CHAT_SUPERVISE, S),
    rule(Action.CHAT_TRANSCRIPT, C, S, on="vangnet.chat.services.may_read_transcript"),
    rule(Action.CHAT_SAVED_REPLIES, S),
    rule(Action.CONTACT_REGISTER, C, S, on="vangnet.coding.services.may_correct"),
    rule(Action.CONTACT_CORRECT_ANY, S),
    rule(Action.CONTACT_IMPORT, A),
    rule(Action.MONITOR_VIEW, R, A),
    rule(Action.MONITOR_EXPORT, R, on="vangnet.monitor.projects.may_export"),
    rule(Action.RESEARCH_PROJECT_REQUEST, R),
    rule(Action.RESEARCH_PROJECT_APPROVE, S, A, on="vangnet.monitor.projects.may_approve"),
    rule(Action.MONITOR_SET_THRESHOLD, A),
    rule(Action.CASE_WORK, W, on="vangnet.cases.policy.may_work_on_case"),
    rule(Action.CASE_EMERGENCY, W, on="vangnet.cases.policy.may_break_the_glass"),
    rule(Action.CASE_SHARE, W, on="vangnet.cases.policy.may_work_on_case"),
    rule(Action.CASE_EMERGENCY_REVIEW, S, A),
    rule(Action.PARTNER_SHARES, P, on="vangnet.sharing.policy.partner_may_see_share"),
    rule(Action.ACCESS_LOG_VIEW, A),
    rule(Action.CLIENT_ACCESS_REPORT, A),
    rule(Action.STAFF_MANAGE, A),
    rule(Action.GUIDE_EDIT, A),
    rule(Action.RESEARCH_TRANSCRIPTS, R),
    rule(Action.SUGGESTION_QUALITY, S, R, A),
    rule(Action.TRIAGE_FLAG, C, S),
    rule(Action.MELDCODE, C, S, W, on="vangnet.cases.meldcode.may_work_track"),
    rule(Action.MELDCODE_OVERVIEW, S),
    rule(Action.CLIENT_RIGHTS, W, on="vangnet.cases.policy.may_work_on_case"),
    rule(Action.ERASURE_APPROVE, S),
)

ObjectRule = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class _Loaded:
    rows: Mapping[Action, Rule]
    object_rules: Mapping[Action, ObjectRule]


_loaded: _Loaded | None = None


class AccessDenied(Exception):
    """The policy says no. The message is safe to show to the user."""

    def __init__(self, message: str | None = None, *, alternative: str = "") -> None:
        super().__init__(message or _("You do not have access to this."))
        # A URL of another, legitimate route to the same thing (e.g. the noodprocedure).
        self.alternative = alternative


def check_policy(rows: tuple[Rule, ...]) -> dict[Action, Rule]:
    """Every action exactly once; raise ImproperlyConfigured otherwise."""
    table: dict[Action, Rule] = {}
    for row in rows:
        if row.action in table:
            raise ImproperlyConfigured(f"Access policy: {row.action} is declared twice.")
        if not row.roles:
            raise ImproperlyConfigured(f"Access policy: {row.action} names no role.")
        table[row.action] = row
    missing = [action.value for action in Action if action not in table]
    if missing:
        raise ImproperlyConfigured(f"Access policy: no row for {', '.join(missing)}.")
    return table


def _import_rule(action: Action, path: str) -> ObjectRule:
    module_name, _dot, name = path.rpartition(".")
    try:
        found = getattr(import_module(module_name), name)
    except (ImportError, AttributeError) as err:
        raise ImproperlyConfigured(f"Access policy: {action} rule {path}: {err}") from err
    marked = getattr(found, "vangnet_object_rule_for", None)
    if not callable(found) or (marked is not None and action not in marked):
        raise ImproperlyConfigured(f"Access policy: {path} is not a rule for {action}.")
    return found  # type: ignore[no-any-return]


def load_policy(rows: tuple[Rule, ...] = POLICY) -> None:
    """Check the table and import its object rules; called once when the app starts."""
    global _loaded
    table = check_policy(rows)
    rules = {a: _import_rule(a, r.object_rule) for a, r in table.items() if r.object_rule}
    _loaded = _Loaded(rows=table, object_rules=rules)


def _policy() -> _Loaded:
    if _loaded is None:
        raise ImproperlyConfigured("The access policy is not loaded (core app not ready).")
    return _loaded


def object_rule(*actions: Action) -> Callable[[ObjectRule], ObjectRule]:
    """Mark a function as the object rule of the given action(s). It registers nothing:

    the POLICY row names the function; start-up checks the two agree.
    """

    def mark(func: ObjectRule) -> ObjectRule:
        func.vangnet_object_rule_for = frozenset(actions)  # type: ignore[attr-defined]
        return func

    return mark


class _RoleActions(Mapping[Role, frozenset[Action]]):
    """The actions of each role, read from POLICY (kept for readers of the old table)."""

    def __getitem__(self, role: Role) -> frozenset[Action]:
        return frozenset(r.action for r in POLICY if role in r.roles)

    def __iter__(self) -> Any:
        return iter(Role)

    def __len__(self) -> int:
        return len(Role)


ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = _RoleActions()


class _CommandLine:
    """The operator at the server's command line (management commands).

    Shell access to the server means access to its keys and database, so the operator holds
    the administrator's role, no more: commands ask `require(COMMAND_LINE, action)` like any
    view, and the access log names them "command line".
    """

    is_authenticated = True
    is_active = True
    pk = None
    username = "command line"
    organisation = ""
    _vangnet_roles = (Role.ADMINISTRATOR,)

    def __str__(self) -> str:
        return self.username


COMMAND_LINE: Any = _CommandLine()


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
    row = _policy().rows[action]
    for role in roles_of(user):
        if role in row.roles:
            return role
    return None


def may(user: Any, action: Action, obj: Any = None) -> bool:
    """The role allows the action, and for an object its declared rule says yes."""
    if granting_role(user, action) is None:
        return False
    if obj is None:
        return True
    object_rule_of = _policy().object_rules.get(action)
    if object_rule_of is None:  # deny by default: no declared rule, no access to objects
        return False
    return bool(object_rule_of(user, obj))


def require(user: Any, action: Action, obj: Any = None) -> Role:
    """Raise AccessDenied unless allowed; return the role that allows it."""
    role = granting_role(user, action)
    if role is None or not may(user, action, obj):
        raise AccessDenied()
    return role


# --- the staff member with a verified second factor ----------------------------------------

# When the staff session was last used (seconds since the epoch); set by
# accounts.middleware.InactivityLogoutMiddleware on every staff request.
SESSION_LAST_SEEN_KEY = "vangnet_last_seen"


def session_is_fresh(session: Any, now: float | None = None) -> bool:
    """False once the staff session has been idle longer than the inactivity limit."""
    last_seen = session.get(SESSION_LAST_SEEN_KEY)
    if last_seen is None:
        return True  # set at the first request after login
    now = time.time() if now is None else now
    try:
        return now - float(last_seen) <= settings.VANGNET_INACTIVITY_TIMEOUT
    except (TypeError, ValueError):
        return False


def is_verified_staff(user: Any) -> bool:
    """Logged in, active, and verified with the second factor in this session."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def verify_session_user(user: Any, session: Any) -> Any | None:
    """For doors without django-otp's middleware (the WebSocket): attach the session's device.

    Returns the user when the session is fresh and its second factor verified, else None.
    Runs database queries: call it from a database thread.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.middleware import is_verified
    from django_otp.models import Device

    if user is None or session is None or not getattr(user, "is_authenticated", False):
        return None
    if not session_is_fresh(session):
        return None
    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    user.otp_device = device
    user.is_verified = lambda: is_verified(user)
    return user if is_verified_staff(user) else None


def socket_user_may(scope: Mapping[str, Any], action: Action) -> bool:
    """The WebSocket's question: a verified staff session whose roles allow the action."""
    user = verify_session_user(scope.get("user"), scope.get("session"))
    return user is not None and may(user, action)
