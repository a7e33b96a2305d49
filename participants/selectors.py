"""Careful reads for delegations and participants: the nomination portal and the dashboard."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from conference.enums import ConferenceStatus, PrecedenceAlphabet
from conference.models import Conference

from . import badge_signing
from .enums import (
    BADGE_HOLDING_STATUSES,
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
    ScanResult,
)
from .models import (
    PASSPORT_FIELDS,
    AccessZone,
    AccreditationEvent,
    BadgeCategory,
    BadgeScan,
    Delegation,
    IdentityDocument,
    IssuedBadge,
    Participant,
    ScannerDevice,
    ZoneOpening,
)

IDENTITY_PERMISSION = "participants.view_identity_document"
DESK_PERMISSION = "participants.use_badge_desk"
HOLD_PERMISSION = "participants.set_security_hold"
SCANNER_PERMISSION = "participants.pair_scannerdevice"
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
    """What the QR code carries: the issued badge's key, signed (Ed25519). No personal data.

    A voided badge keeps its key, so its token still verifies and the desk can say
    "voided" rather than "forged".
    """
    return badge_signing.sign(f"B{badge.pk}")


def badge_for_token(token: str) -> IssuedBadge | None:
    """The issued badge a token names; raises signing.BadSignature when it is forged.

    Badges printed before the Ed25519 signature carry Django's HMAC signature; both verify.
    """
    if len(token.rpartition(":")[2]) == badge_signing.SIGNATURE_LENGTH:
        value = badge_signing.unsign(token)
    else:
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
    # One query: everything the result list shows (the printed number reads the conference,
    # a delegation's name its organization) comes in the same join.
    return list(
        badges.select_related(
            "conference", "participant__delegation__organization", "participant__badge_category"
        ).order_by("participant__family_name", "participant__given_names", "number")[:limit]
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


# The dashboard lists this many incomplete participants; the filtered changelist has the rest.
INCOMPLETE_SHOWN = 100


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
        participants.order_by()
        .values("status", "badge_category_id", "delegation_id")
        .annotate(
            count=Count("pk"),
            heads=Count("pk", filter=Q(role=DelegationRole.HEAD)),
            incomplete=Count("pk", filter=missing_identity),
        )
    )
    by_status, by_category, by_delegation = Counter(), Counter(), Counter()
    members, heads, incomplete_members = Counter(), Counter(), Counter()
    for group in groups:
        by_status[group["status"]] += group["count"]
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
    # The first INCOMPLETE_SHOWN of the list, in the database's order of delegation names:
    # read from the first delegations that hold them (the counts above say which), not by
    # sorting every incomplete participant of the conference.
    window, held, last_name = [], 0, None
    # Participants without a delegation sort as NULL does: last here on PostgreSQL.
    nulls_first = not connection.features.nulls_order_largest
    if nulls_first:
        held = incomplete_members[None]
    for delegation in delegations:
        if held >= INCOMPLETE_SHOWN and delegation.name != last_name:
            break
        if incomplete_members[delegation.pk]:
            window.append(delegation.pk)
            held += incomplete_members[delegation.pk]
            last_name = delegation.name
    shown = Q(delegation_id__in=window)
    if incomplete_members[None] and (nulls_first or held < INCOMPLETE_SHOWN):
        shown |= Q(delegation__isnull=True)
    incomplete = (
        participants.filter(ACTIVE, missing_identity, shown)
        .select_related("delegation", "identity")
        .order_by("delegation__name", "family_name", "given_names")
    )
    return {
        "total": sum(by_status.values()),
        "by_status": [
            {"status": status, "count": by_status[status], "label": label}
            for status, label in AccreditationStatus.choices
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


def delegations_present(*, conference: Conference) -> list[Delegation]:
    """Taking-part delegations with someone in the room, in protocol precedence.

    Before the desk hands over any badge, a delegation counts once one of its members is
    accredited (approved or later); from the first collection on, only delegations with a
    collected badge count, so the plates and the seating follow who actually came.
    """
    collected = Participant.objects.filter(
        conference=conference, status=AccreditationStatus.BADGE_COLLECTED
    )
    statuses = (
        [AccreditationStatus.BADGE_COLLECTED]
        if collected.exists()
        else sorted(BADGE_HOLDING_STATUSES)
    )
    delegations = (
        Delegation.objects.filter(
            conference=conference,
            status__in=PARTICIPATING_DELEGATION_STATUSES,
            members__status__in=statuses,
        )
        .distinct()
        .select_related("organization", "conference")
    )
    return delegations_in_precedence(conference=conference, delegations=delegations)


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


def visa_letter_digest(*, participant: Participant, language: str) -> str:
    """A keyed digest of everything a letter prints: equal digests, the same letter."""
    identity = getattr(participant, "identity", None)
    values = [
        language,
        participant.passport_name,
        participant.visa_consulate,
        participant.functional_title,
        str(participant.delegation_id),
        str(participant.arrival_at),
        str(participant.departure_at),
        *(
            [
                str(identity.nationality),
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
    statuses = BADGE_HOLDING_STATUSES if final else None
    people = Participant.objects.filter(consent_public_list=True).only(*PUBLIC_LIST_FIELDS)
    people = people.filter(status__in=statuses) if statuses else people.filter(ACTIVE)
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


# Scanner devices and their offline snapshot -------------------------------------------------

SNAPSHOT_LIFETIME = timedelta(hours=12)
SNAPSHOT_PHOTO = (60, 80)


def scanner_secret_hash(secret: str) -> str:
    """A pairing code or device key as stored: 256 random bits need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def scanner_device_for_key(key: str) -> ScannerDevice | None:
    """The active device a key belongs to; None for an unknown, replaced or revoked key."""
    if not key or len(key) > 100:
        return None
    return (
        ScannerDevice.objects.filter(key_hash=scanner_secret_hash(key), revoked_at__isnull=True)
        .select_related("conference")
        .prefetch_related("zones")
        .first()
    )


