from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Left in "sending" past OUTBOX_STALE_SENDING_AFTER by a worker that died mid-send: the
    # SMTP server may have taken it. An organizer decides: send again, or mark it sent.
    UNSURE = "unsure", _("May have gone out")
