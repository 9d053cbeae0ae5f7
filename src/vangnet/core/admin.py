from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vangnet.core.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only; the staff view at /staff/access-log/ is the one that logs its readers."""

    list_display = ("at", "username", "role", "event", "record_type", "record_id", "emergency")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # not even for a superuser: the logged staff view is the only reader

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
