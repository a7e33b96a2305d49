"""E-mails to focal points, sent from ``transaction.on_commit``: a rollback never mails.

Each is written in the delegation's correspondence language, whoever triggered it: an
organizer working in Russian still writes to an English-speaking delegation in English.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import AccreditationEvent, Delegation


def _send(*, to: str, language: str, template: str, context: dict) -> None:
    with translation.override(language):
        text = render_to_string(template, context)
    subject, _, body = text.strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [to])


def accreditation_changed(*, event_id: int) -> None:
    event = AccreditationEvent.objects.select_related(
        "participant__delegation", "participant__conference"
    ).get(pk=event_id)
    delegation = event.participant.delegation
    if delegation is None or not delegation.focal_point_email:
        return
    _send(
        to=delegation.focal_point_email,
        language=delegation.correspondence_language,
        template="participants/email/accreditation_changed.txt",
        context={"event": event, "participant": event.participant, "delegation": delegation},
    )


def nomination_link(*, delegation_id: int, url: str) -> None:
    delegation = Delegation.objects.select_related("conference").get(pk=delegation_id)
    _send(
        to=delegation.focal_point_email,
        language=delegation.correspondence_language,
        template="participants/email/nomination_link.txt",
        context={"delegation": delegation, "url": url},
    )
