"""``{% mail_delivery_notice %}``: a banner on the admin pages that send, when mail is not sent.

Under ``make run`` (the console backend) a message is printed to the server's console and
marked sent; an organizer must not believe a focal point received it.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

from conference.mailconfig import not_delivered

register = template.Library()


@register.simple_tag
def mail_delivery_notice() -> str:
    where = not_delivered(settings.EMAIL_BACKEND)
    if not where:
        return ""
    texts = {
        "console": _(
            "Mail is not delivered: this server prints every message to its console "
            "(the console backend) and marks it sent. Set EMAIL_URL to send mail."
        ),
        "file": _(
            "Mail is not delivered: this server writes every message to a file in %(path)s "
            "and marks it sent. Set EMAIL_URL to send mail."
        )
        % {"path": getattr(settings, "EMAIL_FILE_PATH", "")},
        "dummy": _(
            "Mail is not delivered: this server discards every message (the dummy backend) "
            "and marks it sent. Set EMAIL_URL to send mail."
        ),
    }
    return format_html(
        '<ul class="messagelist" id="mail-not-delivered"><li class="warning">{}</li></ul>',
        texts[where],
    )
