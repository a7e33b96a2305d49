"""Careful reads for delegations and participants: the nomination portal and the dashboard."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conference.enums import ConferenceStatus, PrecedenceAlphabet
from conference.models import Conference
from participants.enums import (
    BADGE_HOLDING_STATUSES,
    INACTIVE_STATUSES,
    AccreditationState,
    BadgeKind,
    CircularAudience,
    CredentialsStatus,
    DelegationCategory,
    DelegationRole,
    DelegationStatus,
)
from participants.models import (
    AccreditationEvent,
    BadgeCategory,
    Delegation,
    Participant,
)

IDENTITY_PERMISSION = "participants.view_identity_document"
HOLD_PERMISSION = "participants.set_security_hold"
ACTIVE = ~Q(status__in=INACTIVE_STATUSES)
NOMINATION_SALT = "participants.nomination-link"
PHOTO_MISSING = Q(identity__isnull=True) | Q(identity__photo="")
# The database form of IdentityDocument.is_complete.
IDENTITY_INCOMPLETE = (
    Q(identity__isnull=True)
    | Q(identity__nationality="")
    | Q(identity__date_of_birth__isnull=True)
    | Q(identity__passport_number="")
    | Q(identity__passport_expires_on__isnull=True)
)


def nomination_token(*, delegation: Delegation) -> str:
    """The signed part of the portal URL: the delegation and its current nonce.

    No timestamp in the signature: the expiry lives on the delegation, so the same link
    is shown in the admin and mailed until it is rotated.
    """
    return signing.Signer(salt=NOMINATION_SALT).sign_object(
        {"d": delegation.pk, "n": delegation.nomination_nonce.hex}
    )


def badge_kind_for(*, role: str, delegation: Delegation | None) -> str:
    """The kind of badge a participant's role and delegation call for."""
    if delegation is None:
        return BadgeKind.STAFF
    if delegation.category == DelegationCategory.MEDIA:
        return BadgeKind.MEDIA
    if role == DelegationRole.SECURITY:
        return BadgeKind.SECURITY
    if role in (DelegationRole.INTERPRETER, DelegationRole.SUPPORT):
        return BadgeKind.HOST if delegation.category == DelegationCategory.HOST else BadgeKind.STAFF
    if not delegation.is_state:
        return BadgeKind.ORGANIZATION
    return BadgeKind.HEAD if role == DelegationRole.HEAD else BadgeKind.DELEGATE


def approval_badge_categories(
    *, participants: Iterable[Participant]
) -> dict[int, tuple[list[BadgeCategory], BadgeCategory | None]]:
    """Per participant: the categories of its conference and the one approval proposes.

    One query for any number of participants (their delegations already selected).
    """
    participants = list(participants)
    by_conference: dict[int, list[BadgeCategory]] = {}
    for category in BadgeCategory.objects.filter(
        conference_id__in={p.conference_id for p in participants}
    ).order_by("code"):
        by_conference.setdefault(category.conference_id, []).append(category)
    choices = {}
    for participant in participants:
        categories = by_conference.get(participant.conference_id, [])
        chosen = next((c for c in categories if c.pk == participant.badge_category_id), None)
        choices[participant.pk] = (categories, chosen or _category_of_kind(participant, categories))
    return choices


def _category_of_kind(
    participant: Participant, categories: list[BadgeCategory]
) -> BadgeCategory | None:
    kind = badge_kind_for(role=participant.role, delegation=participant.delegation)
    for candidate in (kind, *KIND_FALLBACK.get(kind, ())):
        category = next((c for c in categories if c.kind == candidate), None)
        if category is not None:
            return category
    return None


# A conference that has fewer categories gives these kinds the next one that fits.
KIND_FALLBACK = {
    BadgeKind.HEAD: (BadgeKind.DELEGATE,),
    BadgeKind.ORGANIZATION: (BadgeKind.DELEGATE,),
    BadgeKind.SECURITY: (BadgeKind.STAFF, BadgeKind.HOST),
    BadgeKind.TECHNICAL: (BadgeKind.STAFF, BadgeKind.HOST),
    BadgeKind.HOST: (BadgeKind.STAFF,),
    BadgeKind.STAFF: (BadgeKind.HOST,),
}


ROLE_ORDER = {role: index for index, role in enumerate(DelegationRole.values)}


def can_view_identity(user: AbstractBaseUser) -> bool:
    """Passport and birth data are shown (and exported) only to holders of this permission."""
    return user.has_perm(IDENTITY_PERMISSION)


