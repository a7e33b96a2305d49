"""Writes of the letters concern: visa-support letters, numbered and recorded.

Drawing is ``printing``; who may have a letter is decided by ``selectors``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from conference.models import Conference
from participants.accreditation import selectors
from participants.accreditation.services import FOCAL_POINT, identity_letter_record
from participants.enums import (
    INACTIVE_STATUSES,
)
from participants.letters import selectors as letters_selectors
from participants.models import (
    Delegation,
    Participant,
    VisaLetter,
)

# Visa-support letters ----------------------------------------------------------------------


class LetterRefused(Exception):
    """A letter or certificate that cannot be written; ``str()`` names who and what is missing."""


def _visa_letter_create(
    *, participant: Participant, by: AbstractBaseUser | None, language: str, actor_label: str
) -> VisaLetter:
    # The conference row is the counter, as for badges: the lock serializes two organizers
    # producing at once, and the number only grows, so a deleted letter's number stays spent.
    conference = Conference.objects.select_for_update().get(pk=participant.conference_id)
    number = conference.next_visa_letter_number
    Conference.objects.filter(pk=conference.pk).update(next_visa_letter_number=number + 1)
    letter = VisaLetter(
        conference=conference,
        number=number,
        reference=conference.visa_letter_reference(number),
        participant=participant,
        participant_name=participant.full_name[:200],
        consulate=participant.visa_consulate,
        language=language,
        content_digest=letters_selectors.visa_letter_digest(participant=participant),
        produced_by=by,
        actor_label=actor_label,
    )
    letter.full_clean()
    letter.save()
    who = f" ({actor_label})" if actor_label else ""
    identity_letter_record(
        user=by, participant=participant, what=f"visa letter {letter.reference}{who}"
    )
    return letter


def _letter_language(participant: Participant, language: str | None) -> str:
    return language or participant.preferred_language


def _visa_letter_current_or_new(
    *, participant: Participant, by: AbstractBaseUser | None, language: str, actor_label: str
) -> VisaLetter:
    """The participant's letter while nothing it certifies has changed, printed in
    ``language`` under the same reference; a new letter with a new reference after a change.
    """
    digest = letters_selectors.visa_letter_digest(participant=participant)
    letter = participant.visa_letters.order_by("-number").first()
    if letter is None or letter.content_digest != digest:
        return _visa_letter_create(
            participant=participant, by=by, language=language, actor_label=actor_label
        )
    # The language it is printed in this time; the record keeps the reference.
    letter.language = language
    who = f" ({actor_label})" if actor_label else ""
    identity_letter_record(
        user=by, participant=participant, what=f"visa letter {letter.reference}{who}"
    )
    return letter


@transaction.atomic
def visa_letters_produce(
    *,
    participants: Iterable[Participant],
    by: AbstractBaseUser,
    language: str | None = None,
) -> tuple[list[VisaLetter], list[str]]:
    """The letter of each participant whose passport data is on file: the same reference while
    nothing it certifies has changed, whatever language it is printed in; a new one after.

    Returns (the letters, why each of the others was refused). ``language`` is the
    organizer's choice; by default each letter is in the participant's language.
    Each letter is written to the identity access log.
    """
    if not selectors.can_view_identity(by):
        raise LetterRefused(_("Producing a visa-support letter needs the identity permission."))
    letters, refused = [], []
    for participant in participants:
        if participant.status in INACTIVE_STATUSES:
            refused.append(
                _("%(name)s no longer takes part (%(status)s).")
                % {"name": participant.full_name, "status": participant.get_status_display()}
            )
            continue
        missing = letters_selectors.visa_letter_missing(participant=participant)
        if missing:
            refused.append(missing)
            continue
        letters.append(
            _visa_letter_current_or_new(
                participant=participant,
                by=by,
                language=_letter_language(participant, language),
                actor_label="",
            )
        )
    return letters, refused


@transaction.atomic
def visa_letter_for_focal_point(*, delegation: Delegation, participant_id: int) -> VisaLetter:
    """The letter the portal offers a focal point for one approved member who asked for it.

    The same letter (and reference) while nothing it prints has changed; a new one after.
    """
    member = letters_selectors.portal_visa_letter_members(delegation=delegation).get(
        pk=participant_id
    )
    missing = letters_selectors.visa_letter_missing(participant=member)
    if missing:
        raise LetterRefused(missing)
    return _visa_letter_current_or_new(
        participant=member, by=None, language=member.preferred_language, actor_label=FOCAL_POINT
    )
