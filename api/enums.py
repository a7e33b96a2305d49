from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed after every attempt")


class Scope(models.TextChoices):
    """What a token may do; a token holds one or more."""

    READ = "read", _("Read")
    IDENTITY = "identity", _("Identity data")
    NOMINATIONS = "nominations", _("Nominations for one delegation")
    CHECKIN = "checkin", _("Check-in at one zone")