def delegation_for_token(*, token: str) -> tuple[Delegation, bool] | None:
    """The delegation a nomination token names and whether the token is its current one.

    None when the signature is bad or the delegation is gone. A well-signed token with an
    old nonce was really issued, so it gets a "replaced" message rather than a 404.
    """
    try:
        payload = signing.Signer(salt=NOMINATION_SALT).unsign_object(token)
        delegation = Delegation.objects.select_related("conference", "organization").get(
            pk=payload["d"]
        )
    except (signing.BadSignature, Delegation.DoesNotExist, KeyError, TypeError):
        return None
    return delegation, payload["n"] == delegation.nomination_nonce.hex


def nomination_link_invalid_reason(*, delegation: Delegation, current: bool) -> str | None:
    """Why this link no longer opens the portal at all, or None."""
    if not current:
        return _("This link has been replaced by a newer one. Use the latest link you received.")
    if delegation.nomination_link_revoked:
        return _("This link has been revoked by the organizers.")
    expires = delegation.nomination_link_expires_at
    if expires is not None and expires <= timezone.now():
        return _("This link expired on %(date)s. Ask the organizers for a new one.") % {
            "date": delegation.conference.local_text(expires)
        }
    return None


def registration_closed_reason(*, conference: Conference) -> str | None:
    """Why nominations cannot change now (statuses stay visible), or None while open."""
    deadline = conference.registration_deadline
    if deadline and deadline <= timezone.now():
        return _("Registration for %(conference)s closed on %(date)s.") % {
            "conference": conference.short_title,
            "date": conference.local_text(deadline),
        }
    if conference.status != ConferenceStatus.REGISTRATION_OPEN:
        return _("Registration for %(conference)s is not open (%(status)s).") % {
            "conference": conference.short_title,
            "status": conference.get_status_display(),
        }
    return None


def delegation_members(*, delegation: Delegation) -> QuerySet[Participant]:
    """Members with what the portal and the delegation admin page show of each."""
    return (
        delegation.members.with_state()
        .select_related("conference", "identity", "badge_category")
        .order_by("created_at", "pk")
    )


def delegation_events(*, delegation: Delegation) -> QuerySet[AccreditationEvent]:
    return (
        AccreditationEvent.objects.filter(participant__delegation=delegation)
        .select_related("participant", "by")
        .order_by("-at", "-pk")
    )


# The dashboard lists this many incomplete participants; the filtered changelist has the rest.
INCOMPLETE_SHOWN = 100


def _incomplete_window(*, delegations: list[Delegation], incomplete: Counter) -> Q:
    """Where the first INCOMPLETE_SHOWN incomplete participants are, in the database's order
    of delegation names: the first delegations that hold them (``incomplete`` counts them per
    delegation id), so the list is read without sorting every incomplete participant."""
    window, held, last_name = [], 0, None
    # Participants without a delegation sort as NULL does: last here on PostgreSQL.
    nulls_first = not connection.features.nulls_order_largest
    if nulls_first:
        held = incomplete[None]
    for delegation in delegations:
        if held >= INCOMPLETE_SHOWN and delegation.name != last_name:
            break
        if incomplete[delegation.pk]:
            window.append(delegation.pk)
            held += incomplete[delegation.pk]
            last_name = delegation.name
    shown = Q(delegation_id__in=window)
    if incomplete[None] and (nulls_first or held < INCOMPLETE_SHOWN):
        shown |= Q(delegation__isnull=True)
    return shown


