"""Writes of the badging concern: desk scans and hand-over, printing, scanner devices, and the
zones and badge categories as the admin edits them.

Every scan is judged under a row lock and recorded as a BadgeScan in the same transaction;
the door's re-entry rules (``door``) decide an entry. Badges are issued by the core's
transitions (approval), never here.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from participants.accreditation import webhook_events
from participants.accreditation.services import (
    participant_collect_badge,
    participant_reprint_badge,
    participants_transition,
)
from participants.badging import door
from participants.badging import selectors as badging_selectors
from participants.badging import signing as badge_signing
from participants.enums import (
    GREEN_RESULTS,
    AccreditationStatus,
    IdentityAccessKind,
    ScanAction,
    ScanResult,
    ScanVerdict,
)
from participants.models import (
    AccessZone,
    BadgeCategory,
    BadgePrinting,
    BadgeScan,
    IdentityAccessLog,
    IssuedBadge,
    Participant,
    ScannerDevice,
)

# The check-in desk ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """Where a scan happens: the accreditation desk (no zone) or a zone's entry or exit."""

    action: str
    zone: AccessZone | None = None

    DESK = "desk"

    @classmethod
    def parse(cls, value: str, *, conference: Conference) -> Checkpoint | None:
        """ "desk", or "<zone code>:entry" / "<zone code>:exit"; None for anything else."""
        if value == cls.DESK:
            return cls(action=ScanAction.LOOKUP)
        code, _sep, direction = value.partition(":")
        if direction not in (ScanAction.ENTRY, ScanAction.EXIT):
            return None
        zone = AccessZone.objects.filter(conference=conference, code=code).first()
        return cls(action=direction, zone=zone) if zone else None

    @property
    def value(self) -> str:
        return f"{self.zone.code}:{self.action}" if self.zone else self.DESK


@dataclasses.dataclass(frozen=True)
class ScanOutcome:
    result: str
    scan: BadgeScan
    badge: IssuedBadge | None = None
    # Which re-entry rule refused, since when the badge is inside, when it may enter.
    refusal: door.Refusal | None = None
    # A scan the device had sent before: the row written then, not a second one.
    replayed: bool = False

    @property
    def green(self) -> bool:
        return self.result in GREEN_RESULTS

    @property
    def reason(self) -> str:
        return ScanResult(self.result).label

    @property
    def verdict(self) -> str:
        return ScanVerdict.of(self.result)

    @property
    def explanation(self) -> str:
        return self.refusal.explain(self.scan.conference) if self.refusal else ""


# A typed number: "DUS-0042", "dus 42" or "42".
NUMBER_PATTERN = re.compile(r"^(?:([A-Z0-9]+)[-\s]?)??0*(\d{1,9})$")


def _find_badge(
    *, conference: Conference, code: str, zone: AccessZone | None = None
) -> tuple[IssuedBadge | None, str | None]:
    """The badge a scanned token or typed number names (``scan_badges`` at ``zone``), or the
    red result that says why not."""
    if ":" in code:
        try:
            badge = badging_selectors.badge_for_token(code, zone=zone)
        except signing.BadSignature:
            return None, ScanResult.FORGED
        return badge, None if badge else ScanResult.UNKNOWN
    match = NUMBER_PATTERN.match(code.upper())
    if match is None:
        return None, ScanResult.UNKNOWN
    prefix, number = match.group(1) or "", int(match.group(2))
    if prefix and prefix != conference.badge_prefix:
        other = Conference.objects.filter(badge_prefix=prefix).exclude(pk=conference.pk)
        return None, ScanResult.OTHER_CONFERENCE if other.exists() else ScanResult.UNKNOWN
    badge = (
        badging_selectors.scan_badges(zone=zone)
        .filter(conference=conference, number=number)
        .first()
    )
    return badge, None if badge else ScanResult.UNKNOWN


