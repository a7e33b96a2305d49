from django import template

from participants.models import Delegation

register = template.Library()


@register.filter
def delegation_name(delegation: Delegation | None) -> str:
    """A delegation's name in the active language (country names are translated)."""
    if delegation is None:
        return ""
    return str(delegation.country.name) if delegation.country else delegation.name
