"""Small helpers shared by the demo builders."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ACTOR = "demo import"
DUSHANBE_SLUG = "dushanbe-2019"
ASHGABAT_SLUG = "ashgabat-2019"
DUSHANBE_TZ = ZoneInfo("Asia/Dushanbe")
ASHGABAT_TZ = ZoneInfo("Asia/Ashgabat")
DAY_ONE = date(2019, 5, 16)
DAY_TWO = date(2019, 5, 17)


def dushanbe(day: date, clock: str) -> datetime:
    """An aware datetime from a conference day and a local "HH:MM" string."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DUSHANBE_TZ)


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime in Dushanbe in 2019."""
    return datetime(2019, month, day, hour, minute, tzinfo=DUSHANBE_TZ)


def minutes_later(moment: datetime, minutes: int) -> datetime:
    return moment + timedelta(minutes=minutes)


def create_backdated(model, objects: list, field: str, batch_size: int = 500) -> list:
    """bulk_create objects whose auto_now_add ``field`` should keep the value set on them.

    auto_now_add overwrites the timestamp on insert, so the intended values are put
    back with one bulk_update (which does not run pre_save).
    """
    stamps = [getattr(obj, field) for obj in objects]
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    for obj, stamp in zip(created, stamps, strict=True):
        setattr(obj, field, stamp)
    model.objects.bulk_update(created, [field], batch_size=batch_size)
    return created
