"""The access log (in the spirit of NEN 7513): append-only, one row per look at a record."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an access log entry."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Access log entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Access log entries cannot be deleted.")


class AccessLogEntry(models.Model):
    class Event(models.TextChoices):
        TRANSCRIPT_READ = "transcript.read", _("Transcript read")
        CHAT_READ_ALONG = "chat.read_along", _("Chat read along")
        CASE_OPEN = "case.open", _("Case opened")
        CASE_CHANGE = "case.change", _("Case changed")
        CASE_CREATE = "case.create", _("Case created")
        CASE_EMERGENCY = "case.emergency", _("Case opened through the emergency procedure")
        SHARE_CREATE = "share.create", _("Shared with partner")
        SHARE_VIEW = "share.view", _("Share viewed by partner")
        SHARE_RESPOND = "share.respond", _("Partner responded to share")
        SHARE_REVOKE = "share.revoke", _("Share revoked")
        ACCESS_LOG_READ = "accesslog.read", _("Access log read")
        CLIENT_ACCESS_REPORT = "accesslog.client_report", _("Client access report produced")
        SETTING_CHANGE = "setting.change", _("Setting changed")
        EXPORT = "export", _("Data exported")
        ADMIN_READ = "admin.read", _("Records read in the admin")
        ACCESS_DENIED = "access.denied", _("Access refused by the policy")
        STAFF_LOGIN = "staff.login", _("Logged in")
        STAFF_LOGOUT = "staff.logout", _("Logged out")

    at = models.DateTimeField(_("when (UTC)"), auto_now_add=True, db_index=True)
    event = models.CharField(_("what happened"), max_length=40, choices=Event.choices)
    record_type = models.CharField(_("record type"), max_length=40, blank=True)
    record_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    client_ref = models.CharField(_("client"), max_length=64, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    role = models.CharField(_("role"), max_length=40, blank=True)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=150, blank=True)
    access_point = models.CharField(_("access point"), max_length=80)
    emergency = models.BooleanField(_("emergency procedure used"), default=False)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.event} {self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Access log entries cannot be deleted.")


class DataKey(models.Model):
    """One data key per case or chat (envelope encryption), stored wrapped by the master keys.

    Destroying it (erasure) makes every copy of that record's ciphertext unreadable, including
    the copies in database backups, as long as backups of this table are kept apart and short
    (docs/retention.md). Holds no content: the holder is a reference like "case:VN-…".
    """

    holder = models.CharField(max_length=80, unique=True)
    wrapped = models.TextField(blank=True)  # "" once destroyed
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"data key {self.pk}"
