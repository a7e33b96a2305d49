"""Writes of the identity concern: the retention shredder.

The access log's writers (``identity_*_record``) stay in the core's services: every concern
that reads identity data (exports, letters, the desk, the admin) records it there.
"""

from __future__ import annotations

import dataclasses

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from participants.counts import participant_counts_changed
from participants.models import (
    AccreditationEvent,
    Delegation,
    IdentityDocument,
    IdentityShredding,
    Participant,
)

# The retention shredder. Conference.data_retention_until promises that identity data goes
# after that date; this erases it and keeps everything else (names, roles, badges, agenda).
REDACTED = "[redacted]"


@dataclasses.dataclass(frozen=True)
class ShreddingCounts:
    identity_documents: int = 0
    photos: int = 0
    notes_verbales: int = 0
    redacted_events: int = 0

    def __bool__(self) -> bool:
        return any(dataclasses.astuple(self))


def conference_identity_shred_refusal(
    *, conference: Conference, by: AbstractBaseUser, force_reason: str = ""
) -> str | None:
    """Why ``by`` may not shred the conference's identity data now, or None."""
    until = conference.data_retention_until
    if until is not None and timezone.localdate() > until:
        return None
    if not by.is_superuser:
        return _("Only a superuser may shred identity data before the retention date.")
    if not force_reason.strip():
        return _("Give the reason for shredding before the retention date.")
    return None


@transaction.atomic
def conference_identity_shred(
    *, conference: Conference, by: AbstractBaseUser, force_reason: str = ""
) -> ShreddingCounts:
    """Erase the conference's passport data, birth data, photos and notes verbales.

    Identity values quoted in accreditation reasons and messages become "[redacted]"; the
    events stay. Files are deleted inside the transaction, before it commits: a run that
    stops halfway leaves the rows, and the next run deletes them and any file still there
    (deleting a missing file is no error), so nothing is left behind and nothing erased twice.
    A run that finds nothing to erase changes nothing and records nothing.
    """
    refusal = conference_identity_shred_refusal(
        conference=conference, by=by, force_reason=force_reason
    )
    if refusal:
        raise ValidationError(refusal)
    documents = IdentityDocument.objects.select_for_update().filter(
        participant__conference=conference
    )
    held = documents.exclude(**_ERASED_IDENTITY).select_related("participant")
    redacted = _identity_values_redact(conference=conference, documents=held)
    photos = 0
    for document in held.exclude(photo=""):
        document.photo.storage.delete(document.photo.name)
        # The print-size copy is the same face.
        if document.badge_photo.name:
            document.badge_photo.storage.delete(document.badge_photo.name)
        photos += 1
    erased = held.update(**_ERASED_IDENTITY)
    participant_counts_changed()
    Participant.objects.filter(conference=conference).exclude(passport_name="").update(
        passport_name=""
    )
    notes = 0
    delegations = Delegation.objects.select_for_update().filter(conference=conference)
    for delegation in delegations.exclude(nomination_file=""):
        delegation.nomination_file.storage.delete(delegation.nomination_file.name)
        notes += 1
    delegations.exclude(nomination_file="").update(nomination_file="")
    counts = ShreddingCounts(
        identity_documents=erased, photos=photos, notes_verbales=notes, redacted_events=redacted
    )
    if counts:
        IdentityShredding.objects.create(
            conference=conference,
            by=by,
            forced_reason=force_reason.strip(),
            **dataclasses.asdict(counts),
        )
    return counts


_ERASED_IDENTITY = {
    "nationality": "",
    "date_of_birth": None,
    "place_of_birth": "",
    "passport_number": "",
    "passport_issued_on": None,
    "passport_expires_on": None,
    "photo": "",
    "badge_photo": "",
}


def _identity_values_redact(*, conference: Conference, documents) -> int:
    """Replace the passport numbers and birth data of ``documents`` in accreditation notes."""
    values_by_participant = {
        document.participant_id: _identity_spellings(document) for document in documents
    }
    changed = 0
    events = AccreditationEvent.objects.filter(
        participant__conference=conference, participant_id__in=values_by_participant
    ).exclude(reason="", message="")
    for event in events:
        reason, message = event.reason, event.message
        for value in values_by_participant[event.participant_id]:
            reason, message = reason.replace(value, REDACTED), message.replace(value, REDACTED)
        if (reason, message) != (event.reason, event.message):
            AccreditationEvent.objects.filter(pk=event.pk).update(reason=reason, message=message)
            changed += 1
    return changed


def _identity_spellings(document: IdentityDocument) -> list[str]:
    """The ways a person's identity values are written in a note, longest first."""
    values = [document.passport_number, document.place_of_birth]
    for day in (document.date_of_birth, document.passport_issued_on, document.passport_expires_on):
        if day:
            values += [day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%d/%m/%Y")]
    return sorted({value for value in values if len(value) >= 4}, key=len, reverse=True)