def can_pair_scanners(user: AbstractBaseUser) -> bool:
    return user.is_active and user.is_staff and user.has_perm(SCANNER_PERMISSION)


def badge_standing(*, badge: IssuedBadge) -> str | None:
    """Why a badge of the right conference is refused wherever it is shown, or None."""
    participant = badge.participant
    # A withdrawn accreditation voids the badge too; saying so tells the guard more.
    if participant.status not in BADGE_HOLDING_STATUSES:
        return ScanResult.REVOKED
    if badge.voided_at is not None:
        return ScanResult.VOIDED
    if participant.on_security_hold:
        return ScanResult.SECURITY_HOLD
    if badge.printed_at is None:
        return ScanResult.NOT_PRINTED
    return None


def _snapshot_zone(zone: AccessZone) -> dict:
    return {
        "code": zone.code,
        "name": zone.name,
        "single_entry": zone.single_entry,
        "anti_passback": zone.anti_passback,
        "auto_exit_at": zone.auto_exit_at.strftime("%H:%M") if zone.auto_exit_at else None,
        "openings": [
            {
                "category": opening.category.code if opening.category_id else None,
                "day": opening.day.isoformat() if opening.day else None,
                "opens": opening.opens.strftime("%H:%M"),
                "closes": opening.closes.strftime("%H:%M"),
            }
            for opening in zone.openings.all()
        ],
    }


def _snapshot_badge(badge: IssuedBadge, photos: dict[int, str]) -> dict:
    participant = badge.participant
    category = participant.badge_category
    return {
        "id": badge.pk,
        "number": badge.number,
        "printed": badge.conference.printed_badge_number(badge.number),
        "name": participant.badge_name,
        "name_cyrillic": participant.name_cyrillic,
        "delegation": str(participant.delegation) if participant.delegation_id else "",
        "category": category.code if category else "",
        "zones": sorted(zone.code for zone in category.zones.all()) if category else [],
        "status": badge_standing(badge=badge)
        or (ScanResult.NOT_COLLECTED if badge.collected_at is None else ScanResult.VALID),
        "photo": photos.get(participant.pk),
    }


