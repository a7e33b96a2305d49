"""Careful reads of the letters concern: visa letters, certificates, the list of participants."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conference.enums import ConferenceStatus
from conference.models import Conference
from participants.accreditation.selectors import (
    ACTIVE,
    PARTICIPATING_DELEGATION_STATUSES,
    ROLE_ORDER,
    delegations_in_precedence,
)
from participants.enums import (
    BADGE_HOLDING_STATUSES,
)
from participants.models import (
    Delegation,
    IssuedBadge,
    Participant,
)

# Letters and print (issue 15) ----------------------------------------------------


def _and_join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def visa_letter_missing(*, participant: Participant) -> str | None:
    """What keeps a visa-support letter from being written for ``participant``, or None.

    The letter certifies the passport, so each value it prints must be on file.
    """
    identity = getattr(participant, "identity", None)
    missing = []
    if not participant.passport_name.strip():
        missing.append(_("the name as in the passport"))
    if identity is None or not identity.nationality:
        missing.append(_("nationality"))
    if identity is None or not identity.date_of_birth:
        missing.append(_("date of birth"))
    if identity is None or not identity.passport_number:
        missing.append(_("passport number"))
    if identity is None or not identity.passport_expires_on:
        missing.append(_("expiry date"))
    if not participant.visa_consulate.strip():
        missing.append(_("the consular section"))
    if not missing:
        return None
    text = _and_join(missing)
    return ngettext(
        "%(what)s is missing for %(name)s.", "%(what)s are missing for %(name)s.", len(missing)
    ) % {"what": text[:1].upper() + text[1:], "name": participant.full_name}


def visa_letter_candidates(*, delegation: Delegation) -> QuerySet[Participant]:
    """The members of ``delegation`` who asked for visa support and still take part."""
    return (
        delegation.members.filter(ACTIVE, needs_visa_support=True)
        .select_related("conference", "delegation__organization", "identity")
        .order_by("family_name", "given_names", "pk")
    )


def portal_visa_letter_members(*, delegation: Delegation) -> QuerySet[Participant]:
    """Whose letter the portal offers: approved members who ticked "needs visa support"."""
    return visa_letter_candidates(delegation=delegation).filter(status__in=BADGE_HOLDING_STATUSES)


def portal_visa_letter_offers(*, members: Iterable[Participant]) -> dict[int, str]:
    """Of the loaded ``members``, those the portal offers a letter for (the same rule as
    :func:`portal_visa_letter_members`), each with what is missing, or "" when it is ready."""
    return {
        member.pk: visa_letter_missing(participant=member) or ""
        for member in members
        if member.needs_visa_support and member.status in BADGE_HOLDING_STATUSES
    }


def visa_letter_digest(*, participant: Participant) -> str:
    """A keyed digest of everything a letter certifies: equal digests, the same letter.

    The language is not part of it: a letter printed in English and in Russian is one letter
    with one reference.
    """
    identity = getattr(participant, "identity", None)
    values = [
        participant.passport_name,
        participant.visa_consulate,
        participant.functional_title,
        str(participant.delegation_id),
        str(participant.arrival_at),
        str(participant.departure_at),
        *(
            [
                str(identity.nationality),
                str(identity.date_of_birth),
                identity.passport_number,
                str(identity.passport_issued_on),
                str(identity.passport_expires_on),
            ]
            if identity
            else []
        ),
    ]
    return salted_hmac(VISA_LETTER_SALT, "\x1f".join(values)).hexdigest()


VISA_LETTER_SALT = "participants.visa-letter"


def collected_badge_participants(*, participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Those of ``participants`` who collected a badge at the desk (any badge, even voided)."""
    collected = IssuedBadge.objects.filter(collected_at__isnull=False)
    return participants.filter(pk__in=collected.values("participant_id"))


