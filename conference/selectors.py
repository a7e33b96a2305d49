import django_otp
from django.conf import settings
from django.db.models import QuerySet

from .models import Conference


def conferences_newest_first() -> QuerySet[Conference]:
    """Every conference, the one that starts last first: how the organizers' choices list them."""
    return Conference.objects.order_by("-start_date", "-pk")


def conference_current() -> Conference | None:
    """The conference the organizers work on now: the one that starts last (None before any).

    The desk's index, the accreditation dashboard and a new circular start from it.
    """
    return conferences_newest_first().first()


def public_conferences() -> QuerySet[Conference]:
    return Conference.objects.filter(is_public=True).order_by("-start_date", "title")


# Two-factor sign-in (django-otp). Whoever can read identity data must have a second factor;
# PLENARY_OTP_REQUIRED_FOR_ALL extends that to every staff account.
IDENTITY_PERMISSION = "participants.view_identity_document"


def otp_required(user) -> bool:
    return settings.PLENARY_OTP_REQUIRED_FOR_ALL or user.has_perm(IDENTITY_PERMISSION)


def otp_has_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)
