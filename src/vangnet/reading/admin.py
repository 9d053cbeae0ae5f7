from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vangnet.reading.models import TranscriptReading, TriageFeedback


@admin.register(TranscriptReading)
class TranscriptReadingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Whether chats were read after they ended, and why not: status, attempts, error type.
    No text is shown here (the failed task runs are under Django Tasks DB: task results)."""

    list_display = ("conversation_id", "status", "attempts", "error", "created_at", "read_at")
    list_filter = ("status",)
    fields = ("status", "attempts", "error", "codebook_version", "rules_version", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TriageFeedback)
class TriageFeedbackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Counsellors' corrections of the acute flag: evaluation data for the triage word lists."""

    list_display = ("at", "conversation_id", "score", "acute_before", "acute_after", "by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