def _judge(*, badge: IssuedBadge, conference: Conference, checkpoint: Checkpoint) -> str:
    """The scan's result for a badge that exists: the first reason to refuse, else valid.

    At a zone, ``badge`` comes from ``_find_badge`` at that zone (it knows ``opens_zone``).
    """
    if badge.conference_id != conference.pk:
        return ScanResult.OTHER_CONFERENCE
    standing = badging_selectors.badge_standing(badge=badge)
    if standing is not None:
        return standing
    if checkpoint.action == ScanAction.HANDOVER and badge.collected_at is not None:
        return ScanResult.ALREADY_COLLECTED
    if checkpoint.zone is None:
        return ScanResult.VALID
    if badge.collected_at is None:
        return ScanResult.NOT_COLLECTED
    if checkpoint.action == ScanAction.ENTRY and not badge.opens_zone:
        return ScanResult.WRONG_ZONE
    return ScanResult.VALID


def _record(
    *,
    conference,
    code,
    checkpoint,
    badge,
    result,
    by,
    device=None,
    client_key=None,
    scanned_at=None,
    refusal=None,
) -> ScanOutcome:
    scan = BadgeScan.objects.create(
        conference=conference,
        badge=badge,
        code=code[:120],
        zone=checkpoint.zone,
        action=checkpoint.action,
        result=result,
        officer=by,
        device=device,
        client_key=client_key,
        scanned_at=scanned_at,
    )
    webhook_events.scan_announce(scan=scan)
    return ScanOutcome(result=result, scan=scan, badge=badge, refusal=refusal)


def badge_scan(
    *,
    conference: Conference,
    code: str,
    checkpoint: Checkpoint,
    by: AbstractBaseUser | None = None,
    device: ScannerDevice | None = None,
    client_key: uuid.UUID | None = None,
    scanned_at: datetime | None = None,
) -> ScanOutcome:
    """Check a scanned token or typed number at a checkpoint; every scan writes one row.

    A green scan at a zone checkpoint is itself the recorded entry or exit. An entry is then
    held to the zone's re-entry rules (``door.entry_refusal``) at ``scanned_at`` (a scan an
    offline device queued) or now, under the badge's row lock so two doors cannot both let the
    same badge in. A ``client_key`` the device already sent returns that first row.
    """
    code = code.strip()
    with transaction.atomic():
        if client_key is not None:
            earlier = (
                BadgeScan.objects.filter(device=device, client_key=client_key)
                .select_related("badge__participant", "conference")
                .first()
            )
            if earlier is not None:
                return ScanOutcome(
                    result=earlier.result, scan=earlier, badge=earlier.badge, replayed=True
                )
        badge, refused = _find_badge(conference=conference, code=code, zone=checkpoint.zone)
        if badge is not None and badge.conference_id != conference.pk:
            # Another conference's badge is not linked to this conference's scan rows.
            badge, refused = None, ScanResult.OTHER_CONFERENCE
        result = refused or _judge(badge=badge, conference=conference, checkpoint=checkpoint)
        refusal = None
        zone = checkpoint.zone
        if result == ScanResult.VALID and checkpoint.action == ScanAction.ENTRY:
            if zone.single_entry or zone.anti_passback:
                IssuedBadge.objects.select_for_update().filter(pk=badge.pk).first()
            moment = min(scanned_at, timezone.now()) if scanned_at else timezone.now()
            refusal = door.entry_refusal(badge=badge, zone=zone, conference=conference, at=moment)
            result = refusal.result if refusal else result
        return _record(
            conference=conference,
            code=code,
            checkpoint=checkpoint,
            badge=badge,
            result=result,
            by=by,
            device=device,
            client_key=client_key,
            scanned_at=scanned_at,
            refusal=refusal,
        )


