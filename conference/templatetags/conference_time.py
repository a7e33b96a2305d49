"""Date-times as people read them: the conference's wall time, in the active language."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def conference_time(moment: dt.datetime | None, conference) -> str:
    """``moment`` as :meth:`Conference.local_text` writes it; the current zone without one."""
    if moment is None:
        return ""
    if conference is None:
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return conference.local_text(moment)
