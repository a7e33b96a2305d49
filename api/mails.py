"""The api app's mail, registered with the mail app (conference/mail)."""

from django.utils.translation import gettext_lazy as _

from conference.mail.kinds import MailKind, register

ENDPOINT_DISABLED = register(
    MailKind(
        key="webhook_endpoint_disabled",
        label=_("Webhook endpoint disabled after repeated failures"),
        placeholders={
            "endpoint": _("the endpoint's name"),
            "url": _("the endpoint's URL"),
            "failures": _("how many deliveries failed in a row"),
            "conference": _("the conference's title"),
        },
        subject={
            "en": "{conference}: webhook “{endpoint}” disabled",
            "ru": "{conference}: вебхук «{endpoint}» отключён",
        },
        body={
            "en": (
                "Hello,\n\n"
                "{failures} deliveries to your webhook endpoint “{endpoint}” ({url}) failed in "
                "a row after every retry, so it has been disabled. No further events are sent "
                "to it.\n\n"
                "Fix the receiver, then ask the organizers to switch the endpoint on again; "
                "the failed deliveries can be sent again from their log.\n\n"
                "Plenary"
            ),
            "ru": (
                "Здравствуйте!\n\n"
                "{failures} доставок подряд на ваш вебхук «{endpoint}» ({url}) не удались после "
                "всех повторов, поэтому он отключён. События на него больше не отправляются.\n\n"
                "Исправьте приёмник и попросите организаторов включить вебхук снова; "
                "неудавшиеся доставки можно отправить повторно из журнала.\n\n"
                "Plenary"
            ),
        },
    )
)
