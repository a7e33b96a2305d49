import zoneinfo
from datetime import date, datetime

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import (
    AccreditationTransition,
    BadgeFormat,
    ConferenceStatus,
    OrganizationKind,
    PartnerRole,
    PrecedenceAlphabet,
    decision_transitions,
)
from .files import delete_replaced_files
from .languages import language_names_local
from .zones import zone_label


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone."), params={"value": value}
        )


# Public URLs are /<conference slug>/…, so a conference must not take a top-level path.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "desk", "i18n", "language", "media", "nominate", "static"}
)


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for the site itself; choose another slug."),
            params={"value": value},
        )


def validate_transition_names(value) -> None:
    if not isinstance(value, list) or not set(value) <= set(AccreditationTransition.values):
        raise ValidationError(
            _("Choose accreditation transitions from the list."), code="unknown_transition"
        )


class TransitionListField(models.JSONField):
    """A list of accreditation transition names, picked with check boxes."""

    default_validators = [validate_transition_names]

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=AccreditationTransition.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )


class Conference(models.Model):
    title = models.CharField(max_length=300, verbose_name=_("title"))
    short_title = models.CharField(max_length=80, verbose_name=_("short title"))
    slug = models.SlugField(
        max_length=80, unique=True, validators=[validate_not_reserved], verbose_name=_("slug")
    )
    theme = models.TextField(
        blank=True, help_text=_("Theme and objective of the conference."), verbose_name=_("theme")
    )
    series = models.CharField(
        max_length=120, blank=True, help_text=_('e.g. "Dushanbe Process"'), verbose_name=_("series")
    )
    city = models.CharField(max_length=100, verbose_name=_("city"))
    country = CountryField(verbose_name=_("country"))
    venue_name = models.CharField(max_length=200, blank=True, verbose_name=_("venue name"))
    venue_address = models.CharField(max_length=300, blank=True, verbose_name=_("venue address"))
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(verbose_name=_("end date"))
    time_zone = models.CharField(
        max_length=64, validators=[validate_time_zone], verbose_name=_("time zone")
    )
    working_languages = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Comma-separated, e.g. English, Russian"),
        verbose_name=_("working languages"),
    )
    status = models.CharField(
        max_length=24,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.PLANNING,
        verbose_name=_("status"),
    )
    is_public = models.BooleanField(default=False, verbose_name=_("is public"))
    scanner_photos = models.BooleanField(
        default=False,
        help_text=_(
            "Paired scanners keep a small photo of each badge holder for checking offline."
        ),
        verbose_name=_("photos on scanners"),
    )
    contact_email = models.EmailField(
        blank=True,
        help_text=_("The accreditation team's address, given to focal points on the portal."),
        verbose_name=_("contact email"),
    )
    registration_deadline = models.DateTimeField(
        null=True, blank=True, verbose_name=_("registration deadline")
    )
    vetting_deadline = models.DateTimeField(
        null=True, blank=True, verbose_name=_("vetting deadline")
    )
    statement_minutes = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Default statement time limit."),
        verbose_name=_("statement minutes"),
    )
    data_retention_until = models.DateField(
        null=True,
        blank=True,
        help_text=_("Identity data is shredded after this date."),
        verbose_name=_("data retention until"),
    )
    max_delegation_size = models.PositiveSmallIntegerField(
        default=10, verbose_name=_("max delegation size")
    )
    requires_passport_data = models.BooleanField(
        default=True,
        help_text=_("Approval needs the nationality, date of birth, passport number and expiry."),
        verbose_name=_("requires passport data"),
    )
    # Database defaults too: rows written by code that predates these fields (a migration's
    # historical models) get the same values.
    requires_photo = models.BooleanField(
        default=True,
        db_default=True,
        help_text=_("Approval needs a photo for the badge."),
        verbose_name=_("requires a photo"),
    )
    security_vetting = models.BooleanField(
        default=True,
        db_default=True,
        help_text=_(
            "Participants are sent to security vetting before approval; without it, they are "
            "approved from review in one step."
        ),
        verbose_name=_("security vetting required"),
    )
    mailed_transitions = TransitionListField(
        default=decision_transitions,
        db_default=decision_transitions(),
        blank=True,
        help_text=_("The accreditation changes the focal point is told of by e-mail."),
        verbose_name=_("changes mailed to the focal point"),
    )
    precedence_alphabet = models.CharField(
        max_length=2,
        choices=PrecedenceAlphabet.choices,
        default=PrecedenceAlphabet.ENGLISH,
        verbose_name=_("precedence alphabet"),
    )
    precedence_start = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Letter or delegation name drawn by lot that starts the alphabetical order."),
        verbose_name=_("precedence start"),
    )
    next_badge_number = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Badge numbers are issued once and never reused."),
        verbose_name=_("next badge number"),
    )
    badge_prefix = models.CharField(
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]+$", _("Capital letters and digits only."))],
        help_text=_("Printed before the badge number, e.g. DUS for DUS-0042."),
        verbose_name=_("badge prefix"),
    )
    badge_format = models.CharField(
        max_length=4,
        choices=BadgeFormat.choices,
        default=BadgeFormat.CR80,
        verbose_name=_("badge format"),
    )
    letterhead_logo = models.ImageField(
        upload_to="letterheads/",
        blank=True,
        help_text=_("Printed at the top of letters, certificates and lists; PNG or JPEG."),
        verbose_name=_("letterhead logo"),
    )
    letterhead_address = models.TextField(
        blank=True,
        help_text=_("Up to three lines under the title on printed documents: sender, address."),
        verbose_name=_("letterhead address"),
    )
    signatory_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Who signs visa-support letters and certificates of attendance."),
        verbose_name=_("signatory name"),
    )
    signatory_title = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("e.g. Head of the Conference Secretariat"),
        verbose_name=_("signatory title"),
    )
    next_visa_letter_number = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Visa-letter references are issued once and never reused."),
        verbose_name=_("next visa letter number"),
    )
    published_version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Bumped on every public change; keys the cache."),
        verbose_name=_("published version"),
    )

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_title} ({self.start_date:%Y})"

    def save(self, *args, **kwargs):
        # A replaced logo is deleted from the storage (disk or bucket) after the commit.
        delete_replaced_files(self, "letterhead_logo")
        super().save(*args, **kwargs)

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def local_text(self, moment: datetime) -> str:
        """The moment as people read it: wall time here, the site's one format, the language."""
        return date_format(self.local(moment), "DATETIME_FORMAT")

    def zone_label_at(self, moment: datetime | None = None) -> str:
        """The time zone as people read it, in the active language: "Душанбе (GMT+05:00)".

        Never the database name ("Asia/Dushanbe"); the offset is the one at ``moment``.
        """
        return zone_label(self.tz, moment)

    @property
    def zone_label(self) -> str:
        return self.zone_label_at(None)

    @property
    def working_languages_local(self) -> str:
        """The working languages named in the active language ("английский, русский")."""
        return language_names_local(self.working_languages)

    def printed_badge_number(self, number: int) -> str:
        """The number as printed and typed at the desk; the stored one stays the integer."""
        return f"{self.badge_prefix}-{number:04d}" if self.badge_prefix else f"{number:04d}"

    def visa_letter_reference(self, number: int) -> str:
        """The printed reference of a visa-support letter, e.g. DUS/VISA/2019/017."""
        prefix = f"{self.badge_prefix}/" if self.badge_prefix else ""
        return f"{prefix}VISA/{self.start_date:%Y}/{number:03d}"

    @property
    def days(self) -> list[date]:
        count = (self.end_date - self.start_date).days + 1
        return [date.fromordinal(self.start_date.toordinal() + i) for i in range(count)]


