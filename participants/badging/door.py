"""The re-entry rules of a zone: opening hours per zone and badge category, single entry,
entry only after exit (anti-passback) and the automatic exit at a set hour.

Every rule is read at the moment of an entry; nothing runs on a clock. The automatic exit in
particular is computed, not written: a badge whose last movement in a zone is an entry counts
as inside until its next exit or the zone's next exit hour after that entry, whichever comes
first. So no task has to run at 18:00 for the door to be right at 18:01 (a stopped beat
worker or a device that was offline at that hour changes nothing), thousands of rows are not
written at once, and the scan log stays the one holder of who went in and out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from conference.models import Conference
from participants.enums import GREEN_RESULTS, ScanAction, ScanResult
from participants.models import AccessZone, BadgeScan, IssuedBadge, ZoneOpening


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Which rule refused an entry, since when the badge is inside, and when it may enter.

    ``retry_at`` empty with ``after_exit`` set: once an exit is recorded; both empty: not
    again at this conference.
    """

    result: str
    since: datetime | None = None
    retry_at: datetime | None = None
    after_exit: bool = False

    def explain(self, conference: Conference) -> str:
        since = conference.local_text(self.since) if self.since else ""
        if self.result == ScanResult.CLOSED:
            if self.retry_at is None:
                return _("The zone does not open again to this badge at this conference.")
            return _("Closed to this badge now; it may enter from %(at)s.") % {
                "at": conference.local_text(self.retry_at)
            }
        if self.result == ScanResult.ALREADY_ENTERED:
            return _("Entered at %(since)s; this zone admits a badge once.") % {"since": since}
        if self.retry_at is not None:
            return _(
                "Inside since %(since)s; it may enter again after an exit or from %(at)s "
                "(automatic exit)."
            ) % {"since": since, "at": conference.local_text(self.retry_at)}
        return _("Inside since %(since)s; it may enter again after an exit.") % {"since": since}


def auto_exit_after(*, zone: AccessZone, entered_at: datetime, tz) -> datetime | None:
    """The first automatic exit hour of ``zone`` after an entry, in conference time."""
    if zone.auto_exit_at is None:
        return None
    local = entered_at.astimezone(tz)
    moment = datetime.combine(local.date(), zone.auto_exit_at, tzinfo=tz)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), zone.auto_exit_at, tzinfo=tz)
    return moment


def openings_for(*, openings: Iterable[ZoneOpening], category_id: int | None) -> list[ZoneOpening]:
    """The openings that apply to a category: its own if it has any, else the zone's general."""
    openings = list(openings)
    own = [o for o in openings if o.category_id is not None and o.category_id == category_id]
    return own or [o for o in openings if o.category_id is None]


def _starts(openings: list[ZoneOpening], day: date) -> Iterable[tuple[time, time]]:
    for opening in openings:
        if opening.day is None or opening.day == day:
            yield opening.opens, opening.closes


def is_open(*, openings: list[ZoneOpening], at: datetime, tz) -> bool:
    if not openings:
        return True
    local = at.astimezone(tz)
    return any(opens <= local.time() < closes for opens, closes in _starts(openings, local.date()))


def next_opening(
    *, openings: list[ZoneOpening], at: datetime, conference: Conference
) -> datetime | None:
    """The next time the zone opens to these openings after ``at``, up to the last day."""
    tz = conference.tz
    local = at.astimezone(tz)
    day = local.date()
    while day <= conference.end_date:
        starts = sorted(
            datetime.combine(day, opens, tzinfo=tz)
            for opens, _closes in _starts(openings, day)
            if datetime.combine(day, opens, tzinfo=tz) > local
        )
        if starts:
            return starts[0]
        day += timedelta(days=1)
    return None


def zone_openings(*, zone: AccessZone, category_id: int | None) -> list[ZoneOpening]:
    """One query: the openings of ``zone`` that apply to a badge of ``category_id``; none when
    the zone was read in the same request with ``has_openings`` false (a paired device's)."""
    if getattr(zone, "has_openings", True) is False:
        return []
    return openings_for(
        openings=ZoneOpening.objects.filter(zone=zone).filter(
            Q(category__isnull=True) | Q(category_id=category_id)
        ),
        category_id=category_id,
    )


def entry_refusal(
    *, badge: IssuedBadge, zone: AccessZone, conference: Conference, at: datetime
) -> Refusal | None:
    """The first rule of ``zone`` that refuses this badge's entry at ``at``, or None."""
    openings = zone_openings(zone=zone, category_id=badge.participant.badge_category_id)
    if not is_open(openings=openings, at=at, tz=conference.tz):
        return Refusal(
            result=ScanResult.CLOSED,
            retry_at=next_opening(openings=openings, at=at, conference=conference),
        )
    if not (zone.single_entry or zone.anti_passback):
        return None
    # A scan an offline device queued counts from when it was made, not when it synced.
    movements = BadgeScan.objects.filter(
        badge=badge,
        zone=zone,
        action__in=[ScanAction.ENTRY, ScanAction.EXIT],
        result__in=GREEN_RESULTS,
    ).annotate(moment=Coalesce("scanned_at", "at"))
    if zone.single_entry:
        first = movements.filter(action=ScanAction.ENTRY).order_by("moment", "pk").first()
        if first is not None:
            return Refusal(result=ScanResult.ALREADY_ENTERED, since=first.moment)
    last = movements.order_by("-moment", "-pk").first()
    if zone.anti_passback and last is not None and last.action == ScanAction.ENTRY:
        exit_at = auto_exit_after(zone=zone, entered_at=last.moment, tz=conference.tz)
        if exit_at is None or exit_at > at:
            return Refusal(
                result=ScanResult.ALREADY_INSIDE,
                since=last.moment,
                retry_at=exit_at,
                after_exit=True,
            )
    return None
