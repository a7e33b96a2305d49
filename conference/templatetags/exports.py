"""The format choice beside a changelist's export action (templates/admin/actions.html)."""

from django import template

register = template.Library()

EXPORT_ACTION_PREFIX = "export_csv_"


@register.filter
def offers_export(action_form) -> bool:
    """Whether the action bar holds an export action, which then also offers Excel."""
    choices = action_form.fields["action"].choices if "action" in action_form.fields else []
    return any(str(value).startswith(EXPORT_ACTION_PREFIX) for value, _label in choices)
