from django import template

from sessions.record import duration_label

register = template.Library()


@register.filter
def duration(seconds):
    """Seconds as “4:05” (minutes:seconds)."""
    return duration_label(seconds)
