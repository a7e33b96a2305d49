from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import kinds, placeholders
from .enums import OutboxStatus


class MailTemplate(models.Model):
    """The subject and plain-text body of one kind of message, per language.

    The HTML alternative is rendered from the text, so the two never disagree.
    """

    key = models.CharField(_("key"), max_length=50, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["key"]

    def __str__(self) -> str:
        return str(self.kind.label) if kinds.known(self.key) else self.key

    @property
    def kind(self) -> kinds.MailKind:
        return kinds.get(self.key)

    def clean(self) -> None:
        texts = {
            build_localized_fieldname(field, language): getattr(
                self, build_localized_fieldname(field, language)
            )
            for field in ("subject", "body")
            for language in settings.MODELTRANSLATION_LANGUAGES
        }
        found = placeholders.errors(texts, self.kind.placeholders)
        if found:
            raise ValidationError(found)


class OutboxMessage(models.Model):
    """One message to one recipient, rendered in the recipient's language, kept after sending."""

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("conference"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    status = models.CharField(
        _("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # What this message is for; writing it twice (a repeated request) keeps one row.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(status=OutboxStatus.SENT),
                name="outbox_sent_at_only_when_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
