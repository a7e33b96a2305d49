"""The fields every audit table shares: who acted and when. Each app's audit rows say what."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        abstract = True


class TransitionRecord(AuditRecord):
    """A change of state of ``subject_field``; subclasses declare from_status and to_status."""

    subject_field: ClassVar[str]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        subject = getattr(self, self.subject_field)
        return f"{subject}: {self.from_status or '—'} → {self.to_status}"
