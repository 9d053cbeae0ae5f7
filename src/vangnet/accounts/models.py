from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.models import AppendOnlyError


class User(AbstractUser):
    """A staff member. Visitors of the chat and the public site never have an account."""

    organisation = models.CharField(
        _("organisation"),
        max_length=150,
        blank=True,
        help_text=_("For partner liaisons: the organisation they act for."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        """How staff see each other everywhere (pages, console, logs, exports): the one place.

        Visitors see less of a counsellor: a first name only (chat.services.counsellor_label).
        """
        return self.get_full_name() or self.username


class StaffChangeQuerySet(models.QuerySet["StaffChange"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Staff changes cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Staff changes cannot be deleted.")


class StaffChange(models.Model):
    """Append-only: who changed whose roles, password, second factor or active state, when.

    Written by accounts.changes from model signals, so the admin, the commands and any other
    door are covered alike.
    """

    class What(models.TextChoices):
        CREATED = "created", _("Account created")
        ROLE_ADDED = "role_added", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role taken away")
        PASSWORD = "password", _("Password changed")
        SECOND_FACTOR_ADDED = "2fa_added", _("Second factor added")
        SECOND_FACTOR_REMOVED = "2fa_removed", _("Second factor removed")
        SECOND_FACTOR_CHANGED = "2fa_changed", _("Second factor changed")
        ACTIVATED = "activated", _("Account activated")
        DEACTIVATED = "deactivated", _("Account deactivated")
        SUPERUSER_GRANTED = "superuser_on", _("Superuser status given")
        SUPERUSER_REVOKED = "superuser_off", _("Superuser status taken away")
        ADMIN_ACCESS_GRANTED = "staff_on", _("Admin site access given")
        ADMIN_ACCESS_REVOKED = "staff_off", _("Admin site access taken away")

    at = models.DateTimeField(_("when (UTC)"), auto_now_add=True, db_index=True)
    actor = models.CharField(_("changed by"), max_length=150)
    subject = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    subject_username = models.CharField(_("user name"), max_length=150)
    what = models.CharField(_("what"), max_length=20, choices=What.choices)
    detail = models.CharField(_("detail"), max_length=150, blank=True)

    objects = StaffChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.what} {self.subject_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Staff changes cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Staff changes cannot be deleted.")


class LoginThrottle(models.Model):
    """Failed staff logins per bucket: a user name from an unknown browser, or from one of
    that user's known browsers (accounts.lockout). Keyed by a hash: no name, no address."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    times_blocked = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"login throttle {self.pk}"
