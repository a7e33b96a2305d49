import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    BadgeFormat,
    ConferenceStatus,
    DocumentKind,
    DocumentStatus,
    OrganizationKind,
    ParagraphKind,
    PartnerRole,
    PositionKind,
    PrecedenceAlphabet,
    RecommendationStatus,
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone."), params={"value": value}
        )


# Public URLs are /<conference slug>/…, so a conference must not take a top-level path.
RESERVED_SLUGS = frozenset({"admin", "desk", "i18n", "language", "media", "nominate", "static"})


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for the site itself; choose another slug."),
            params={"value": value},
        )


class Conference(models.Model):
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_not_reserved])
    theme = models.TextField(blank=True, help_text=_("Theme and objective of the conference."))
    series = models.CharField(max_length=120, blank=True, help_text=_('e.g. "Dushanbe Process"'))
    city = models.CharField(max_length=100)
    country = CountryField()
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    working_languages = models.CharField(
        max_length=100, blank=True, help_text=_("Comma-separated, e.g. English, Russian")
    )
    status = models.CharField(
        max_length=24, choices=ConferenceStatus.choices, default=ConferenceStatus.PLANNING
    )
    is_public = models.BooleanField(default=False)
    registration_deadline = models.DateTimeField(null=True, blank=True)
    vetting_deadline = models.DateTimeField(null=True, blank=True)
    statement_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1)], help_text=_("Default statement time limit.")
    )
    data_retention_until = models.DateField(
        null=True, blank=True, help_text=_("Identity data is shredded after this date.")
    )
    max_delegation_size = models.PositiveSmallIntegerField(default=10)
    requires_passport_data = models.BooleanField(default=True)
    precedence_alphabet = models.CharField(
        max_length=2, choices=PrecedenceAlphabet.choices, default=PrecedenceAlphabet.ENGLISH
    )
    precedence_start = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Letter or delegation name drawn by lot that starts the alphabetical order."),
    )
    next_badge_number = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Badge numbers are issued once and never reused.")
    )
    badge_prefix = models.CharField(
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]+$", _("Capital letters and digits only."))],
        help_text=_("Printed before the badge number, e.g. DUS for DUS-0042."),
    )
    badge_format = models.CharField(
        max_length=4, choices=BadgeFormat.choices, default=BadgeFormat.CR80
    )
    published_version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Bumped on every public change; keys the cache.")
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_title} ({self.start_date:%Y})"

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def printed_badge_number(self, number: int) -> str:
        """The number as printed and typed at the desk; the stored one stays the integer."""
        return f"{self.badge_prefix}-{number:04d}" if self.badge_prefix else f"{number:04d}"

    @property
    def days(self) -> list[date]:
        count = (self.end_date - self.start_date).days + 1
        return [date.fromordinal(self.start_date.toordinal() + i) for i in range(count)]


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=24, choices=OrganizationKind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class ConferencePartner(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="partners")
    country = CountryField(blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=16, choices=PartnerRole.choices)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["conference", "display_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(country="") & Q(organization__isnull=False))
                | (~Q(country="") & Q(organization__isnull=True)),
                name="partner_country_xor_organization",
                violation_error_message=_("Choose either a country or an organization, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_role_display()}"

    @property
    def name(self) -> str:
        return str(self.organization) if self.organization_id else self.country.name


class OutcomeDocument(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="outcome_documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80)
    symbol = models.CharField(max_length=60, blank=True, help_text=_("e.g. A/73/886"))
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.CONCEPT
    )
    adoption_method = models.CharField(max_length=20, choices=AdoptionMethod.choices, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(null=True, blank=True)
    silence_deadline = models.DateTimeField(null=True, blank=True)
    final_version = models.OneToOneField(
        "DocumentVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["conference", "title"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "slug"], name="document_slug_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=[DocumentStatus.ADOPTED, DocumentStatus.PUBLISHED])
                | (
                    Q(final_version__isnull=False, adopted_on__isnull=False)
                    & ~Q(adoption_method="")
                ),
                name="adopted_document_has_final_version",
                violation_error_message=_(
                    "An adopted document needs its final version, adoption date and method."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One text of an outcome document. Once issued it never changes."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="versions")
    sequence = models.PositiveSmallIntegerField(help_text=_("0 for the zero draft, 1 for Rev.1…"))
    label = models.CharField(max_length=40)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sequence"], name="version_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} — {self.label}"

    def save(self, *args, **kwargs):
        self._refuse_if_issued()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_issued()
        return super().delete(*args, **kwargs)

    def _refuse_if_issued(self) -> None:
        # Issuing is the last write a version gets: the stored row decides, not this instance.
        if self.pk and DocumentVersion.objects.filter(pk=self.pk, issued_at__isnull=False).exists():
            raise IssuedVersionError()

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class IssuedVersionError(ValidationError):
    """Raised by any attempt to save or delete an issued version or one of its paragraphs."""

    def __init__(self):
        super().__init__(
            _("An issued version and its paragraphs can no longer change."), code="version_issued"
        )


def _guard_issued(paragraph: "Paragraph") -> None:
    # Both the version it is in and (for an existing row) the one it was stored in count,
    # so a paragraph can neither be written into nor moved out of an issued version.
    issued = DocumentVersion.objects.filter(issued_at__isnull=False)
    if issued.filter(Q(pk=paragraph.version_id) | Q(paragraphs__pk=paragraph.pk or 0)).exists():
        raise IssuedVersionError()


class Paragraph(models.Model):
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="paragraphs"
    )
    position = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=8, blank=True, help_text=_("Assigned automatically."))
    kind = models.CharField(max_length=12, choices=ParagraphKind.choices)
    text = models.TextField()
    is_bracketed = models.BooleanField(default=False, help_text=_("Text not yet agreed."))
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="descendants",
        help_text=_("The paragraph of the previous version this one was copied from."),
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="paragraph_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.position}".strip()

    def save(self, *args, **kwargs):
        _guard_issued(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _guard_issued(self)
        return super().delete(*args, **kwargs)


class Amendment(models.Model):
    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="amendments"
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="amendments",
        help_text=_("The version the amendment was tabled against."),
    )
    target_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text=_("For an addition: the paragraph the new text follows (empty for the start)."),
    )
    action = models.CharField(max_length=8, choices=AmendmentAction.choices)
    kind = models.CharField(
        max_length=12,
        choices=ParagraphKind.choices,
        default=ParagraphKind.OPERATIVE,
        help_text=_("Kind of the paragraph an addition creates."),
    )
    proposed_by = models.ManyToManyField("participants.Delegation", related_name="amendments")
    proposed_text = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    resulting_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The paragraph of the working revision this amendment changed."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action=AmendmentAction.DELETE) | ~Q(proposed_text=""),
                name="amendment_text_unless_delete",
                violation_error_message=_("Additions and replacements need the proposed text."),
            ),
            models.CheckConstraint(
                condition=Q(action=AmendmentAction.ADD) | Q(target_paragraph__isnull=False),
                name="amendment_target_unless_add",
                violation_error_message=_("Deletions and replacements need a target paragraph."),
            ),
        ]

    def __str__(self) -> str:
        # An addition's target is the paragraph the new text follows, not one it changes.
        if self.action != AmendmentAction.ADD:
            target = f" {self.target_paragraph}"
        elif self.target_paragraph_id:
            target = f" after {self.target_paragraph}"
        else:
            target = " at the start"
        return f"{self.get_action_display()}{target} ({self.get_status_display()})"