def badge_hand_over(*, conference: Conference, code: str, by: AbstractBaseUser) -> ScanOutcome:
    """The desk hands the badge over: it becomes collected, once, whichever desk is first.

    The issued badge's row lock makes a second desk wait, then see it already collected.
    """
    code = code.strip()
    handover = Checkpoint(action=ScanAction.HANDOVER)
    with transaction.atomic():
        badge, refused = _find_badge(conference=conference, code=code)
        if badge is not None:
            badge = (
                IssuedBadge.objects.select_for_update()
                .select_related("participant")
                .get(pk=badge.pk)
            )
            if badge.conference_id != conference.pk:
                badge, refused = None, ScanResult.OTHER_CONFERENCE
        result = refused or _judge(badge=badge, conference=conference, checkpoint=handover)
        if result == ScanResult.VALID:
            result = ScanResult.HANDED_OVER
            participant_collect_badge(participant=badge.participant, by=by)
            badge.refresh_from_db(fields=["collected_at", "collected_by"])
        return _record(
            conference=conference,
            code=code,
            checkpoint=handover,
            badge=badge,
            result=result,
            by=by,
        )


# Printing ---------------------------------------------------------------------------------


def badges_print(
    *, participants: Iterable[Participant], by: AbstractBaseUser | None
) -> tuple[list[IssuedBadge], list[str]]:
    """Print the badges of approved participants: their issued badges, and who was refused.

    One refusal leaves the others printed; the caller renders the PDF of exactly the badges
    returned.
    """
    with transaction.atomic():
        done, refused = participants_transition(
            name="print_badge", participants=participants, by=by
        )
        issued = _current_badges([participant.pk for participant in done])
        _printings_record(issued, by=by)
    return issued, refused


def badges_download_again(
    *, participants: Iterable[Participant], by: AbstractBaseUser | None
) -> tuple[list[IssuedBadge], list[str]]:
    """Another copy of badges already printed (a jammed sheet, a closed tab): the same numbers,
    each copy recorded with who and when. Returns the badges, and who was refused."""
    participants = list(participants)
    with transaction.atomic():
        printed = {
            badge.participant_id: badge
            for badge in IssuedBadge.objects.select_for_update().filter(
                participant__in=participants,
                participant__status=AccreditationStatus.APPROVED,
                voided_at__isnull=True,
                printed_at__isnull=False,
            )
        }
        refused = [
            _("%(name)s has no printed badge to download again.") % {"name": p.full_name}
            for p in participants
            if p.pk not in printed
        ]
        issued = _current_badges([p.pk for p in participants if p.pk in printed])
        _printings_record(issued, by=by)
    return issued, refused


def _printings_record(badges: list[IssuedBadge], *, by: AbstractBaseUser | None) -> None:
    """One row per copy produced; the copy number counts this badge's copies so far."""
    made = dict(
        BadgePrinting.objects.filter(badge__in=badges)
        .values("badge")
        .annotate(copies=Count("pk"))
        .values_list("badge", "copies")
    )
    BadgePrinting.objects.bulk_create(
        BadgePrinting(badge=badge, copy_number=made.get(badge.pk, 0) + 1, by=by) for badge in badges
    )


def badge_void_and_reissue(
    *, participant: Participant, by: AbstractBaseUser | None, reason: str
) -> IssuedBadge:
    """A lost or stolen badge: void it (its QR then fails at every door) and print a badge with
    the next number; the focal point is told the new number in their language."""
    with transaction.atomic():
        done = participant_reprint_badge(participant=participant, by=by, reason=reason)
        (badge,) = _current_badges([done.pk])
        _printings_record([badge], by=by)
    return badge


def _current_badges(participant_ids: list[int]) -> list[IssuedBadge]:
    order = {pk: index for index, pk in enumerate(participant_ids)}
    badges = IssuedBadge.objects.filter(
        participant_id__in=participant_ids, voided_at__isnull=True
    ).select_related(
        "conference",
        "participant__conference",
        "participant__delegation__organization",
        "participant__badge_category",
        "participant__identity",
    )
    return sorted(badges, key=lambda badge: order[badge.participant_id])


