"""The public guide's content: pages the organisation edits in the admin, and the help directory."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.guide import links
from vangnet.guide.regions import Province


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents and carers")
    YOUNG_PEOPLE = "young", _("Young people")
    PROFESSIONALS = "professionals", _("Professionals")


class Page(models.Model):
    """A content page in Dutch and English. The body uses the simple markup of `markup.py`."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    audience = models.CharField(
        _("for"),
        max_length=16,
        choices=Audience.choices,
        blank=True,
        help_text=_("Empty for pages for everyone, such as browsing safely."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    summary_nl = models.CharField(_("summary (Dutch)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    body_nl = models.TextField(
        _("text (Dutch)"),
        help_text=_(
            "Blank lines between paragraphs. '## ' starts a heading, '- ' a list item, '1. ' a "
            "numbered step, '> ' a highlighted note. **bold**, [text](https://…), "
            "[text](page:address) and [text](tel:0800-2000) for links."
        ),
    )
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ("audience", "order", "slug")
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title_nl


class Organisation(models.Model):
    """A service in the help directory, with where it works and how to reach it."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency number")
        HELPLINE = "helpline", _("Helpline")
        CHAT = "chat", _("Chat")
        REPORTING = "reporting", _("Reporting and advice")
        POLICE = "police", _("Police")
        SPECIALISED_CARE = "care", _("Specialised care")
        VICTIM_SUPPORT = "victim_support", _("Victim support")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("The whole country")
        PROVINCE = "province", _("One province")
        MUNICIPALITY = "municipality", _("One municipality")

    class Verification(models.TextChoices):
        VERIFIED = "verified", _("Checked with the organisation's own source")
        UNVERIFIED = "unverified", _("Not verified")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_nl = models.CharField(_("description (Dutch)"), max_length=400)
    description_en = models.CharField(_("description (English)"), max_length=400)
    for_young_people = models.BooleanField(_("for young people"), default=False)
    for_parents = models.BooleanField(_("for parents and carers"), default=False)
    for_professionals = models.BooleanField(_("for professionals"), default=False)
    scope = models.CharField(
        _("works in"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    chat_url = models.CharField(
        _("chat address"),
        max_length=300,
        blank=True,
        help_text=_("A full https:// address, or a path on this site such as /chat/."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    always_open = models.BooleanField(_("open day and night"), default=False)
    closed_on_public_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=False,
        help_text=_("Used when no hours for public holidays are entered."),
    )
    hours_note_nl = models.CharField(_("note on hours (Dutch)"), max_length=300, blank=True)
    hours_note_en = models.CharField(_("note on hours (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("shown"), default=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the details come from (a web address or document)."),
    )

    checked_on = models.DateField(_("details last checked on"))
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verification_note = models.CharField(_("note on verification"), max_length=300, blank=True)

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # The directory search: shown services by kind (the need), and national or in the
        # visitor's province(s), in display order.
        indexes = [
            models.Index(fields=["active", "kind", "order", "name"], name="guide_org_search_kind"),
            models.Index(fields=["active", "province"], name="guide_org_search_province"),
            models.Index(fields=["active", "order", "name"], name="guide_org_listing"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="province", province=""),
                name="guide_org_province_needs_province",
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="municipality", province="")
                & ~models.Q(scope="municipality", municipality=""),
                name="guide_org_municipality_needs_place",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Links typed by staff: only https:// (or a path here for the chat), a real phone."""
        errors: dict[str, list[ValidationError]] = {}
        for field, check in (
            ("chat_url", links.validate_chat_link),
            ("website", links.validate_web_link),
            ("phone", links.validate_phone),
        ):
            try:
                check(getattr(self, field))
            except ValidationError as err:
                errors[field] = [err]
        if errors:
            raise ValidationError(errors)


class OpeningHours(models.Model):
    """One opening interval; closing at or before opening means it runs past midnight."""

    class Day(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")
        HOLIDAY = 7, _("Public holiday")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="hours",
        verbose_name=_("organisation"),
    )
    day = models.PositiveSmallIntegerField(_("day"), choices=Day.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ("day", "opens")
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(day__lte=7), name="guide_hours_day_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"
