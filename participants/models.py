import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from conference.audit import TransitionRecord
from conference.models import Conference, validate_same_conference
from participants.enums import (
    BADGE_HOLDING_STATUSES,
    IMPORT_JOB_CONFIRMED_STATUSES,
    IMPORT_JOB_PENDING_STATUSES,
    IMPORT_JOB_PREVIEW_STATUSES,
    IMPORT_JOB_WORKING_STATUSES,
    INACTIVE_STATUSES,
    STATE_CATEGORIES,
    AccreditationState,
    AccreditationStatus,
    BadgeKind,
    CredentialsStatus,
    DelegationCategory,
    DelegationRole,
    DelegationStatus,
    Gender,
    IdentityAccessKind,
    ImportJobStatus,
    PreferredLanguage,
    RepresentationLevel,
    ScanAction,
    ScanResult,
)
from participants.transliteration import has_cyrillic, search_key, to_latin
from participants.uploads import (
    BADGE_PHOTO_DIR,
    NOTE_VERBALE_EXTENSIONS,
    is_badge_photo_of,
    note_verbale_path,
    validate_note_verbale,
)

hex_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Use a hex colour such as #C8102E."))
# A name goes on one line of a badge, a visa letter and a CSV row; a pasted line break or
# control character splits all three.
single_line = RegexValidator(
    r"[\x00-\x1f\x7f\x85\u2028\u2029]",
    _("Write the name on one line, without line breaks."),
    code="line_break",
    inverse_match=True,
)