def validate_same_conference(instance: models.Model, *fields: str, conference_id) -> None:
    """Refuse ``fields`` of ``instance`` that point at another conference's row.

    Rooms, people and delegations of different years carry the same names, so a wrong
    pick looks right on the form; each error names both conferences.
    """
    errors = {}
    for field in fields:
        try:
            target = getattr(instance, field)
        except ObjectDoesNotExist:  # a required reference not chosen yet: the field says so
            continue
        if target is None or conference_id is None or target.conference_id == conference_id:
            continue
        errors[field] = ValidationError(
            _("%(target)s belongs to %(other)s, not to %(conference)s."),
            code="other_conference",
            params={
                "target": target,
                "other": target.conference,
                "conference": Conference.objects.get(pk=conference_id),
            },
        )
    if errors:
        raise ValidationError(errors)


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    acronym = models.CharField(max_length=30, blank=True, verbose_name=_("acronym"))
    kind = models.CharField(max_length=24, choices=OrganizationKind.choices, verbose_name=_("kind"))

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class ConferencePartner(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="partners", verbose_name=_("conference")
    )
    country = CountryField(blank=True, verbose_name=_("country"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    role = models.CharField(max_length=16, choices=PartnerRole.choices, verbose_name=_("role"))
    display_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("display order"))

    class Meta:
        verbose_name = _("conference partner")
        verbose_name_plural = _("conference partners")
        ordering = ["conference", "display_order", "id"]
        constraints = [
            # Two constraints, so that each mistake gets its own message.
            models.CheckConstraint(
                condition=~Q(country="") | Q(organization__isnull=False),
                name="partner_country_or_organization",
                violation_error_message=_("Choose a country or an organization."),
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(organization__isnull=True),
                name="partner_country_xor_organization",
                violation_error_message=_("Choose either a country or an organization, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_role_display()}"

    @property
    def name(self) -> str:
        return str(self.organization) if self.organization_id else self.country.name