# Scanner devices ---------------------------------------------------------------------------
# A security officer, signed in with the second factor, creates a device in the admin and
# shows its one-time pairing QR; the phone that opens it gets its own key, once. The device
# then scans, fetches its snapshot and syncs with that key alone: no staff session.

PAIRING_LIFETIME = timedelta(minutes=10)


class ScannerError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def _scanner_zones_check(*, conference: Conference, zones: Iterable[AccessZone]) -> list:
    zones = list(zones)
    if not zones:
        raise ValidationError({"zones": _("A scanner needs at least one zone.")})
    return access_zones_check(conference_id=conference.pk, zones=zones)


@transaction.atomic
def scanner_device_create(
    *, conference: Conference, name: str, zones: Iterable[AccessZone], by: AbstractBaseUser
) -> tuple[ScannerDevice, str]:
    """A new device for ``zones`` of ``conference`` and its one-time pairing code."""
    zones = _scanner_zones_check(conference=conference, zones=zones)
    device = ScannerDevice(conference=conference, name=name.strip(), created_by=by)
    device.full_clean(exclude=["zones"])
    device.save()
    device.zones.set(zones)
    return device, scanner_device_pairing_issue(device=device)


@transaction.atomic
def scanner_device_pairing_issue(*, device: ScannerDevice) -> str:
    """A fresh one-time pairing code; an earlier code or key of the device stops working."""
    locked = ScannerDevice.objects.select_for_update().get(pk=device.pk)
    if locked.revoked_at is not None:
        raise ScannerError(_("This device is revoked; create a new one."), code="revoked")
    code = secrets.token_urlsafe(24)
    locked.pairing_hash = badging_selectors.scanner_secret_hash(code)
    locked.pairing_expires_at = timezone.now() + PAIRING_LIFETIME
    locked.key_hash = ""
    locked.paired_at = None
    locked.save(update_fields=["pairing_hash", "pairing_expires_at", "key_hash", "paired_at"])
    device.pairing_expires_at = locked.pairing_expires_at
    return code


@transaction.atomic
def scanner_device_pair(*, code: str) -> tuple[ScannerDevice, str]:
    """Trade a pairing code, once and before it expires, for the device's own key."""
    device = (
        ScannerDevice.objects.select_for_update()
        .filter(pairing_hash=badging_selectors.scanner_secret_hash(code), revoked_at__isnull=True)
        .exclude(pairing_hash="")
        .first()
    )
    if device is None or device.pairing_expires_at <= timezone.now():
        raise ScannerError(
            _("This pairing code is used, expired or unknown; ask for a new one."),
            code="bad_pairing",
        )
    key = secrets.token_urlsafe(32)
    device.key_hash = badging_selectors.scanner_secret_hash(key)
    device.pairing_hash = ""
    device.pairing_expires_at = None
    device.paired_at = device.last_seen_at = timezone.now()
    device.save()
    return device, key


@transaction.atomic
def scanner_device_save(*, device: ScannerDevice, zones: Iterable[AccessZone]) -> ScannerDevice:
    """Rename a device or change its zones; the key stays."""
    zones = _scanner_zones_check(conference=device.conference, zones=zones)
    device.full_clean(exclude=["zones"])
    device.save(update_fields=["name"])
    device.zones.set(zones)
    return device


@transaction.atomic
def scanner_device_revoke(*, device: ScannerDevice, by: AbstractBaseUser) -> ScannerDevice:
    """The key and any pairing code stop working at once; the scans it made stay."""
    locked = ScannerDevice.objects.select_for_update().get(pk=device.pk)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.key_hash = locked.pairing_hash = ""
        locked.pairing_expires_at = None
        locked.save()
    return locked