def accreditation_dashboard(*, conference: Conference) -> dict:
    """Counts and the to-do lists of one conference, in a fixed number of queries.

    Every count comes from one pass over the conference's participants, grouped by status,
    badge category and delegation; the small tables are read apart and joined here.
    """
    participants = Participant.objects.filter(conference=conference)
    delegations = list(conference.delegations.order_by("name"))
    missing_identity = PHOTO_MISSING
    if conference.requires_passport_data:
        missing_identity |= IDENTITY_INCOMPLETE
    groups = list(
        participants.with_state()
        .order_by()
        .values("annotated_state", "status", "badge_category_id", "delegation_id")
        .annotate(
            count=Count("pk"),
            heads=Count("pk", filter=Q(role=DelegationRole.HEAD)),
            incomplete=Count("pk", filter=missing_identity),
        )
    )
    by_status, by_category, by_delegation = Counter(), Counter(), Counter()
    members, heads, incomplete_members = Counter(), Counter(), Counter()
    for group in groups:
        by_status[group["annotated_state"]] += group["count"]
        by_category[group["badge_category_id"]] += group["count"]
        by_delegation[group["delegation_id"]] += group["count"]
        if group["status"] not in INACTIVE_STATUSES:
            members[group["delegation_id"]] += group["count"]
            heads[group["delegation_id"]] += group["heads"]
            incomplete_members[group["delegation_id"]] += group["incomplete"]
    for delegation in delegations:
        delegation.active_members = members[delegation.pk]
        delegation.heads = heads[delegation.pk]
    categories = BadgeCategory.objects.in_bulk([pk for pk in by_category if pk is not None])
    delegation_categories = Counter()
    kinds = {delegation.pk: delegation.category for delegation in delegations}
    for pk, count in by_delegation.items():
        delegation_categories[kinds.get(pk) if pk is not None else None] += count
    shown = _incomplete_window(delegations=delegations, incomplete=incomplete_members)
    incomplete = (
        participants.filter(ACTIVE, missing_identity, shown)
        .with_state()
        .select_related("delegation", "identity")
        .order_by("delegation__name", "family_name", "given_names")
    )
    return {
        "total": sum(by_status.values()),
        "by_status": [
            {"status": status, "count": by_status[status], "label": label}
            for status, label in AccreditationState.choices
            if by_status[status]
        ],
        "by_badge_category": sorted(
            (
                {
                    "badge_category__code": categories[pk].code if pk else None,
                    "badge_category__name": categories[pk].name if pk else None,
                    "count": count,
                }
                for pk, count in by_category.items()
            ),
            key=lambda row: (row["badge_category__code"] is None, row["badge_category__code"]),
        ),
        "by_delegation_category": [
            {
                "delegation__category": category,
                "count": delegation_categories[category],
                "label": DelegationCategory(category).label if category else _("No delegation"),
            }
            for category in sorted(delegation_categories, key=lambda c: (c is None, c or ""))
        ],
        "delegation_lists": [
            (
                _("Delegations without a nomination (note verbale or members)"),
                [d for d in delegations if not _has_nomination(d) or not d.active_members],
            ),
            (
                _("Delegations without credentials"),
                [d for d in delegations if d.credentials_status == CredentialsStatus.NONE],
            ),
            (_("Delegations without a head"), [d for d in delegations if not d.heads]),
        ],
        "incomplete_total": sum(incomplete_members.values()),
        "incomplete_participants": [
            {
                "participant": p,
                "missing_photo": not getattr(p, "identity", None) or not p.identity.photo,
                "missing_passport": conference.requires_passport_data
                and not (getattr(p, "identity", None) and p.identity.is_complete),
            }
            for p in incomplete[:INCOMPLETE_SHOWN]
        ],
    }


# Protocol order of precedence (issue 4) -----------------------------------------


