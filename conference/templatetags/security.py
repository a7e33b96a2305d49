from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(duration: timedelta) -> int:
    """The lockout page says "15 minutes", not django-axes' ISO 8601 "PT15M"."""
    return max(1, round(duration.total_seconds() / 60))
