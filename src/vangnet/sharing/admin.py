"""Partner organisations are kept by the administrators who manage staff accounts.

Partner liaisons belong to an organisation by name (`User.organisation`), so the same people
keep both. Shares themselves are not in the admin: they hold case data and are read on the
case page (need-to-know, logged) or by the receiving partner.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vangnet.core.access import Action, may
from vangnet.sharing.models import PartnerOrganisation


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.STAFF_MANAGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # shares point at it; an organisation that stops is renamed or left
