from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        return self.get_full_name() or self.username
