"""The mail of the silence procedure, written into the outbox in each recipient's language.

Called inside the services' transactions: the messages commit with the change they report.
Each focal point reads the deadline in the conference's time zone, in their language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from conference.mail.services import Outgoing, outbox_write
from participants.enums import DelegationStatus
from participants.models import Delegation

from . import mails, selectors
from .enums import ParagraphKind
from .models import SilenceBreak, SilenceProcedure


def focal_points(*, conference_id: int) -> list[Delegation]:
    """Every delegation of the conference with a focal point's address, in name order."""
    return list(
        Delegation.objects.filter(conference_id=conference_id)
        .exclude(focal_point_email="")
        .exclude(status__in=[DelegationStatus.DECLINED, DelegationStatus.WITHDRAWN])
        .select_related("organization", "conference")
        .order_by("name")
    )


def _polite(name: str) -> str:
    return name or _("Sir or Madam")


def _common(procedure: SilenceProcedure, delegation: Delegation) -> dict[str, str]:
    document, conference = procedure.document, procedure.document.conference
    return {
        "recipient_name": _polite(delegation.focal_point_name),
        "delegation": delegation.local_name,
        "conference": conference.title,
        "conference_short": conference.short_title,
        "document": document.title,
        "version": procedure.version.label,
    }


def plain_text(procedure: SilenceProcedure) -> str:
    """The version's text as a mail carries it, in the active language."""
    lines = []
    for paragraph in selectors.version_paragraphs(version=procedure.version):
        if paragraph.kind == ParagraphKind.OPERATIVE:
            lines.append(f"{paragraph.number}. {paragraph.text}")
        else:
            lines.append(paragraph.text)
    return "\n\n".join(lines)


def silence_circulation_write(
    *, procedure: SilenceProcedure, link: Callable[[Delegation], str], send_id: str
) -> list[int]:
    """The text under silence to every focal point, with the delegation's own link."""
    conference = procedure.document.conference
    messages, texts = [], {}
    for delegation in focal_points(conference_id=conference.pk):
        language = delegation.correspondence_language
        with translation.override(language):
            if language not in texts:
                texts[language] = plain_text(procedure)
            values = {
                **_common(procedure, delegation),
                "deadline": conference.local_text(procedure.deadline),
                "url": link(delegation),
                "text": texts[language],
            }
        messages.append(
            Outgoing(
                recipient=delegation.focal_point_email,
                language=language,
                idempotency_key=f"silence:{procedure.pk}:{send_id}:{delegation.pk}",
                values=values,
            )
        )
    return outbox_write(key=mails.SILENCE_CIRCULATION.key, conference=conference, messages=messages)


def silence_receipt_write(*, broken: SilenceBreak) -> list[int]:
    delegation, procedure = broken.delegation, broken.procedure
    if not delegation.focal_point_email:
        return []
    language = delegation.correspondence_language
    conference = procedure.document.conference
    with translation.override(language):
        values = {
            **_common(procedure, delegation),
            "broken_at": conference.local_text(broken.broken_at),
            "text": broken.text,
        }
    return outbox_write(
        key=mails.SILENCE_BREAK_RECEIPT.key,
        conference=conference,
        messages=[
            Outgoing(
                recipient=delegation.focal_point_email,
                language=language,
                idempotency_key=f"silence-receipt:{broken.pk}",
                values=values,
            )
        ],
    )


def silence_outcome_write(
    *, procedure: SilenceProcedure, outcome: Callable[[], str], send_id: str = ""
) -> list[int]:
    """Tell every focal point how the procedure ended; ``outcome`` writes the sentence in the
    active language."""
    conference = procedure.document.conference
    messages = []
    for delegation in focal_points(conference_id=conference.pk):
        language = delegation.correspondence_language
        with translation.override(language):
            values = {**_common(procedure, delegation), "outcome": outcome()}
        messages.append(
            Outgoing(
                recipient=delegation.focal_point_email,
                language=language,
                idempotency_key=(
                    f"silence-outcome:{procedure.pk}:{procedure.outcome}{send_id}:{delegation.pk}"
                ),
                values=values,
            )
        )
    return outbox_write(key=mails.SILENCE_OUTCOME.key, conference=conference, messages=messages)
