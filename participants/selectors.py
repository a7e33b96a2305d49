"""Careful reads for delegations and participants: the nomination portal and the dashboard."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conference.enums import ConferenceStatus, PrecedenceAlphabet
from conference.models import Conference

from .enums import (
    GREEN_RESULTS,
    INACTIVE_STATUSES,
    AccreditationStatus,
    BadgeKind,
    CircularAudience,
    CredentialsStatus,
    DelegationCategory,
    DelegationRole,
    DelegationStatus,
    ScanAction,
)
from .models import (
    PASSPORT_FIELDS,
    AccessZone,
    AccreditationEvent,
    BadgeCategory,
    BadgeScan,
    Delegation,
    IssuedBadge,
    Participant,
)

IDENTITY_PERMISSION = "participants.view_identity_document"
DESK_PERMISSION = "participants.use_badge_desk"
HOLD_PERMISSION = "participants.set_security_hold"
BADGE_SALT = "participants.badge"
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


def badge_token(*, badge: IssuedBadge) -> str:
    """What the QR code carries: the issued badge's key, signed. No personal data.

    A voided badge keeps its key, so its token still verifies and the desk can say
    "voided" rather than "forged".
    """
    return signing.Signer(salt=BADGE_SALT).sign(f"B{badge.pk}")


def badge_for_token(token: str) -> IssuedBadge | None:
    """The issued badge a token names; raises signing.BadSignature when it is forged."""
    value = signing.Signer(salt=BADGE_SALT).unsign(token)
    if not value.startswith("B") or not value[1:].isdigit():
        raise signing.BadSignature(token)
    return IssuedBadge.objects.filter(pk=int(value[1:])).first()


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


def can_use_desk(user: AbstractBaseUser) -> bool:
    return user.is_active and user.is_staff and user.has_perm(DESK_PERMISSION)


def can_see_photos(user: AbstractBaseUser) -> bool:
    """Reviewers compare the photo before approving; desk officers compare it with the face."""
    return user.is_active and user.is_staff and (can_view_identity(user) or can_use_desk(user))


def desk_search(*, conference: Conference, query: str, limit: int = 8) -> list[IssuedBadge]:
    """Current badges whose holder's name starts a word with ``query``, for the desk."""
    words = query.split()[:4]
    if not words:
        return []
    badges = IssuedBadge.objects.filter(conference=conference, voided_at__isnull=True)
    for word in words:
        badges = badges.filter(
            Q(participant__family_name__icontains=word)
            | Q(participant__given_names__icontains=word)
            | Q(participant__name_cyrillic__icontains=word)
        )
    return list(
        badges.select_related("participant__delegation", "participant__badge_category").order_by(
            "participant__family_name", "participant__given_names"
        )[:limit]
    )


def badge_figures(*, conference: Conference) -> dict:
    """Badges printed and collected, and who is inside each zone on the conference's day.

    "Present now" counts green entries minus green exits since local midnight of the
    conference day: today while it runs, else the last day anyone was scanned.
    """
    badges = IssuedBadge.objects.filter(conference=conference, voided_at__isnull=True)
    scans = BadgeScan.objects.filter(conference=conference, result__in=GREEN_RESULTS)
    today = timezone.localdate(timezone=conference.tz)
    if conference.start_date <= today <= conference.end_date:
        day = today
    else:
        last = scans.filter(zone__isnull=False).order_by("-at").values_list("at", flat=True)
        day = conference.local(last[0]).date() if last else today
    since = datetime.combine(day, time.min, tzinfo=conference.tz)
    until = since + timedelta(days=1)
    movements = {
        (row["zone"], row["action"]): row["count"]
        for row in scans.filter(at__gte=since, at__lt=until, zone__isnull=False)
        .values("zone", "action")
        .annotate(count=Count("pk"))
    }
    zones = AccessZone.objects.filter(conference=conference).order_by("code")
    return {
        "badges_printed": badges.filter(printed_at__isnull=False).count(),
        "badges_collected": badges.filter(collected_at__isnull=False).count(),
        "presence_day": day,
        "presence": [
            {
                "zone": zone,
                "entries": movements.get((zone.pk, ScanAction.ENTRY), 0),
                "exits": movements.get((zone.pk, ScanAction.EXIT), 0),
                "present": max(
                    0,
                    movements.get((zone.pk, ScanAction.ENTRY), 0)
                    - movements.get((zone.pk, ScanAction.EXIT), 0),
                ),
            }
            for zone in zones
        ],
        "red_scans": BadgeScan.objects.filter(conference=conference)
        .exclude(result__in=GREEN_RESULTS)
        .count(),
    }