def door_snapshot(*, device: ScannerDevice) -> tuple[dict, int]:
    """What a paired device needs to judge scans at its zones offline, and how many photos.

    Badge numbers, QR keys, names in both scripts, delegation, category, zones and rules,
    standing, and a 60 × 80 photo only where the conference allows it. Never passport data:
    the participant rows are read with ``only`` the fields above.
    """
    conference = device.conference
    zones = list(
        device.zones.prefetch_related(
            Prefetch("openings", queryset=ZoneOpening.objects.select_related("category"))
        ).order_by("code")
    )
    badges = (
        IssuedBadge.objects.filter(conference=conference)
        .filter(Q(voided_at__isnull=False) | Q(participant__badge_category__zones__in=zones))
        .distinct()
        .select_related(
            "conference",
            "participant__badge_category",
            "participant__delegation__organization",
        )
        .prefetch_related("participant__badge_category__zones")
        .only(
            "number",
            "voided_at",
            "printed_at",
            "collected_at",
            "conference__badge_prefix",
            *(f"participant__{field}" for field in SNAPSHOT_PARTICIPANT_FIELDS),
            "participant__badge_category__code",
            "participant__delegation__name",
            "participant__delegation__country",
            "participant__delegation__organization__acronym",
            "participant__delegation__organization__name",
        )
        .order_by("number")
    )
    badges = list(badges)
    photos = _snapshot_photos(badges) if conference.scanner_photos else {}
    now = timezone.now()
    listed = {badge.pk for badge in badges}
    data = {
        "version": 1,
        "conference": {
            "slug": conference.slug,
            "title": conference.short_title,
            "badge_prefix": conference.badge_prefix,
            "time_zone": conference.time_zone,
        },
        "device": {"id": device.pk, "name": device.name},
        "generated_at": now.isoformat(),
        "expires_at": (now + SNAPSHOT_LIFETIME).isoformat(),
        "zones": [_snapshot_zone(zone) for zone in zones],
        "badges": [_snapshot_badge(badge, photos) for badge in badges],
        # Badges of other zones: offline the device says "no access" rather than "unknown".
        "elsewhere": list(
            IssuedBadge.objects.filter(conference=conference)
            .exclude(pk__in=listed)
            .values_list("pk", flat=True)
            .order_by("pk")
        ),
    }
    return data, len(photos)


# The participant fields a snapshot reads; tests check no identity field is among them.
SNAPSHOT_PARTICIPANT_FIELDS = (
    "honorific",
    "given_names",
    "family_name",
    "name_cyrillic",
    "status",
    "security_hold_at",
    "delegation",
    "badge_category",
)


def _snapshot_photos(badges: list[IssuedBadge]) -> dict[int, str]:
    """Small JPEG data URLs of the badge holders that have a photo, by participant."""
    photos = {}
    documents = IdentityDocument.objects.filter(
        participant_id__in=[badge.participant_id for badge in badges if badge.voided_at is None]
    ).exclude(photo="")
    for document in documents.only("participant_id", "photo"):
        try:
            with document.photo.open("rb") as file, Image.open(file) as image:
                image.draft("RGB", (SNAPSHOT_PHOTO[0] * 2, SNAPSHOT_PHOTO[1] * 2))
                small = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), SNAPSHOT_PHOTO)
        except (OSError, UnidentifiedImageError):
            continue
        output = io.BytesIO()
        small.save(output, "JPEG", quality=70)
        photos[document.participant_id] = "data:image/jpeg;base64," + base64.b64encode(
            output.getvalue()
        ).decode("ascii")
    return photos