def _collation_key(text: str) -> str:
    """Accents and case do not count in protocol lists: "Égypte" files under E."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _alphabet_name(delegation: Delegation, language: str) -> str:
    """The name in ``language``: a country's official name, an organization's acronym."""
    with translation.override(language):
        return delegation.represented_name or delegation.name


def _precedence_start_key(*, conference: Conference, language: str) -> str:
    """The collation key where the alphabet starts: a letter, or a delegation's name.

    A delegation drawn by lot may be written in English while the conference sorts
    in French ("Germany" starts the list at "Allemagne"), so a name is looked up
    among the conference's delegations in English and the conference's alphabet first.
    """
    drawn = _collation_key(conference.precedence_start.strip())
    if not drawn:
        return ""
    for delegation in conference.delegations.all():
        names = {
            _collation_key(delegation.name),
            _collation_key(_alphabet_name(delegation, "fr")),
            _collation_key(_alphabet_name(delegation, language)),
        }
        if drawn in names:
            return _collation_key(_alphabet_name(delegation, language))
    return drawn


def delegation_precedence_key(*, conference: Conference) -> Callable[[Delegation], tuple]:
    """The sort key of the protocol order of precedence among delegations.

    States before organizations (which sit and speak after every State), then
    level of representation (Heads of State sit first), then alphabetical order
    in the conference's alphabet (English, French or Russian). When a letter or a
    delegation drawn by lot is set, the alphabetical order of each level starts
    there and wraps around, as at the UN.
    """
    language = PrecedenceAlphabet(conference.precedence_alphabet).value
    start = _precedence_start_key(conference=conference, language=language)

    def key(delegation: Delegation) -> tuple:
        name = _collation_key(_alphabet_name(delegation, language))
        wrapped = bool(start) and name < start
        return (not delegation.is_state, delegation.level, wrapped, name, delegation.pk or 0)

    return key


def delegations_in_precedence(
    *, conference: Conference, delegations: Iterable[Delegation] | None = None
) -> list[Delegation]:
    """Delegations in the protocol order of precedence; every protocol list uses this.

    ``delegations`` defaults to all of the conference's delegations; pass a
    filtered, prefetched queryset to order just those.
    """
    if delegations is None:
        delegations = conference.delegations.all()
    return sorted(delegations, key=delegation_precedence_key(conference=conference))


def _has_nomination(delegation: Delegation) -> bool:
    """A note verbale counts once it is on file or its number has been recorded."""
    return bool(delegation.nomination_file or delegation.nomination_reference)


# Taking part: not withdrawn or refused.
PARTICIPATING_DELEGATION_STATUSES = (DelegationStatus.NOMINATED, DelegationStatus.CONFIRMED)


def public_delegations(*, conference: Conference) -> list[Delegation]:
    """Taking-part delegations in protocol precedence, each with ``heads`` prefetched."""
    heads = Participant.objects.publicly_named().filter(role=DelegationRole.HEAD)
    delegations = (
        Delegation.objects.filter(
            conference=conference, status__in=PARTICIPATING_DELEGATION_STATUSES
        )
        .select_related("organization")
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
    )
    return delegations_in_precedence(conference=conference, delegations=delegations)


# Circulars ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CircularRecipient:
    email: str
    name: str
    language: str
    delegation: Delegation | None

    def delegation_name(self) -> str:
        """In the active language."""
        return self.delegation.local_name if self.delegation else ""


@dataclasses.dataclass(frozen=True)
class CircularFilter:
    """Which focal points or participants of a conference a circular goes to.

    Empty collections filter nothing; the delegation filters apply to participants too
    (through their delegation).
    """

    audience: str
    delegation_statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    without_note_verbale: bool = False
    participant_statuses: tuple[str, ...] = ()


def _circular_delegations(*, conference: Conference, which: CircularFilter) -> QuerySet:
    delegations = Delegation.objects.filter(conference=conference)
    if which.delegation_statuses:
        delegations = delegations.filter(status__in=which.delegation_statuses)
    if which.categories:
        delegations = delegations.filter(category__in=which.categories)
    if which.without_note_verbale:
        delegations = delegations.filter(nomination_file="")
    return delegations


def circular_recipients(
    *, conference: Conference, which: CircularFilter
) -> list[CircularRecipient]:
    """One recipient per e-mail address, in name order; people without an address are left out."""
    delegations = _circular_delegations(conference=conference, which=which)
    found: dict[str, CircularRecipient] = {}
    if which.audience == CircularAudience.FOCAL_POINTS:
        for delegation in delegations.exclude(focal_point_email="").select_related("organization"):
            found.setdefault(
                delegation.focal_point_email.lower(),
                CircularRecipient(
                    email=delegation.focal_point_email,
                    name=delegation.focal_point_name,
                    language=delegation.correspondence_language,
                    delegation=delegation,
                ),
            )
        return list(found.values())
    participants = Participant.objects.filter(conference=conference).exclude(email="")
    if which.participant_statuses:
        participants = participants.in_state(*which.participant_statuses)
    if which.delegation_statuses or which.categories or which.without_note_verbale:
        participants = participants.filter(delegation__in=delegations)
    for participant in participants.select_related("delegation__organization").order_by(
        "family_name", "given_names", "pk"
    ):
        found.setdefault(
            participant.email.lower(),
            CircularRecipient(
                email=participant.email,
                name=participant.display_name,
                language=participant.mail_language,
                delegation=participant.delegation,
            ),
        )
    return list(found.values())


def delegations_present(*, conference: Conference) -> list[Delegation]:
    """Taking-part delegations with someone in the room, in protocol precedence.

    Before the desk hands over any badge, a delegation counts once one of its members is
    accredited (approved or later); from the first collection on, only delegations with a
    collected badge count, so the plates and the seating follow who actually came.
    """
    accredited = Participant.objects.filter(
        conference=conference, status__in=BADGE_HOLDING_STATUSES
    )
    collected = accredited.in_state(AccreditationState.BADGE_COLLECTED)
    present = collected if collected.exists() else accredited
    delegations = (
        Delegation.objects.filter(
            conference=conference,
            status__in=PARTICIPATING_DELEGATION_STATUSES,
            members__in=present.values("pk"),
        )
        .distinct()
        .select_related("organization", "conference")
    )
    return delegations_in_precedence(conference=conference, delegations=delegations)