def certificate_refusal_of_conference(*, conference: Conference) -> str | None:
    """Certificates of attendance are written after the conference, or None."""
    if conference.status not in CONCLUDED_STATUSES:
        return _("Certificates of attendance are printed once %(conference)s has concluded.") % {
            "conference": conference.short_title
        }
    return None


def certificate_refusal(*, participant: Participant) -> str | None:
    """Why no certificate of attendance can be written for ``participant``, or None."""
    refusal = certificate_refusal_of_conference(conference=participant.conference)
    if refusal:
        return refusal
    if not participant.issued_badges.filter(collected_at__isnull=False).exists():
        return never_collected_text(participant=participant)
    return None


def never_collected_text(*, participant: Participant) -> str:
    return _("%(name)s never collected a badge.") % {"name": participant.full_name}


CONCLUDED_STATUSES = (ConferenceStatus.CONCLUDED, ConferenceStatus.ARCHIVED)


def certificates_in_protocol_order(
    *, conference: Conference, participants: QuerySet[Participant]
) -> tuple[list[Participant], list[Participant]]:
    """(who gets a certificate in protocol order, who of the rest never collected a badge)."""
    rows = list(
        participants.filter(conference=conference).select_related(
            "conference", "delegation__organization"
        )
    )
    collected = set(
        collected_badge_participants(participants=participants).values_list("pk", flat=True)
    )
    ordered = _in_protocol_order(conference=conference, participants=rows)
    return [p for p in ordered if p.pk in collected], [p for p in ordered if p.pk not in collected]


def _in_protocol_order(
    *, conference: Conference, participants: Iterable[Participant]
) -> list[Participant]:
    """Delegations in precedence, heads first in each, people without a delegation last."""
    participants = list(participants)
    delegations = {p.delegation for p in participants if p.delegation_id}
    rank = {
        d.pk: index
        for index, d in enumerate(
            delegations_in_precedence(conference=conference, delegations=delegations)
        )
    }

    return sorted(
        participants, key=lambda p: (rank.get(p.delegation_id, len(rank)), *_heads_first(p))
    )


def _heads_first(p: Participant) -> tuple:
    """Within a delegation: the head, the deputy, then the others by role and name."""
    return (
        ROLE_ORDER.get(p.role, len(ROLE_ORDER)),
        p.family_name.casefold(),
        p.given_names.casefold(),
        p.pk,
    )


def participant_list_is_final(*, conference: Conference, edition: str | None = None) -> bool:
    """The final list once the conference has concluded, unless an edition is asked for."""
    if edition in ("final", "provisional"):
        return edition == "final"
    return conference.status in CONCLUDED_STATUSES


# The only participant columns the public list reads: no contact or identity data.
PUBLIC_LIST_FIELDS = (
    "id",
    "delegation_id",
    "honorific",
    "honorific_en",
    "honorific_ru",
    "given_names",
    "family_name",
    "name_cyrillic",
    "functional_title",
    "functional_title_en",
    "functional_title_ru",
    "role",
)


def public_participant_list(*, conference: Conference, final: bool) -> list[Delegation]:
    """Delegations in protocol precedence, each with ``listed``: who agreed to be listed.

    The provisional list has everyone still taking part; the final one the accredited.
    Heads of delegation come first. Delegations with no one listed are left out.
    """
    people = Participant.objects.only(*PUBLIC_LIST_FIELDS)
    # The provisional edition lists who registered and agreed; the final one names people
    # by the rule of every public page.
    people = people.publicly_named() if final else people.filter(ACTIVE, consent_public_list=True)
    delegations = (
        Delegation.objects.filter(
            conference=conference, status__in=PARTICIPATING_DELEGATION_STATUSES
        )
        .select_related("organization")
        .prefetch_related(Prefetch("members", queryset=people, to_attr="listed"))
    )
    ordered = []
    for delegation in delegations_in_precedence(conference=conference, delegations=delegations):
        if delegation.listed:
            delegation.listed.sort(key=_heads_first)
            ordered.append(delegation)
    return ordered
