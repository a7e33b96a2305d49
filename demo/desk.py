"""The accreditation desk on the days: badges handed over, doors checked, one security hold."""

import random
from datetime import timedelta

from participants.enums import AccreditationStatus as Status
from participants.enums import ScanAction, ScanResult
from participants.models import AccessZone, BadgeScan, IssuedBadge, Participant

from .common import DAY_ONE, create_backdated, dushanbe

HOLD_REASON = "Name matches a watch-list entry; the host's security service is verifying it."
# (zone code, entries, exits) at the doors on the first morning.
MOVEMENTS = [("P", 60, 18), ("C", 14, 6), ("M", 9, 2), ("V", 5, 3)]


def build_desk(conference, officer, rng: random.Random) -> dict[str, int]:
    badges = list(
        IssuedBadge.objects.filter(conference=conference, voided_at__isnull=True)
        .select_related("participant__badge_category")
        .order_by("number")
    )
    zones = {zone.code: zone for zone in AccessZone.objects.filter(conference=conference)}
    allowed = _zone_codes(badges)
    scans = [
        _scan(
            conference,
            badge,
            None,
            ScanAction.HANDOVER,
            ScanResult.HANDED_OVER,
            officer,
            badge.collected_at,
        )
        for badge in badges
        if badge.collected_at
    ]
    collected = [badge for badge in badges if badge.collected_at]
    opening = dushanbe(DAY_ONE, "08:30")
    for code, entries, exits in MOVEMENTS:
        inside = [b for b in collected if code in allowed[b.participant.badge_category_id]]
        entered = rng.sample(inside, min(entries, len(inside)))
        for minute, badge in enumerate(entered):
            at = opening + timedelta(minutes=minute * 2 + rng.randint(0, 1))
            scans.append(
                _scan(
                    conference, badge, zones[code], ScanAction.ENTRY, ScanResult.VALID, officer, at
                )
            )
        for badge in entered[:exits]:
            at = opening + timedelta(hours=3, minutes=rng.randint(0, 50))
            scans.append(
                _scan(
                    conference, badge, zones[code], ScanAction.EXIT, ScanResult.VALID, officer, at
                )
            )
    # A journalist tries the VIP lounge; a badge not yet collected tries the plenary.
    press = next(b for b in collected if "V" not in allowed[b.participant.badge_category_id])
    scans.append(
        _scan(
            conference,
            press,
            zones["V"],
            ScanAction.ENTRY,
            ScanResult.WRONG_ZONE,
            officer,
            opening + timedelta(minutes=47),
        )
    )
    waiting = next((b for b in badges if b.printed_at and not b.collected_at), None)
    if waiting is not None:
        scans.append(
            _scan(
                conference,
                waiting,
                zones["P"],
                ScanAction.ENTRY,
                ScanResult.NOT_COLLECTED,
                officer,
                opening + timedelta(minutes=52),
            )
        )
    held = _hold(collected, officer)
    scans.append(
        _scan(
            conference,
            held,
            zones["P"],
            ScanAction.ENTRY,
            ScanResult.SECURITY_HOLD,
            officer,
            opening + timedelta(minutes=75),
        )
    )
    create_backdated(BadgeScan, scans, "at")
    return {"badge scans": len(scans)}


def _zone_codes(badges) -> dict[int, set[str]]:
    categories = {b.participant.badge_category for b in badges}
    return {c.pk: {z.code for z in c.zones.all()} for c in categories}


def _scan(conference, badge, zone, action, result, officer, at) -> BadgeScan:
    return BadgeScan(
        conference=conference,
        badge=badge,
        code=badge.printed_number,
        zone=zone,
        action=action,
        result=result,
        officer=officer,
        at=at,
    )


def _hold(collected, officer) -> IssuedBadge:
    """The first invented delegate with a collected badge is held (the named speakers never)."""
    badge = next(
        b
        for b in collected
        if b.voided_at is None
        and b.participant.status == Status.APPROVED
        and b.participant.passport_name
        and b.participant.delegation_id
    )
    Participant.objects.filter(pk=badge.participant_id).update(
        security_hold_reason=HOLD_REASON,
        security_hold_at=dushanbe(DAY_ONE, "09:40"),
        security_hold_by=officer,
    )
    return badge
