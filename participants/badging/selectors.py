"""Careful reads of the badging concern: badge tokens, the desk, print queues, scanner snapshots."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from conference.models import Conference
from participants.accreditation.selectors import (
    ROLE_ORDER,
    can_view_identity,
    delegations_in_precedence,
)
from participants.badging import signing as badge_signing
from participants.enums import (
    BADGE_HOLDING_STATUSES,
    GREEN_RESULTS,
    AccreditationStatus,
    ScanAction,
    ScanResult,
)
from participants.models import (
    PASSPORT_FIELDS,
    AccessZone,
    BadgePrinting,
    BadgeScan,
    IdentityDocument,
    IssuedBadge,
    Participant,
    ScannerDevice,
    ZoneOpening,
)
from participants.transliteration import query_spellings

DESK_PERMISSION = "participants.use_badge_desk"
SCANNER_PERMISSION = "participants.pair_scannerdevice"
BADGE_SALT = "participants.badge"


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
    # The scan judges the holder and their category next: one query for all three.
    return (
        IssuedBadge.objects.filter(pk=int(value[1:]))
        .select_related("participant__badge_category")
        .first()
    )


def can_use_desk(user: AbstractBaseUser) -> bool:
    return user.is_active and user.is_staff and user.has_perm(DESK_PERMISSION)


def can_see_photos(user: AbstractBaseUser) -> bool:
    """Reviewers compare the photo before approving; desk officers compare it with the face."""
    return user.is_active and user.is_staff and (can_view_identity(user) or can_use_desk(user))


def desk_search(*, conference: Conference, query: str, limit: int = 8) -> list[IssuedBadge]:
    """Current badges whose holder's names contain each word of ``query``, for the desk.

    Either script finds either: the words and the names are compared in Latin letters, the
    stored search key against each spelling of the word ("Петров" reads "petrov").
    """
    words = query.split()[:4]
    if not words:
        return []
    people = Participant.objects.filter(conference=conference)
    for word in words:
        match = Q()
        for spelling in query_spellings(word):
            match |= Q(search_name__icontains=spelling)
        people = people.filter(match)
    # The first ``limit`` holders of a current badge, in name order, are chosen among the
    # trigram index's matches before any join: a short common fragment ("Kara") matches
    # hundreds of people, and joining them all to every badge first read the 100,000 badges
    # (a hash join, 70-300 ms). One query still: the choice is a LIMITed subquery.
    current = IssuedBadge.objects.filter(participant=OuterRef("pk"), voided_at__isnull=True)
    first = (
        people.filter(Exists(current))
        .order_by("family_name", "given_names", "pk")
        .values("pk")[:limit]
    )
    badges = IssuedBadge.objects.filter(
        conference=conference, voided_at__isnull=True, participant__in=first
    )
    # Everything the result list shows (the printed number reads the conference, a
    # delegation's name its organization) comes in the same join.
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


def printed_badges(participants: Iterable[Participant]) -> list[IssuedBadge]:
    """The printed badges in circulation of ``participants`` (one query)."""
    return list(
        IssuedBadge.objects.filter(
            participant__in=[p.pk for p in participants],
            participant__status=AccreditationStatus.APPROVED,
            voided_at__isnull=True,
            printed_at__isnull=False,
        )
    )


def badge_copies(*, participant: Participant) -> list[BadgePrinting]:
    """Every copy of the participant's badges produced, newest first, with who made it."""
    return list(
        BadgePrinting.objects.filter(badge__participant=participant)
        .select_related("badge__conference", "by")
        .order_by("-at", "-pk")
    )


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
        "name_cyrillic": participant.cyrillic_name,
        "delegation": str(participant.delegation) if participant.delegation_id else "",
        "category": category.code if category else "",
        "zones": sorted(zone.code for zone in category.zones.all()) if category else [],
        "status": badge_standing(badge=badge)
        or (ScanResult.NOT_COLLECTED if badge.collected_at is None else ScanResult.VALID),
        "photo": photos.get(participant.pk),
    }


def door_snapshot(*, device: ScannerDevice, since: datetime | None = None) -> tuple[dict, int]:
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
        .filter(
            # Changes since a moment: every badge that changed, whatever its zones (a badge
            # moved to another category leaves the device's zones).
            _changed_since(since)
            if since
            else Q(voided_at__isnull=False) | Q(participant__badge_category__zones__in=zones)
        )
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
        # The key that signs the badge QRs and this document, for WebCrypto on the device.
        "public_key": badge_signing.public_key_text(),
        "since": since.isoformat() if since else None,
        "generated_at": now.isoformat(),
        "expires_at": (now + SNAPSHOT_LIFETIME).isoformat(),
        "zones": [_snapshot_zone(zone) for zone in zones],
        "badges": [_snapshot_badge(badge, photos) for badge in badges],
        # Badges of other zones: offline the device says "no access" rather than "unknown".
        "elsewhere": []
        if since
        else list(
            IssuedBadge.objects.filter(conference=conference)
            .exclude(pk__in=listed)
            .values_list("pk", flat=True)
            .order_by("pk")
        ),
    }
    return data, len(photos)


def _changed_since(since: datetime | None) -> Q:
    """Badges issued, voided, printed or collected since ``since``, or whose holder's
    accreditation changed (a status, a security hold: each writes an AccreditationEvent)."""
    if since is None:
        return Q()
    return (
        Q(issued_at__gte=since)
        | Q(voided_at__gte=since)
        | Q(printed_at__gte=since)
        | Q(collected_at__gte=since)
        | Q(participant__accreditation_events__at__gte=since)
    )


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
