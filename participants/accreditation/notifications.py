"""E-mails to focal points and participants, written to the outbox in the business transaction.

Each is rendered from its organizer-edited template (participants/accreditation/mails.py) in
the recipient's language, whoever triggered it: an organizer working in Russian still writes to an
English-speaking delegation in English. The outbox sends them after the commit, so a rollback
never mails. Accreditation changes are digests: one message per delegation for all the changes
of one action. An event's ``reason`` is internal and is never written into a message; its
``message`` is.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from django.utils import translation
from django.utils.translation import gettext as _

from conference.mail.placeholders import substitute
from conference.mail.services import (
    Outgoing,
    Rendered,
    mail_render,
    mail_template,
    outbox_write,
)
from conference.models import Conference
from participants.accreditation import mails
from participants.accreditation.selectors import CircularRecipient
from participants.enums import BADGE_HOLDING_STATES, AccreditationState
from participants.models import AccreditationEvent, Delegation


def _polite(name: str) -> str:
    return name or _("Sir or Madam")


def _digest_key(recipient: str, event_ids: Iterable[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(event_ids))).encode()).hexdigest()[:32]
    return f"accreditation:{recipient}:{digest}"


def _member_line(event: AccreditationEvent) -> str:
    participant = event.participant
    line = f"- {participant.display_name}: {event.get_to_status_display()}"
    if event.badge_number and event.to_status in BADGE_HOLDING_STATES:
        number = participant.conference.printed_badge_number(event.badge_number)
        if _replaces_a_badge(event):
            line += (
                " ("
                + _("the badge was voided; new badge number: %(number)s") % {"number": number}
                + ")"
            )
        else:
            line += f" ({_('Badge number:')} {number})"
    if event.message:
        line += f"\n  {_('Message from the accreditation team:')} {event.message}"
    return line


def _replaces_a_badge(event: AccreditationEvent) -> bool:
    """A reprint: from a badge stage to printed again, under a new number."""
    return event.to_status == AccreditationState.BADGE_PRINTED and event.from_status in (
        AccreditationState.BADGE_PRINTED,
        AccreditationState.BADGE_COLLECTED,
    )


def _digest_values(*, events: list[AccreditationEvent], name: str, delegation: str) -> dict:
    counts = Counter(event.get_to_status_display() for event in events)
    return {
        "recipient_name": _polite(name),
        "delegation": delegation,
        "conference": events[0].participant.conference.title,
        "conference_short": events[0].participant.conference.short_title,
        "summary": "; ".join(f"{status}: {count}" for status, count in counts.items()),
        "details": "\n".join(_member_line(event) for event in events),
    }


def accreditation_digests_write(*, event_ids: Iterable[int]) -> list[int]:
    """One message per delegation (to its focal point) for these accreditation events.

    A participant outside any delegation is written to directly, in their own language.
    Events rolled back since are gone from the database and mailed to nobody.
    """
    events = (
        AccreditationEvent.objects.filter(pk__in=list(event_ids))
        .select_related(
            "participant__delegation__organization",
            "participant__delegation__conference",
            "participant__conference",
        )
        .order_by("participant__family_name", "participant__given_names", "pk")
    )
    groups: dict[tuple, list[AccreditationEvent]] = defaultdict(list)
    for event in events:
        participant = event.participant
        delegation = participant.delegation
        if delegation is None:
            groups[("participant", participant.pk)].append(event)
        elif delegation.focal_point_email:
            groups[("delegation", delegation.pk)].append(event)
    by_conference: dict[int, list[Outgoing]] = defaultdict(list)
    for (whom, _pk), group in groups.items():
        participant = group[0].participant
        if whom == "delegation":
            delegation = participant.delegation
            recipient, language = delegation.focal_point_email, delegation.correspondence_language
            name = delegation.focal_point_name
        else:
            delegation = None
            recipient, language, name = (
                participant.email,
                participant.mail_language,
                participant.display_name,
            )
        with translation.override(language):
            values = _digest_values(
                events=group,
                name=name,
                delegation=delegation.local_name if delegation else participant.display_name,
            )
        by_conference[participant.conference_id].append(
            Outgoing(
                recipient=recipient,
                language=language,
                idempotency_key=_digest_key(recipient, (event.pk for event in group)),
                values=values,
            )
        )
    ids = []
    for conference_id, outgoing in by_conference.items():
        ids += outbox_write(
            key=mails.ACCREDITATION_DIGEST.key,
            messages=outgoing,
            conference=Conference(pk=conference_id),
        )
    return ids


def nomination_link_write(*, delegation: Delegation, url: str, send_id: str) -> list[int]:
    """The personal nomination link, to the focal point; ``send_id`` names this sending."""
    language = delegation.correspondence_language
    conference, expires = delegation.conference, delegation.nomination_link_expires_at
    with translation.override(language):
        values = {
            "recipient_name": _polite(delegation.focal_point_name),
            "delegation": delegation.local_name,
            "conference": conference.title,
            "conference_short": conference.short_title,
            "url": url,
            "expires": conference.local_text(expires) if expires else "",
        }
    return outbox_write(
        key=mails.NOMINATION_LINK.key,
        conference=conference,
        messages=[
            Outgoing(
                recipient=delegation.focal_point_email,
                language=language,
                idempotency_key=f"nomination-link:{delegation.pk}:{send_id}",
                values=values,
            )
        ],
    )


def _circular_values(
    *,
    recipient: CircularRecipient,
    conference: Conference,
    subject: Mapping[str, str],
    body: Mapping[str, str],
    language: str,
) -> dict[str, str]:
    """The circular's own text, in ``language`` (English where it has no Russian)."""
    with translation.override(language):
        own = {
            "recipient_name": _polite(recipient.name),
            "delegation": recipient.delegation_name(),
            "conference": conference.title,
        }
    return {
        **own,
        "subject": substitute(subject.get(language) or subject["en"], own),
        "message": substitute(body.get(language) or body["en"], own).strip(),
    }


def circular_preview(
    *,
    conference: Conference,
    recipient: CircularRecipient,
    subject: Mapping[str, str],
    body: Mapping[str, str],
    languages: Iterable[str],
) -> dict[str, Rendered]:
    """The circular as ``recipient`` would read it in each language."""
    template = mail_template(mails.CIRCULAR.key)
    return {
        language: mail_render(
            template=template,
            language=language,
            values=_circular_values(
                recipient=recipient,
                conference=conference,
                subject=subject,
                body=body,
                language=language,
            ),
        )
        for language in languages
    }


def circular_write(
    *,
    conference: Conference,
    recipients: list[CircularRecipient],
    subject: Mapping[str, str],
    body: Mapping[str, str],
    send_id: str,
) -> list[int]:
    """One message per recipient, each in its own language; ``send_id`` names this circular."""
    return outbox_write(
        key=mails.CIRCULAR.key,
        conference=conference,
        messages=[
            Outgoing(
                recipient=recipient.email,
                language=recipient.language,
                idempotency_key=f"circular:{send_id}:{recipient.email.lower()}",
                values=_circular_values(
                    recipient=recipient,
                    conference=conference,
                    subject=subject,
                    body=body,
                    language=recipient.language,
                ),
            )
            for recipient in recipients
        ],
    )
