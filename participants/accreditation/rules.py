"""Delegation limits, shared by the focal-point portal, the admin and the CSV import, and
what a conference requires of a participant before approval.

Each limit check looks at a whole proposed membership (the members already saved plus
those being added or changed), so a batch of rows is judged the same way as one
form.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from participants.enums import INACTIVE_STATUSES, DelegationRole
from participants.models import (
    REQUIRED_PASSPORT_FIELDS,
    Delegation,
    IdentityDocument,
    Participant,
)


def email_taken(*, conference_id: int, email: str, exclude_pk: int | None = None) -> bool:
    return (
        Participant.objects.filter(conference_id=conference_id, email__iexact=email.strip())
        .exclude(pk=exclude_pk)
        .exists()
    )


def limit_errors(
    *, delegation: Delegation, active: int, hosted: int, heads: int, first_head: str
) -> dict[str, list[str]]:
    """Field name -> messages for the limits that counts of active members break.

    The counts are enough, so the CSV import can judge each row against running totals
    instead of the whole membership.
    """
    errors: dict[str, list[str]] = {}
    if heads > 1:
        errors.setdefault("role", []).append(
            _("%(delegation)s already has a head of delegation (%(name)s).")
            % {"delegation": delegation, "name": first_head}
        )
    if active > delegation.size_limit:
        errors.setdefault("__all__", []).append(
            _("%(delegation)s may have at most %(limit)d members; this would make %(count)d.")
            % {"delegation": delegation, "limit": delegation.size_limit, "count": active}
        )
    if hosted > delegation.hospitality_quota:
        errors.setdefault("hospitality_requested", []).append(
            _("The host covers %(quota)d member(s) of %(delegation)s; this would make %(count)d.")
            % {"delegation": delegation, "quota": delegation.hospitality_quota, "count": hosted}
        )
    return errors


def membership_errors(*, delegation: Delegation, members: Iterable[Participant]) -> dict:
    """Field name -> messages for every limit the proposed membership breaks."""
    active = [m for m in members if m.status not in INACTIVE_STATUSES]
    heads = [m for m in active if m.role == DelegationRole.HEAD]
    errors = limit_errors(
        delegation=delegation,
        active=len(active),
        hosted=sum(1 for m in active if m.hospitality_requested),
        heads=len(heads),
        first_head=heads[0].full_name if heads else "",
    )
    seen: set[str] = set()
    for member in active:
        key = member.email.strip().lower()
        if key in seen:
            errors.setdefault("email", []).append(
                _("%(email)s appears twice in the delegation.") % {"email": member.email}
            )
        seen.add(key)
    return errors


def validate_membership(*, delegation: Delegation, members: Iterable[Participant]) -> None:
    errors = membership_errors(delegation=delegation, members=members)
    if errors:
        raise ValidationError(errors)


def members_with(*, delegation: Delegation, candidate: Participant) -> list[Participant]:
    """The delegation's saved members with ``candidate`` added or replacing its saved self."""
    saved = [m for m in delegation.members.all() if m.pk != candidate.pk]
    return [*saved, candidate]


def approval_missing(*, participant: Participant) -> list[str]:
    """What the participant's conference requires for approval and they lack, by name.

    The approval service refuses on it; the confirmation and participant pages show it.
    Reads ``participant.conference`` and ``participant.identity``: select them with it.
    """
    conference = participant.conference
    document = getattr(participant, "identity", None)
    names = []
    if conference.requires_photo and not (document and document.photo):
        names.append("photo")
    if conference.requires_passport_data:
        names += [name for name in REQUIRED_PASSPORT_FIELDS if not getattr(document, name, None)]
    return [str(IdentityDocument._meta.get_field(name).verbose_name) for name in names]


def approval_refusal(*, participant: Participant, missing: list[str]) -> str:
    return _("%(name)s cannot be approved: missing %(missing)s, which the conference requires.") % {
        "name": participant.full_name,
        "missing": ", ".join(missing),
    }
