"""Staff in the admin: roles and active state editable (every change is recorded by
accounts.changes), TOTP secrets never shown, nothing deletable that the logs point to."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vangnet.accounts.models import User
from vangnet.core.access import Action, may


class StaffManagersOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.STAFF_MANAGE)


@admin.register(User)
class StaffAdmin(StaffManagersOnly, UserAdmin):  # type: ignore[type-arg]
    # Roles are groups; user-level permissions are not used by the policy, so not offered.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("", {"fields": ("first_name", "last_name", "email", "organisation")}),
        ("", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `vangnet create-staff` enrols the second factor with the account

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the logs keep pointing at the account


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SecondFactorAdmin(StaffManagersOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """A device can be seen (without its secret) and removed, never read or edited."""

    fields = ("user", "name", "confirmed")
    readonly_fields = ("user", "name", "confirmed")
    list_display = ("user", "name", "confirmed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.STAFF_MANAGE)


# Roles are fixed in code (core.roles); renaming or deleting their groups would silently take
# access away or give it. Membership is changed on the staff member, and recorded.
admin.site.unregister(Group)
