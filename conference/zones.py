"""Time zones as people read them, in the active language (babel's CLDR names)."""

import zoneinfo
from datetime import datetime

from babel.dates import get_timezone_gmt, get_timezone_location
from django.utils import timezone, translation


def _locale() -> str:
    return (translation.get_language() or "en").split("-")[0]


def zone_label(tz: zoneinfo.ZoneInfo, moment: datetime | None = None) -> str:
    """ "Dushanbe (GMT+05:00)", "Душанбе (GMT+05:00)": the zone's city and its offset then."""
    locale = _locale()
    local = (moment or timezone.now()).astimezone(tz)
    city = get_timezone_location(tz, locale=locale, return_city=True)
    return f"{city} ({get_timezone_gmt(local, locale=locale)})"
