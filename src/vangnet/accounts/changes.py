"""Every change to a staff member's access, from any door, written down and announced.

Model signals (not the admin's forms) are the hook, so the admin, management commands and the
shell are covered alike. Each change becomes a `StaffChange` row (who, whom, what, when); a
change that ends access (deactivation, a role taken away) also sends `staff_access_ended`
after the transaction commits, so the chat closes that user's sockets.

Who made the change comes from `acting_as`: `ActorMiddleware` sets it for web requests, and a
management command runs as "command line" unless it says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vangnet.accounts import signals
from vangnet.accounts.models import StaffChange, User
from vangnet.core.access import COMMAND_LINE
from vangnet.core.roles import Role

What = StaffChange.What
_actor: ContextVar[str] = ContextVar("vangnet_actor", default=COMMAND_LINE.username)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Changes made during a web request are made by the logged-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = user.username if user is not None and user.is_authenticated else "anonymous"
        with acting_as(name):
            return self.get_response(request)


def announce_access_ended(user_id: int, reason: str) -> None:
    """Send `staff_access_ended` once the current transaction (if any) has committed."""
    transaction.on_commit(
        lambda: signals.staff_access_ended.send(sender=User, user_id=user_id, reason=reason)
    )


def record(subject: User, what: str, detail: str = "") -> None:
    StaffChange.objects.create(
        actor=_actor.get(),
        subject=subject,
        subject_username=subject.username,
        what=what,
        detail=detail[:150],
    )


_FLAGS = (
    ("is_active", What.ACTIVATED, What.DEACTIVATED),
    ("is_superuser", What.SUPERUSER_GRANTED, What.SUPERUSER_REVOKED),
    ("is_staff", What.ADMIN_ACCESS_GRANTED, What.ADMIN_ACCESS_REVOKED),
)


@receiver(pre_save, sender=User, dispatch_uid="vangnet-staff-before")
def _remember_before(sender: Any, instance: User, **kwargs: Any) -> None:
    before = User.objects.filter(pk=instance.pk).values(
        "password", "is_active", "is_superuser", "is_staff"
    )
    instance._vangnet_before = before.first() if instance.pk else None  # type: ignore[attr-defined]


@receiver(post_save, sender=User, dispatch_uid="vangnet-staff-after")
def _record_user_change(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_vangnet_before", None)
    instance._vangnet_before = None  # type: ignore[attr-defined]
    if created or before is None:
        record(instance, What.CREATED)
        return
    # A login may re-hash the same password with newer parameters (update_fields=["password"]):
    # that is no change of password.
    rehash = set(kwargs.get("update_fields") or ()) == {"password"}
    if before["password"] != instance.password and not rehash:
        record(instance, What.PASSWORD)
        announce_access_ended(instance.pk, signals.REASON_CREDENTIALS_CHANGED)
    for field, on, off in _FLAGS:
        if bool(before[field]) != bool(getattr(instance, field)):
            record(instance, on if getattr(instance, field) else off)
    if before["is_active"] and not instance.is_active:
        announce_access_ended(instance.pk, signals.REASON_DEACTIVATED)


def _role_names(group_ids: set[int] | None) -> list[str]:
    from django.contrib.auth.models import Group

    if not group_ids:
        return []
    return list(Group.objects.filter(pk__in=group_ids).values_list("name", flat=True))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="vangnet-staff-roles")
def _record_role_change(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any
) -> None:
    """Roles are groups; changed from the user's side or the group's, and on clear()."""
    if action == "pre_clear":
        # clear() sends no pk_set afterwards: remember what is about to go.
        users = [instance] if not reverse else list(instance.user_set.all())
        for user in users:
            groups = set(user.groups.values_list("pk", flat=True)) if not reverse else {instance.pk}
            user._vangnet_cleared = groups
        instance._vangnet_clear_users = users
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    pairs: list[tuple[Any, set[int]]]
    if action == "post_clear":
        pairs = [(u, getattr(u, "_vangnet_cleared", set())) for u in instance._vangnet_clear_users]
        removed = True
    elif reverse:  # group.user_set.add(...)
        pairs = [(u, {instance.pk}) for u in User.objects.filter(pk__in=pk_set or set())]
        removed = action == "post_remove"
    else:
        pairs = [(instance, set(pk_set or set()))]
        removed = action == "post_remove"
    for user, group_ids in pairs:
        names = _role_names(group_ids)
        for name in names:
            record(user, What.ROLE_REMOVED if removed else What.ROLE_ADDED, name)
        user.__dict__.pop("_vangnet_roles", None)
        if removed and any(name in Role.values for name in names):
            announce_access_ended(user.pk, signals.REASON_ROLE_REMOVED)


@receiver(pre_save, sender=TOTPDevice, dispatch_uid="vangnet-staff-2fa-before")
def _remember_device(sender: Any, instance: TOTPDevice, **kw: Any) -> None:
    before = TOTPDevice.objects.filter(pk=instance.pk).values("key", "confirmed").first()
    instance._vangnet_before = before if instance.pk else None


@receiver(post_save, sender=TOTPDevice, dispatch_uid="vangnet-staff-2fa-saved")
def _record_device_saved(sender: Any, instance: TOTPDevice, created: bool, **kw: Any) -> None:
    # A login saves the device too (counters, drift): only a new key or confirmation counts.
    before = getattr(instance, "_vangnet_before", None)
    if created or before is None:
        record(instance.user, What.SECOND_FACTOR_ADDED, instance.name)
    elif before["key"] != instance.key or before["confirmed"] != instance.confirmed:
        record(instance.user, What.SECOND_FACTOR_CHANGED, instance.name)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="vangnet-staff-2fa-deleted")
def _record_device_deleted(sender: Any, instance: TOTPDevice, **kw: Any) -> None:
    record(instance.user, What.SECOND_FACTOR_REMOVED, instance.name)
    announce_access_ended(instance.user_id, signals.REASON_CREDENTIALS_CHANGED)
