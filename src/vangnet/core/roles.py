"""Staff roles. Each role is a Django group of the same name; permissions live in core.access."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
    CASE_WORKER = "case_worker", _("Case worker")
    RESEARCHER = "researcher", _("Researcher")
    PARTNER = "partner", _("Partner liaison (police, Veilig Thuis)")
    ADMINISTRATOR = "administrator", _("Administrator")