def badges_to_print(*, conference: Conference) -> list[IssuedBadge]:
    """Current badges of approved participants not printed yet, in protocol order."""
    return badges_in_protocol_order(
        conference=conference,
        badges=IssuedBadge.objects.filter(
            conference=conference,
            voided_at__isnull=True,
            printed_at__isnull=True,
            participant__status=AccreditationStatus.APPROVED,
        ),
    )


ROLE_ORDER = {role: index for index, role in enumerate(DelegationRole.values)}


def badges_in_protocol_order(*, conference: Conference, badges: QuerySet) -> list[IssuedBadge]:
    """Delegations in protocol order, heads first within each; people without one last.

    Photos are not loaded here: the PDF opens each one as it draws its card.
    """
    rows = list(
        badges.select_related(
            "conference",
            "participant__conference",
            "participant__delegation__organization",
            "participant__badge_category",
            "participant__identity",
        ).defer(*IDENTITY_DEFERRED)
    )
    delegations = {b.participant.delegation for b in rows if b.participant.delegation_id}
    rank = {
        d.pk: index
        for index, d in enumerate(
            delegations_in_precedence(conference=conference, delegations=delegations)
        )
    }

    def key(badge: IssuedBadge) -> tuple:
        p = badge.participant
        return (
            rank.get(p.delegation_id, len(rank)),
            ROLE_ORDER.get(p.role, len(ROLE_ORDER)),
            p.family_name.casefold(),
            p.given_names.casefold(),
            badge.number,
        )

    return sorted(rows, key=key)


# A badge needs only the photo of the identity document: the passport data stays unread.
IDENTITY_DEFERRED = [f"participant__identity__{name}" for name in PASSPORT_FIELDS]


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
    return delegation.members.select_related("identity", "badge_category").order_by(
        "created_at", "pk"
    )


def delegation_events(*, delegation: Delegation) -> QuerySet[AccreditationEvent]:
    return (
        AccreditationEvent.objects.filter(participant__delegation=delegation)
        .select_related("participant", "by")
        .order_by("-at", "-pk")
    )


def _counts(queryset: QuerySet, *fields: str) -> list[dict]:
    return list(queryset.values(*fields).annotate(count=Count("pk")).order_by(*fields))


# The dashboard lists this many incomplete participants; the filtered changelist has the rest.
INCOMPLETE_SHOWN = 100


def accreditation_dashboard(*, conference: Conference) -> dict:
    """Counts and the to-do lists of one conference, in a fixed number of queries."""
    participants = Participant.objects.filter(conference=conference)
    active = participants.filter(ACTIVE)
    delegations = list(
        conference.delegations.annotate(
            active_members=Count("members", filter=~Q(members__status__in=INACTIVE_STATUSES)),
            heads=Count(
                "members",
                filter=Q(members__role=DelegationRole.HEAD)
                & ~Q(members__status__in=INACTIVE_STATUSES),
            ),
        ).order_by("name")
    )
    missing_identity = PHOTO_MISSING
    if conference.requires_passport_data:
        missing_identity |= IDENTITY_INCOMPLETE
    incomplete = (
        active.filter(missing_identity)
        .select_related("delegation", "identity")
        .order_by("delegation__name", "family_name", "given_names")
    )
    return {
        "total": participants.count(),
        "by_status": sorted(
            (
                {**row, "label": AccreditationStatus(row["status"]).label}
                for row in _counts(participants, "status")
            ),
            key=lambda row: AccreditationStatus.values.index(row["status"]),
        ),
        "by_badge_category": _counts(participants, "badge_category__code", "badge_category__name"),
        "by_delegation_category": [
            {**row, "label": DelegationCategory(row["delegation__category"]).label}
            if row["delegation__category"]
            else {**row, "label": _("No delegation")}
            for row in _counts(participants, "delegation__category")
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
        "incomplete_total": incomplete.count(),
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
    heads = Participant.objects.filter(role=DelegationRole.HEAD).exclude(
        status__in=INACTIVE_STATUSES
    )
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
        participants = participants.filter(status__in=which.participant_statuses)
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
