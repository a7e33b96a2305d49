"""Partners' tokens, the log of their calls, webhook endpoints and their deliveries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.enums import DomainEvent
from conference.models import validate_same_conference
from participants.enums import PreferredLanguage

from .enums import DeliveryStatus, Scope


class ApiToken(models.Model):
    """A partner's key to the API of one conference.

    Only the SHA-256 of the key is kept (``key_hash``); the key is shown once, when made.
    ``prefix`` is the key's public first part, to recognise a token in the logs.
    """

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("conference"),
    )
    name = models.CharField(
        max_length=120,
        help_text=_("Whose token it is and what for, e.g. “Badge printer — approved list”."),
        verbose_name=_("name"),
    )
    partner = models.ForeignKey(
        "conference.ConferencePartner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("partner"),
    )
    owner_email = models.EmailField(blank=True, verbose_name=_("owner's e-mail"))
    can_read = models.BooleanField(
        default=True,
        help_text=_("Conferences, delegations, participants, sessions, documents."),
        verbose_name=_("read"),
    )
    can_read_identity = models.BooleanField(
        default=False,
        help_text=_("Passport data and dates of birth; every read is in the identity access log."),
        verbose_name=_("identity data"),
    )
    nomination_delegation = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("The delegation whose nominations this token may send."),
        verbose_name=_("nominations for"),
    )
    checkin_zone = models.ForeignKey(
        "participants.AccessZone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("The zone at whose door this token records entries and exits."),
        verbose_name=_("check-in at"),
    )
    checkin_device = models.ForeignKey(
        "participants.ScannerDevice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_(
            "The scanner device the check-ins are recorded as (its scans, its revocation); "
            "it must cover the zone."
        ),
        verbose_name=_("scanner device"),
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False, verbose_name=_("prefix"))
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key digest")
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last used at")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked at")
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["conference", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_read_identity=False) | Q(can_read=True),
                name="api_token_identity_needs_read",
                violation_error_message=_("Identity data can only be given with read access."),
            ),
            models.CheckConstraint(
                condition=Q(checkin_device__isnull=True) | Q(checkin_zone__isnull=False),
                name="api_token_device_needs_zone",
                violation_error_message=_("A scanner device needs the zone it checks in at."),
            ),
            models.CheckConstraint(
                condition=Q(can_read=True)
                | Q(nomination_delegation__isnull=False)
                | Q(checkin_zone__isnull=False),
                name="api_token_has_a_scope",
                violation_error_message=_("Give the token at least one scope."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        validate_same_conference(
            self,
            "partner",
            "nomination_delegation",
            "checkin_zone",
            "checkin_device",
            conference_id=self.conference_id,
        )
        device, zone = self.checkin_device, self.checkin_zone
        if device is not None and zone is not None and not device.zones.filter(pk=zone.pk).exists():
            message = _("%(device)s does not cover the zone %(zone)s.")
            raise ValidationError(
                {
                    "checkin_device": ValidationError(
                        message, params={"device": device, "zone": zone.code}
                    )
                }
            )

    @property
    def scopes(self) -> set[str]:
        scopes = set()
        if self.can_read:
            scopes.add(Scope.READ)
        if self.can_read_identity:
            scopes.add(Scope.IDENTITY)
        if self.nomination_delegation_id:
            scopes.add(Scope.NOMINATIONS)
        if self.checkin_zone_id:
            scopes.add(Scope.CHECKIN)
        return scopes

    def refusal(self, at=None) -> str | None:
        """Why the token no longer works ("revoked", "expired"), or None."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (at or timezone.now()):
            return "expired"
        return None


class ApiCall(models.Model):
    """Every request made with a token, answered or refused."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="calls", verbose_name=_("token")
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("at"))
    method = models.CharField(max_length=8, verbose_name=_("method"))
    path = models.CharField(max_length=300, verbose_name=_("path"))
    status_code = models.PositiveSmallIntegerField(verbose_name=_("status code"))
    address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("address"))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"


class WebhookEndpoint(models.Model):
    """A partner's URL and the events it wants, signed with its own secret."""

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("conference"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    url = models.URLField(max_length=500, verbose_name=_("URL"))
    events = models.JSONField(
        default=list,
        help_text=_("The events sent to this URL."),
        verbose_name=_("events"),
    )
    secret = models.CharField(
        max_length=64,
        editable=False,
        help_text=_("Signs every delivery (HMAC-SHA256); shown to the partner once."),
        verbose_name=_("signing secret"),
    )
    owner_email = models.EmailField(
        help_text=_("Told when the endpoint is disabled after repeated failures."),
        verbose_name=_("owner's e-mail"),
    )
    owner_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.ENGLISH,
        help_text=_("The language of the mail to the owner."),
        verbose_name=_("owner's language"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    consecutive_failures = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("consecutive failures")
    )
    disabled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("disabled at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["conference", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [kind for kind in self.events or [] if kind not in DomainEvent.values]
        if not isinstance(self.events, list) or unknown:
            raise ValidationError({"events": _("Choose events from the list.")})


class WebhookDelivery(models.Model):
    """One event for one endpoint: written with the change, sent by a task, retried."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.CharField(max_length=40, choices=DomainEvent.choices, verbose_name=_("event"))
    payload = models.JSONField(verbose_name=_("payload"))
    status = models.CharField(
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("last response code")
    )
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhook_delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("response code")
    )
    error = models.CharField(max_length=300, blank=True, verbose_name=_("error"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=_("duration (ms)"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
