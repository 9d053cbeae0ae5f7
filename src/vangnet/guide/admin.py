"""The organisation edits the guide here: pages, and the help directory with opening hours.

Who may edit is decided by the one access policy (Action.GUIDE_EDIT), not by Django's own
model permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vangnet.core.access import Action, may
from vangnet.guide.models import OpeningHours, Organisation, Page


class GuideEditorsOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.GUIDE_EDIT)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.GUIDE_EDIT)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return may(request.user, Action.GUIDE_EDIT)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.GUIDE_EDIT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.GUIDE_EDIT)


@admin.register(Page)
class PageAdmin(GuideEditorsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title_nl", "audience", "order", "published", "updated_at")
    list_filter = ("audience", "published")
    search_fields = ("title_nl", "title_en", "slug")
    fieldsets = (
        (None, {"fields": ("slug", "audience", "order", "published")}),
        (_("Dutch"), {"fields": ("title_nl", "summary_nl", "body_nl")}),
        (_("English"), {"fields": ("title_en", "summary_en", "body_en")}),
    )


class OpeningHoursInline(GuideEditorsOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = OpeningHours
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(GuideEditorsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "name",
        "kind",
        "scope",
        "province",
        "phone",
        "checked_on",
        "verification",
        "active",
    )
    list_filter = ("kind", "scope", "province", "verification", "active")
    search_fields = ("name", "slug", "municipality")
    inlines = (OpeningHoursInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("slug", "name", "kind", "order", "active")}),
        (_("Description"), {"fields": ("description_nl", "description_en")}),
        (
            _("Audience and region"),
            {
                "fields": (
                    "for_young_people",
                    "for_parents",
                    "for_professionals",
                    "scope",
                    "province",
                    "municipality",
                )
            },
        ),
        (_("Contact"), {"fields": ("phone", "chat_url", "website")}),
        (
            _("Opening hours"),
            {
                "fields": (
                    "always_open",
                    "closed_on_public_holidays",
                    "hours_note_nl",
                    "hours_note_en",
                )
            },
        ),
        (
            _("Source"),
            {"fields": ("source", "checked_on", "verification", "verification_note")},
        ),
    )