def scanner_device_seen(*, device: ScannerDevice) -> None:
    """Note the device's last request, at most once a minute (no write on every scan)."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > timedelta(minutes=1):
        ScannerDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


@dataclasses.dataclass(frozen=True)
class QueuedScan:
    """One scan an offline device queued: its key, what it read, where, when, what it showed."""

    key: uuid.UUID
    code: str
    checkpoint: Checkpoint
    scanned_at: datetime
    shown: str


@transaction.atomic
def scanner_scans_sync(*, device: ScannerDevice, scans: list[QueuedScan]) -> list[ScanOutcome]:
    """Apply a device's queued scans in the order they were made; each key once, ever.

    The device's row lock makes a second sync of the same queue (a retry after a lost answer)
    wait for the first and then find every key applied.
    """
    ScannerDevice.objects.select_for_update().filter(pk=device.pk).first()
    return [
        badge_scan(
            conference=device.conference,
            code=scan.code,
            checkpoint=scan.checkpoint,
            device=device,
            client_key=scan.key,
            scanned_at=scan.scanned_at,
        )
        for scan in sorted(scans, key=lambda scan: scan.scanned_at)
    ]


@dataclasses.dataclass(frozen=True)
class SyncedScan:
    """A queued scan as the server applied it; a conflict when the server's verdict differs
    from what the device showed offline (voided or held meanwhile, entered at another door)."""

    queued: QueuedScan
    outcome: ScanOutcome

    @property
    def conflict(self) -> bool:
        return ScanVerdict.of(self.queued.shown) != self.outcome.verdict


def scanner_sync(*, device: ScannerDevice, scans: list[QueuedScan]) -> list[SyncedScan]:
    """``scanner_scans_sync`` with each answer beside the scan it answers."""
    ordered = sorted(scans, key=lambda scan: scan.scanned_at)
    outcomes = scanner_scans_sync(device=device, scans=ordered)
    return [SyncedScan(queued=q, outcome=o) for q, o in zip(ordered, outcomes, strict=True)]


@transaction.atomic
def scanner_snapshot_issue(*, device: ScannerDevice, since: datetime | None = None) -> dict:
    """The signed snapshot for a device (or what changed ``since``); when it carries photos,
    the access is logged as an export of identity data, with the device and the count."""
    data, photos = badging_selectors.door_snapshot(device=device, since=since)
    if photos:
        IdentityAccessLog.objects.create(
            user=None,
            device=device,
            kind=IdentityAccessKind.EXPORT,
            export="scanner changes" if since else "scanner snapshot",
            row_count=photos,
        )
    return badge_signing.signed_document(data)


# Zones and badge categories, as the admin edits them ---------------------------------------


def access_zones_check(
    *, conference_id: int | None, zones: Iterable[AccessZone]
) -> list[AccessZone]:
    """Zones for a badge category or a scanner, refused unless all are of its conference."""
    zones = list(zones)
    strangers = [zone for zone in zones if zone.conference_id != conference_id]
    if strangers:
        raise ValidationError(
            {
                "zones": _("%(zones)s belong to another conference.")
                % {"zones": ", ".join(str(zone) for zone in strangers)}
            }
        )
    return zones


@transaction.atomic
def access_zone_save(*, zone: AccessZone) -> AccessZone:
    zone.full_clean()
    zone.save()
    return zone


@transaction.atomic
def access_zone_delete(*, zone: AccessZone) -> None:
    zone.delete()


@transaction.atomic
def badge_category_save(
    *, category: BadgeCategory, zones: Iterable[AccessZone] | None = None
) -> BadgeCategory:
    """Save a category and, when given, the zones its badges open (all of its conference)."""
    if zones is not None:
        zones = access_zones_check(conference_id=category.conference_id, zones=zones)
    category.full_clean()
    category.save()
    if zones is not None:
        category.zones.set(zones)
    return category


@transaction.atomic
def badge_category_delete(*, category: BadgeCategory) -> None:
    category.delete()
