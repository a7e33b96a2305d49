import django_otp
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .mailconfig import not_delivered
from .models import Conference
from .setup import MailSetup, SetupRow, setup_steps


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


def conference_setup(*, conference: Conference) -> list[SetupRow]:
    """Every registered setup step with the conference's count, read in one query."""
    steps = setup_steps()
    # Prefixed: "rooms" and "delegations" are already the conference's relations.
    counts = {
        f"setup_{step.key}": Coalesce(
            Subquery(
                step.model._default_manager.filter(step.rows, conference=OuterRef("pk"))
                .order_by()
                .values("conference")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
        for step in steps
    }
    if not counts:
        return []
    found = Conference.objects.filter(pk=conference.pk).values(**counts).get()
    return [
        SetupRow(
            step=step,
            count=found[f"setup_{step.key}"],
            total=found[f"setup_{step.of}"] if step.of else None,
        )
        for step in steps
    ]


def mail_setup() -> MailSetup:
    """The address mail goes out from, and whether this server delivers it."""
    return MailSetup(
        sender=settings.DEFAULT_FROM_EMAIL, undelivered=not_delivered(settings.EMAIL_BACKEND)
    )


# Two-factor sign-in (django-otp). Whoever can read identity data must have a second factor;
# PLENARY_OTP_REQUIRED_FOR_ALL extends that to every staff account.
IDENTITY_PERMISSION = "participants.view_identity_document"


def otp_required(user) -> bool:
    return settings.PLENARY_OTP_REQUIRED_FOR_ALL or user.has_perm(IDENTITY_PERMISSION)


def otp_has_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)