class DocumentEvent(models.Model):
    """Audit trail of an outcome document's transitions."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=DocumentStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DocumentStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "at", "id"]

    def __str__(self) -> str:
        return f"{self.document}: {self.from_status or '—'} → {self.to_status}"


class SilenceBreak(models.Model):
    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="silence_breaks"
    )
    delegation = models.ForeignKey(
        "participants.Delegation", on_delete=models.PROTECT, related_name="silence_breaks"
    )
    text = models.TextField()
    broken_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "broken_at"]

    def __str__(self) -> str:
        return f"{self.delegation} broke silence on {self.document}"


class PositionStatement(models.Model):
    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="position_statements"
    )
    kind = models.CharField(max_length=16, choices=PositionKind.choices)
    delegations = models.ManyToManyField(
        "participants.Delegation", related_name="position_statements"
    )
    text = models.TextField()
    made_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.document}"


class Recommendation(models.Model):
    code = models.CharField(max_length=20)
    text = models.TextField()
    theme = models.CharField(max_length=120)
    addressee = models.CharField(max_length=200, blank=True)
    source_conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="recommendations"
    )
    presented_at = models.ManyToManyField(
        Conference, blank=True, related_name="presented_recommendations"
    )
    consolidated_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="consolidated_from"
    )
    status = models.CharField(
        max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.PROPOSED
    )

    class Meta:
        ordering = ["source_conference", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_conference", "code"], name="recommendation_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(consolidated_into=F("pk")),
                name="recommendation_not_consolidated_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.theme}"