class AccessZone(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="access_zones",
        verbose_name=_("conference"),
    )
    code = models.CharField(max_length=10, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    # Re-entry rules, checked at each entry (participants/badging/door.py).
    single_entry = models.BooleanField(
        default=False,
        help_text=_("A badge enters once; after that every entry is refused, exit or not."),
        verbose_name=_("single entry"),
    )
    anti_passback = models.BooleanField(
        default=False,
        help_text=_("Entry only after exit: a badge that is inside cannot enter again."),
        verbose_name=_("entry only after exit"),
    )
    auto_exit_at = models.TimeField(
        null=True,
        blank=True,
        help_text=_("Every day at this hour (conference time) everyone inside counts as gone out."),
        verbose_name=_("automatic exit at"),
    )

    class Meta:
        verbose_name = _("access zone")
        verbose_name_plural = _("access zones")
        ordering = ["conference", "code"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="zone_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class BadgeCategory(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="badge_categories",
        verbose_name=_("conference"),
    )
    code = models.CharField(max_length=10, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    colour_name = models.CharField(max_length=30, verbose_name=_("colour name"))
    colour = models.CharField(max_length=7, validators=[hex_colour], verbose_name=_("colour"))
    zones = models.ManyToManyField(
        AccessZone, blank=True, related_name="badge_categories", verbose_name=_("zones")
    )
    kind = models.CharField(
        max_length=16,
        choices=BadgeKind.choices,
        default=BadgeKind.DELEGATE,
        help_text=_("Approval proposes the category of the kind that fits the role."),
        verbose_name=_("kind"),
    )
    # Translated like the name (participants/translation.py: label_en, label_ru). The badge
    # prints the English label, or the name when it is empty, and the Russian one beneath it.
    label = models.CharField(
        _("printed label"), max_length=40, blank=True, help_text=_("Empty: the name.")
    )

    class Meta:
        verbose_name = _("badge category")
        verbose_name_plural = _("badge categories")
        ordering = ["conference", "code"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="badge_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name} ({self.colour_name})"


class Delegation(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="delegations",
        verbose_name=_("conference"),
    )
    country = CountryField(blank=True, verbose_name=_("country"))
    organization = models.ForeignKey(
        "conference.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("organization"),
    )
    # Denormalized from country or organization so that lists sort and search
    # in the database; countries are stored as ISO codes.
    name = models.CharField(max_length=200, editable=False, verbose_name=_("name"))
    category = models.CharField(
        max_length=24, choices=DelegationCategory.choices, verbose_name=_("category")
    )
    level = models.PositiveSmallIntegerField(
        choices=RepresentationLevel.choices,
        default=RepresentationLevel.SENIOR_OFFICIAL,
        verbose_name=_("level of representation"),
    )
    focal_point_name = models.CharField(
        max_length=200, blank=True, verbose_name=_("focal point name")
    )
    focal_point_email = models.EmailField(blank=True, verbose_name=_("focal point email"))
    focal_point_phone = models.CharField(
        max_length=40, blank=True, verbose_name=_("focal point phone")
    )
    correspondence_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.ENGLISH,
        verbose_name=_("correspondence language"),
        help_text=_("The language of every e-mail to the focal point."),
    )
    nomination_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Note verbale number."),
        verbose_name=_("nomination reference"),
    )
    nomination_date = models.DateField(null=True, blank=True, verbose_name=_("nomination date"))
    nomination_file = models.FileField(
        upload_to=note_verbale_path,
        blank=True,
        validators=[
            FileExtensionValidator(sorted(NOTE_VERBALE_EXTENSIONS)),
            validate_note_verbale,
        ],
        verbose_name=_("nomination file"),
    )
    credentials_status = models.CharField(
        max_length=10,
        choices=CredentialsStatus.choices,
        default=CredentialsStatus.NONE,
        verbose_name=_("credentials status"),
    )
    hospitality_quota = models.PositiveSmallIntegerField(
        default=1,
        help_text=_("Members whose stay the host pays for."),
        verbose_name=_("hospitality quota"),
    )
    max_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Overrides the conference's maximum delegation size."),
        verbose_name=_("max size"),
    )
    status = models.CharField(
        max_length=10,
        choices=DelegationStatus.choices,
        default=DelegationStatus.INVITED,
        verbose_name=_("status"),
    )
    nomination_nonce = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text=_("Rotating it invalidates old links."),
        verbose_name=_("nomination nonce"),
    )
    nomination_link_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("nomination link expires at")
    )
    nomination_link_revoked = models.BooleanField(
        default=False, verbose_name=_("nomination link revoked")
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["conference", "name"]
        permissions = [("send_circular", _("Can send circulars to delegations and participants"))]
        constraints = [
            # Two constraints, so that each mistake gets its own message.
            models.CheckConstraint(
                condition=~Q(country="") | Q(organization__isnull=False),
                name="delegation_country_or_organization",
                violation_error_message=_("Choose a country or an organization."),
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(organization__isnull=True),
                name="delegation_country_xor_organization",
                violation_error_message=_(
                    "A delegation represents either a country or an organization, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["conference", "country"],
                condition=~Q(country=""),
                name="delegation_country_unique",
                violation_error_message=_("This country already has a delegation here."),
            ),
            models.UniqueConstraint(
                fields=["conference", "organization"],
                condition=Q(organization__isnull=False),
                name="delegation_organization_unique",
                violation_error_message=_("This organization already has a delegation here."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.represented_name

    def save(self, *args, **kwargs):
        # The stored name is the English sort and search key, whoever saves: derived from the
        # row's own fields, like a generated column, with no effect beyond the row. Replacing
        # the note verbale's file is the services' (delete_replaced_files).
        with translation.override("en"):
            self.name = self.represented_name
        super().save(*args, **kwargs)

    @property
    def local_name(self) -> str:
        """The name in the active language (country and organization names are translated)."""
        return self.represented_name or self.name

    @property
    def represented_name(self) -> str:
        if self.organization_id:
            return self.organization.acronym or self.organization.name
        return str(self.country.name) if self.country else ""

    @property
    def is_state(self) -> bool:
        return self.category in STATE_CATEGORIES

    @property
    def size_limit(self) -> int:
        return self.max_size or self.conference.max_delegation_size


# The names the search key is derived from. Never the passport name: that is identity data,
# and the key is searched by people who may not read it.
NAME_FIELDS = frozenset({"given_names", "family_name", "name_cyrillic"})


# The one rule for naming a person on a public page, feed or PDF (delegations, agenda,
# speakers, list of participants): accredited, and agreed to be listed.
PUBLICLY_NAMED = Q(status__in=BADGE_HOLDING_STATUSES, consent_public_list=True)


class ParticipantQuerySet(models.QuerySet):
    # Bulk writes skip save(): they refresh the stored search key themselves (the import
    # creates and updates people in bulk).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for participant in objs:
            participant.search_name = participant.derived_search_name()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not NAME_FIELDS.isdisjoint(fields):
            objs = list(objs)
            for participant in objs:
                participant.search_name = participant.derived_search_name()
            fields = [*fields, "search_name"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        # One statement cannot transliterate each row: names change with their key or not at
        # all (bulk_update above sends both).
        if not NAME_FIELDS.isdisjoint(kwargs) and "search_name" not in kwargs:
            raise TypeError("Names are written by save() or bulk_update(), which keep the key.")
        return super().update(**kwargs)

    def publicly_named(self):
        """Those the public may see by name (``PUBLICLY_NAMED``)."""
        return self.filter(PUBLICLY_NAMED)

    def with_delegation(self):
        return self.select_related("delegation", "badge_category", "conference")

    def with_state(self):
        """Annotate ``annotated_state``, the displayed state, from the badge in circulation.

        One LEFT JOIN: at most one badge per participant is not voided (a constraint).
        """
        badge = "current_badge"
        return self.annotate(
            **{
                badge: FilteredRelation(
                    "issued_badges", condition=Q(issued_badges__voided_at__isnull=True)
                )
            }
        ).annotate(
            annotated_state=Case(
                When(
                    status=AccreditationStatus.APPROVED,
                    **{f"{badge}__collected_at__isnull": False},
                    then=Value(AccreditationState.BADGE_COLLECTED),
                ),
                When(
                    status=AccreditationStatus.APPROVED,
                    **{f"{badge}__printed_at__isnull": False},
                    then=Value(AccreditationState.BADGE_PRINTED),
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_state(self, *states: str):
        """Those whose displayed state is one of ``states``."""
        return self.with_state().filter(annotated_state__in=states)


class Participant(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("conference"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Empty for organizer staff and media without a delegation."),
        verbose_name=_("delegation"),
    )
    honorific = models.CharField(
        max_length=30,
        blank=True,
        validators=[single_line],
        help_text=_("e.g. H.E. Mr."),
        verbose_name=_("honorific"),
    )
    given_names = models.CharField(
        max_length=100, validators=[single_line], verbose_name=_("given names")
    )
    family_name = models.CharField(
        max_length=100, validators=[single_line], verbose_name=_("family name")
    )
    passport_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Full name exactly as in the passport."),
        verbose_name=_("passport name"),
    )
    gender = models.CharField(
        max_length=8, choices=Gender.choices, blank=True, verbose_name=_("gender")
    )
    functional_title = models.CharField(
        max_length=200, blank=True, verbose_name=_("functional title")
    )
    email = models.EmailField(verbose_name=_("email"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    # Consent as given in the nomination portal, with the version of the text agreed to.
    consent_processing_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the member agreed to the processing of their data."),
        verbose_name=_("consent processing at"),
    )
    consent_public_list = models.BooleanField(
        default=False,
        help_text=_("Agreed to appear on a public list of participants."),
        verbose_name=_("consent public list"),
    )
    consent_text_version = models.CharField(
        max_length=20, blank=True, verbose_name=_("consent text version")
    )
    preferred_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.ENGLISH,
        verbose_name=_("preferred language"),
    )
    correspondence_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        blank=True,
        verbose_name=_("correspondence language"),
        help_text=_("The language of e-mails to this participant; empty: the delegation's."),
    )
    role = models.CharField(
        max_length=16,
        choices=DelegationRole.choices,
        default=DelegationRole.REPRESENTATIVE,
        verbose_name=_("role"),
    )
    status = models.CharField(
        max_length=16,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.NOMINATED,
        verbose_name=_("status"),
    )
    badge_category = models.ForeignKey(
        BadgeCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holders",
        verbose_name=_("badge category"),
    )
    badge_number = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("badge number")
    )
    name_cyrillic = models.CharField(
        _("name in Cyrillic"),
        max_length=200,
        blank=True,
        help_text=_("Printed under the name on the badge, e.g. Эмомали Рахмон."),
    )
    # Denormalized from the names, in Latin letters whatever script they are written in, so
    # that the desk finds "Petrov" typed for Петров and the other way round (trigram-indexed
    # on PostgreSQL by migration 0017).
    search_name = models.TextField(blank=True, editable=False, verbose_name=_("search name"))
    # A security hold turns every scan of the participant's badge red until it is lifted.
    security_hold_reason = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("security hold reason")
    )
    security_hold_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("security hold at")
    )
    security_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("security hold by"),
    )
    # Logistics
    hospitality_requested = models.BooleanField(
        default=False,
        help_text=_("The host pays for this member's stay; counts against the quota."),
        verbose_name=_("hospitality requested"),
    )
    arrival_at = models.DateTimeField(null=True, blank=True, verbose_name=_("arrival at"))
    arrival_flight = models.CharField(max_length=20, blank=True, verbose_name=_("arrival flight"))
    departure_at = models.DateTimeField(null=True, blank=True, verbose_name=_("departure at"))
    departure_flight = models.CharField(
        max_length=20, blank=True, verbose_name=_("departure flight")
    )
    hotel = models.CharField(max_length=120, blank=True, verbose_name=_("hotel"))
    needs_airport_transfer = models.BooleanField(
        default=False, verbose_name=_("needs airport transfer")
    )
    needs_visa_support = models.BooleanField(default=False, verbose_name=_("needs visa support"))
    visa_consulate = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "The consular section the visa is applied at, e.g. Embassy of the Republic of "
            "Tajikistan in Kabul, Consular Section."
        ),
        verbose_name=_("consular section"),
    )
    dietary_needs = models.CharField(max_length=200, blank=True, verbose_name=_("dietary needs"))
    accessibility_needs = models.CharField(
        max_length=200, blank=True, verbose_name=_("accessibility needs")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["family_name", "given_names"]
        # The admin lists a conference's participants in this order (the change list adds
        # -pk), filtered by status; at 100,000 people a sort or a deep page must not scan.
        indexes = [
            models.Index(
                fields=["conference", "family_name", "given_names", "-id"],
                name="participant_conference_order",
            ),
            models.Index(fields=["conference", "status"], name="participant_conference_status"),
            # The list sorted by delegation reads one delegation's members at a time, and the
            # dashboard and the list's windows count members per delegation from it alone.
            models.Index(
                fields=["conference", "delegation", "-id"], name="participant_conf_delegation"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation"],
                condition=Q(role=DelegationRole.HEAD) & ~Q(status__in=INACTIVE_STATUSES),
                name="one_head_per_delegation",
                violation_error_message=_("This delegation already has a head of delegation."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                "conference",
                name="participant_email_unique_per_conference",
                violation_error_message=_("Someone with this e-mail is already registered."),
            ),
            models.UniqueConstraint(
                fields=["conference", "badge_number"],
                condition=Q(badge_number__isnull=False),
                name="participant_badge_number_unique",
            ),
            # Printed and collected are the badge's to say, never the participant's.
            models.CheckConstraint(
                condition=Q(status__in=AccreditationStatus.values),
                name="participant_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=BADGE_HOLDING_STATUSES) | Q(badge_category__isnull=False),
                name="badge_holder_has_category",
                violation_error_message=_("An approved participant needs a badge category."),
            ),
            models.CheckConstraint(
                condition=Q(security_hold_at__isnull=True) | ~Q(security_hold_reason=""),
                name="security_hold_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        # The search key, like Delegation.name, is derived from the row's own names whoever
        # saves; a save of other fields leaves it alone.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not NAME_FIELDS.isdisjoint(update_fields):
            self.search_name = self.derived_search_name()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def derived_search_name(self) -> str:
        return search_key(self.given_names, self.family_name, self.name_cyrillic)

    @property
    def is_publicly_named(self) -> bool:
        """``PUBLICLY_NAMED`` for one participant already loaded."""
        return self.status in BADGE_HOLDING_STATUSES and self.consent_public_list

    @property
    def state(self) -> str:
        """The displayed state: the status, or for an approved participant the badge's stage.

        Read from ``with_state()`` where the queryset has it, else from the badge in
        circulation (one query).
        """
        if "annotated_state" in self.__dict__:
            return self.annotated_state
        if self.status != AccreditationStatus.APPROVED or not self.pk:
            return self.status
        badge = self.issued_badges.filter(voided_at__isnull=True).first()
        return badge_stage(badge) if badge else self.status

    def get_state_display(self) -> str:
        return AccreditationState(self.state).label

    def clean(self):
        super().clean()
        validate_same_conference(
            self, "delegation", "badge_category", conference_id=self.conference_id
        )

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()

    @property
    def mail_language(self) -> str:
        """The language e-mails to this participant are written in."""
        if self.correspondence_language:
            return self.correspondence_language
        if self.delegation_id:
            return self.delegation.correspondence_language
        return self.preferred_language

    @property
    def local_display_name(self) -> str:
        """The name as a reader of the active language reads it: in Cyrillic on Russian pages
        and documents where it is on file, with the honorific in that language."""
        if translation.get_language() == "ru" and self.name_cyrillic:
            return f"{self.honorific} {self.name_cyrillic}".strip()
        return self.display_name

    @property
    def badge_name(self) -> str:
        """The name as it is read aloud and printed: honorific, given names, FAMILY NAME, in
        Latin letters (names entered in Cyrillic are transliterated as in a passport)."""
        given, family = to_latin(self.given_names), to_latin(self.family_name)
        return f"{self.honorific} {given} {family.upper()}".strip()

    @property
    def cyrillic_name(self) -> str:
        """The name in Cyrillic: the one entered for it, else the names if they are Cyrillic."""
        if self.name_cyrillic:
            return self.name_cyrillic
        return self.full_name if has_cyrillic(self.full_name) else ""

    @property
    def on_security_hold(self) -> bool:
        return self.security_hold_at is not None

    @property
    def printed_badge_number(self) -> str:
        if self.badge_number is None:
            return ""
        return self.conference.printed_badge_number(self.badge_number)


# Field groups named once: the portal form, the services and the CSV exports all list these.
# The exports' headers are a documented contract (docs/csv.md); a test holds them to it.
LOGISTICS_FIELDS = (
    "hospitality_requested",
    "arrival_at",
    "arrival_flight",
    "departure_at",
    "departure_flight",
    "hotel",
    "needs_airport_transfer",
    "needs_visa_support",
    "dietary_needs",
    "accessibility_needs",
)


class IdentityDocument(models.Model):
    """Identity data, apart from the participant so it can be permissioned and shredded."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="identity",
        verbose_name=_("participant"),
    )
    nationality = CountryField(blank=True, verbose_name=_("nationality"))
    date_of_birth = models.DateField(null=True, blank=True, verbose_name=_("date of birth"))
    place_of_birth = models.CharField(max_length=120, blank=True, verbose_name=_("place of birth"))
    passport_number = models.CharField(max_length=30, blank=True, verbose_name=_("passport number"))
    passport_issued_on = models.DateField(
        null=True, blank=True, verbose_name=_("passport issued on")
    )
    passport_expires_on = models.DateField(
        null=True, blank=True, verbose_name=_("passport expires on")
    )
    photo = models.ImageField(upload_to="photos/", blank=True, verbose_name=_("photo"))
    # The photo as a badge prints it (participants/badges.py): cropped to 3:4 at 300 dpi, made
    # once from ``photo`` at the first print; cleared when the photo changes, erased with it.
    badge_photo = models.ImageField(
        upload_to=BADGE_PHOTO_DIR,
        blank=True,
        editable=False,
        verbose_name=_("photo at print size"),
    )

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        permissions = [
            ("view_identity_document", "Can view passport and identity data"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(passport_expires_on__isnull=True)
                | Q(passport_issued_on__isnull=True)
                | Q(passport_expires_on__gt=models.F("passport_issued_on")),
                name="passport_expires_after_issue",
                violation_error_message=_("The passport expiry date must follow its issue date."),
            ),
        ]

    def __str__(self) -> str:
        return f"Identity document of {self.participant}"

    def save(self, *args, **kwargs):
        # Within the row only; the service that replaces the photo deletes the old files.
        self.stale_badge_photo_drop()
        super().save(*args, **kwargs)

    def clean(self):
        problem = passport_expiry_problem(
            expires_on=self.passport_expires_on, conference=self.participant.conference
        )
        if problem:
            raise ValidationError({"passport_expires_on": problem})

    def stale_badge_photo_drop(self) -> None:
        """Forget a print copy made from another photo: it is made again at the next print."""
        if self.badge_photo.name and not is_badge_photo_of(self.badge_photo.name, self.photo.name):
            self.badge_photo = ""

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) for name in REQUIRED_PASSPORT_FIELDS)


# Many countries refuse a visa on a passport that expires within six months of the stay.
PASSPORT_MARGIN_MONTHS = 6


def _months_after(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def passport_expiry_problem(*, expires_on: dt.date | None, conference) -> str | None:
    """Why a passport with this expiry cannot be used for the conference, or None."""
    if expires_on is not None and expires_on <= conference.end_date:
        return gettext(
            "The passport expires on %(expires)s; it must be valid beyond the end of the "
            "conference on %(end)s."
        ) % {
            "expires": date_format(expires_on, "j E Y"),
            "end": date_format(conference.end_date, "j E Y"),
        }
    return None


def passport_expiry_warning(*, expires_on: dt.date | None, conference) -> str | None:
    """A passport that is valid but too close to expiry for some visas, or None."""
    margin = _months_after(conference.end_date, PASSPORT_MARGIN_MONTHS)
    if expires_on is not None and conference.end_date < expires_on < margin:
        return gettext(
            "The passport expires on %(expires)s, less than six months after the conference "
            "ends; many countries refuse a visa on it. Ask for a renewed passport if a visa "
            "is needed."
        ) % {"expires": date_format(expires_on, "j E Y")}
    return None


# What a visa or security check needs of the passport: a complete identity record.
REQUIRED_PASSPORT_FIELDS = (
    "nationality",
    "date_of_birth",
    "passport_number",
    "passport_expires_on",
)
# The identity document's data without the photo, which is uploaded and re-encoded apart.
PASSPORT_FIELDS = (
    "nationality",
    "date_of_birth",
    "place_of_birth",
    "passport_number",
    "passport_issued_on",
    "passport_expires_on",
)


class IssuedBadge(models.Model):
    """Every badge number ever issued; the unique key keeps a number from coming back."""

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="issued_badges",
        verbose_name=_("conference"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="issued_badges",
        verbose_name=_("participant"),
    )
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("issued at"))
    voided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("voided at"))
    void_reason = models.CharField(max_length=200, blank=True, verbose_name=_("void reason"))
    printed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("printed at"))
    collected_at = models.DateTimeField(null=True, blank=True, verbose_name=_("collected at"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )

    class Meta:
        verbose_name = _("issued badge")
        verbose_name_plural = _("issued badges")
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="issued_badge_unique"),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(voided_at__isnull=True),
                name="one_badge_in_circulation",
            ),
        ]

    def __str__(self) -> str:
        return f"Badge {self.number} ({self.participant})"

    @property
    def printed_number(self) -> str:
        return self.conference.printed_badge_number(self.number)


class BadgePrinting(models.Model):
    """Every time a badge's PDF is produced: the first print and each copy downloaded again.

    A copy keeps the badge's number; only voiding (a lost or stolen badge) issues a new one.
    """

    badge = models.ForeignKey(
        IssuedBadge,
        on_delete=models.CASCADE,
        related_name="printings",
        verbose_name=_("badge"),
    )
    copy_number = models.PositiveSmallIntegerField(verbose_name=_("copy number"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("printed at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("printed by"),
    )

    class Meta:
        verbose_name = _("badge printing")
        verbose_name_plural = _("badge printings")
        ordering = ["badge", "copy_number"]
        constraints = [
            models.UniqueConstraint(fields=["badge", "copy_number"], name="badge_copy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.badge.printed_number} #{self.copy_number}"


def badge_stage(badge: IssuedBadge) -> str:
    """How far a badge in circulation has come, as its holder's displayed state."""
    if badge.collected_at is not None:
        return AccreditationState.BADGE_COLLECTED
    if badge.printed_at is not None:
        return AccreditationState.BADGE_PRINTED
    return AccreditationState.APPROVED


class VisaLetter(models.Model):
    """Every visa-support letter produced: its reference is issued once and never reused.

    The number comes from ``Conference.next_visa_letter_number`` under a row lock; the unique
    key is the database's own guard. A reissue is a new row with a new number; a deleted row
    does not give its number back, because the counter only grows.
    """

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="visa_letters",
        verbose_name=_("conference"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    reference = models.CharField(max_length=40, verbose_name=_("reference"))
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        related_name="visa_letters",
        verbose_name=_("participant"),
    )
    # Kept when the participant is deleted, so the register still says whose letter it was.
    participant_name = models.CharField(max_length=200, verbose_name=_("participant name"))
    consulate = models.CharField(max_length=200, verbose_name=_("consular section"))
    language = models.CharField(
        max_length=2, choices=PreferredLanguage.choices, verbose_name=_("language")
    )
    # A keyed digest of what the letter certifies: the portal hands out the same letter again
    # while nothing changed, and a new reference once something did. No passport value is kept.
    content_digest = models.CharField(
        max_length=64, editable=False, verbose_name=_("content digest")
    )
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("produced by"),
    )
    actor_label = models.CharField(
        max_length=120, blank=True, help_text=_('e.g. "focal point"'), verbose_name=_("actor label")
    )
    produced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("produced at"))

    class Meta:
        verbose_name = _("visa-support letter")
        verbose_name_plural = _("visa-support letters")
        ordering = ["conference", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="visa_letter_unique"),
            models.UniqueConstraint(
                fields=["conference", "reference"], name="visa_letter_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.participant_name})"


class BadgeScan(models.Model):
    """One row per scan or typed number at a desk or checkpoint, green or red."""

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="badge_scans",
        verbose_name=_("conference"),
    )
    # Empty when the code named no badge of this conference (forged, unknown).
    badge = models.ForeignKey(
        IssuedBadge,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("badge"),
    )
    code = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("What was scanned or typed."),
        verbose_name=_("code"),
    )
    # Empty at the accreditation desk; the zone of a checkpoint otherwise.
    zone = models.ForeignKey(
        AccessZone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("zone"),
    )
    action = models.CharField(max_length=10, choices=ScanAction.choices, verbose_name=_("action"))
    result = models.CharField(max_length=20, choices=ScanResult.choices, verbose_name=_("result"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    # The paired scanner that sent the scan; empty for a signed-in officer's desk page.
    device = models.ForeignKey(
        "participants.ScannerDevice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("device"),
    )
    # The device's own key for a scan it queued offline: it is applied once, however often sent.
    client_key = models.UUIDField(null=True, blank=True, editable=False, verbose_name=_("key"))
    scanned_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When an offline device scanned it; the scan is recorded when it syncs."),
        verbose_name=_("scanned at"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("badge scan")
        verbose_name_plural = _("badge scans")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["conference", "zone", "action", "result"]),
            # A badge's last movement in a zone: the re-entry rules read it at every entry.
            models.Index(fields=["badge", "zone", "-at"], name="scan_badge_zone_at"),
        ]
        permissions = [
            ("use_badge_desk", "Can check badges at the accreditation desk and checkpoints"),
            ("set_security_hold", "Can put a participant on security hold"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "client_key"],
                condition=Q(client_key__isnull=False),
                name="scan_client_key_once",
            ),
            models.CheckConstraint(
                condition=Q(action__in=[ScanAction.LOOKUP, ScanAction.HANDOVER], zone__isnull=True)
                | Q(action__in=[ScanAction.ENTRY, ScanAction.EXIT], zone__isnull=False),
                name="scan_zone_matches_action",
            ),
            models.UniqueConstraint(
                fields=["badge"],
                condition=Q(result=ScanResult.HANDED_OVER),
                name="one_handover_per_badge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.get_result_display()} ({self.code})"


class AccreditationEvent(TransitionRecord):
    subject_field = "participant"
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="accreditation_events",
        verbose_name=_("participant"),
    )
    from_status = models.CharField(
        max_length=16,
        choices=AccreditationState.choices,
        blank=True,
        verbose_name=_("from status"),
    )
    to_status = models.CharField(
        max_length=16, choices=AccreditationState.choices, verbose_name=_("to status")
    )
    actor_label = models.CharField(
        max_length=120,
        blank=True,
        help_text=_('Who acted without an account, e.g. "focal point".'),
        verbose_name=_("actor label"),
    )
    reason = models.TextField(
        blank=True,
        help_text=_("Internal: kept in the file, never sent to the delegation."),
        verbose_name=_("reason"),
    )
    message = models.TextField(
        blank=True,
        help_text=_("Sent with the e-mail to the delegation's focal point."),
        verbose_name=_("message"),
    )
    badge_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("badge number")
    )

    class Meta:
        verbose_name = _("accreditation event")
        verbose_name_plural = _("accreditation events")
        ordering = ["participant", "at", "id"]


class IdentityAccessLog(models.Model):
    """Who saw or exported identity data, when, and how much."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(
        max_length=8, choices=IdentityAccessKind.choices, verbose_name=_("kind")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    export = models.CharField(max_length=60, blank=True, verbose_name=_("export"))
    row_count = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("row count"))
    # A paired scanner that fetched photos in its offline snapshot (no user behind it).
    device = models.ForeignKey(
        "participants.ScannerDevice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("identity data access")
        verbose_name_plural = _("identity data access log")
        ordering = ["-at"]

    def __str__(self) -> str:
        what = self.export or str(self.participant)
        return f"{self.user} {self.get_kind_display().lower()} {what}"


class IdentityShredding(models.Model):
    """One run of the retention shredder on a conference: who, when, and what it erased."""

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="identity_shreddings",
        verbose_name=_("conference"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    forced_reason = models.TextField(
        blank=True,
        help_text=_("Why a superuser shredded before the retention date."),
        verbose_name=_("forced reason"),
    )
    identity_documents = models.PositiveIntegerField(
        default=0, verbose_name=_("identity documents")
    )
    photos = models.PositiveIntegerField(default=0, verbose_name=_("photos"))
    notes_verbales = models.PositiveIntegerField(default=0, verbose_name=_("notes verbales"))
    redacted_events = models.PositiveIntegerField(default=0, verbose_name=_("redacted events"))

    class Meta:
        verbose_name = _("identity shredding")
        verbose_name_plural = _("identity shreddings")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.conference} {self.at:%Y-%m-%d}"


class ImportJob(models.Model):
    """One upload of a participants CSV, from the check of its rows to the end of its import.

    A task worker checks the file (validating, then previewed or refused); once the organizer
    confirms the preview, a worker imports it batch by batch (queued, running, done or
    failed). The job's page reads it at every stage. ``source`` holds the uploaded text until
    it is checked; ``rows_csv`` then holds the parsed rows (``ParsedFile.rows_csv``) until the
    import ends or the preview expires, and is emptied: the file's identity data is not kept.
    """

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("conference"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("delegation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participant_import_jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    status = models.CharField(
        max_length=10,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.VALIDATING,
        verbose_name=_("status"),
    )
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    rows_checked = models.PositiveIntegerField(default=0, verbose_name=_("rows checked"))
    # What the preview found: what confirming would create and update.
    planned_created = models.PositiveIntegerField(default=0, verbose_name=_("to create"))
    planned_updated = models.PositiveIntegerField(default=0, verbose_name=_("to update"))
    rows_done = models.PositiveIntegerField(default=0, verbose_name=_("rows done"))
    created_count = models.PositiveIntegerField(default=0, verbose_name=_("created"))
    updated_count = models.PositiveIntegerField(default=0, verbose_name=_("updated"))
    # [{"row": 12, "column": "role", "message": "…"}] of the refused file or batch; row 0 is
    # the file as a whole.
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    source = models.TextField(blank=True, verbose_name=_("uploaded file"))
    rows_csv = models.TextField(blank=True, verbose_name=_("parsed rows"))
    titles = models.JSONField(default=dict, blank=True, verbose_name=_("column titles"))
    ignored = models.JSONField(default=list, blank=True, verbose_name=_("ignored columns"))
    header_length = models.PositiveIntegerField(default=0, verbose_name=_("header length"))

    class Meta:
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")), name="import_job_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 * self.rows_done // self.rows_total if self.rows_total else 100

    @property
    def checked_percent(self) -> int:
        return 100 * self.rows_checked // self.rows_total if self.rows_total else 0

    @property
    def pending(self) -> bool:
        """The confirmed import is still going."""
        return self.status in IMPORT_JOB_PENDING_STATUSES

    @property
    def working(self) -> bool:
        """A worker has still to check or import the file: the job's page reloads itself."""
        return self.status in IMPORT_JOB_WORKING_STATUSES

    @property
    def previewing(self) -> bool:
        """The file is checked: its preview is shown, with the confirmation or the errors."""
        return self.status in IMPORT_JOB_PREVIEW_STATUSES

    @property
    def importing(self) -> bool:
        """Confirmed: the import's progress or its result is shown."""
        return self.status in IMPORT_JOB_CONFIRMED_STATUSES


class ConferenceIdentityData(Conference):
    """A conference seen from its identity data: what is held, and when it is shredded."""

    class Meta:
        proxy = True
        verbose_name = _("identity data of a conference")
        verbose_name_plural = _("identity data by conference")


class ZoneOpening(models.Model):
    """When a zone opens: to every badge, or to one category (media in the gallery at 10:00).

    A category with openings of its own follows those; every other category follows the
    zone's openings for everyone; a zone without openings is always open.
    """

    zone = models.ForeignKey(
        AccessZone, on_delete=models.CASCADE, related_name="openings", verbose_name=_("zone")
    )
    category = models.ForeignKey(
        BadgeCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="zone_openings",
        help_text=_("Empty: every category without openings of its own."),
        verbose_name=_("badge category"),
    )
    day = models.DateField(
        null=True, blank=True, help_text=_("Empty: every day."), verbose_name=_("day")
    )
    opens = models.TimeField(help_text=_("Conference time."), verbose_name=_("opens"))
    closes = models.TimeField(help_text=_("Conference time."), verbose_name=_("closes"))

    class Meta:
        verbose_name = _("zone opening")
        verbose_name_plural = _("zone openings")
        ordering = ["zone", "category", "day", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="zone_opening_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        day = self.day.isoformat() if self.day else gettext("every day")
        return f"{self.zone.code} {day} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.zone_id and self.category_id:
            validate_same_conference(self, "category", conference_id=self.zone.conference_id)


class ScannerDevice(models.Model):
    """A phone or tablet paired with some zones of one conference; it scans with its own key.

    Only hashes are kept: of the one-time pairing code until it is used, then of the key.
    """

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="scanner_devices",
        verbose_name=_("conference"),
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    zones = models.ManyToManyField(
        AccessZone, related_name="scanner_devices", verbose_name=_("zones")
    )
    pairing_hash = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("pairing code digest")
    )
    pairing_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("pairing code expires at")
    )
    key_hash = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("device key digest")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    paired_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paired at"))
    last_seen_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last seen at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("scanner device")
        verbose_name_plural = _("scanner devices")
        ordering = ["conference", "name"]
        permissions = [("pair_scannerdevice", "Can pair and revoke scanner devices")]
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash"], condition=~Q(key_hash=""), name="scanner_key_unique"
            ),
            models.UniqueConstraint(
                fields=["pairing_hash"],
                condition=~Q(pairing_hash=""),
                name="scanner_pairing_unique",
            ),
            # A key exists only once paired; a revoked device keeps neither code nor key.
            models.CheckConstraint(
                condition=Q(key_hash="") | Q(paired_at__isnull=False),
                name="scanner_key_after_pairing",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | (Q(key_hash="") & Q(pairing_hash="")),
                name="scanner_revoked_has_no_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and bool(self.key_hash)
