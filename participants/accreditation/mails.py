"""What participants mails, registered with the mail app: placeholders and default texts.

The defaults are written here in English and Russian; the organizers edit them in the admin
(Mail › Mail templates). Placeholders are plain ``{name}`` substitutions.
"""

from django.utils.translation import gettext_lazy as _

from conference.mail.kinds import MailKind, register

ACCREDITATION_DIGEST = register(
    MailKind(
        key="accreditation_digest",
        label=_("Accreditation changes (one digest per delegation)"),
        placeholders={
            "recipient_name": _("the focal point's name, or a polite form of address"),
            "delegation": _("the delegation's name"),
            "conference": _("the conference's title"),
            "conference_short": _("the conference's short title"),
            "summary": _("what changed, counted by status: “Approved: 3; Rejected: 1”"),
            "details": _("one line per member, with the badge number and the team's message"),
        },
        subject={
            "en": "{conference_short}: accreditation of {delegation} — {summary}",
            "ru": "{conference_short}: аккредитация ({delegation}) — {summary}",
        },
        body={
            "en": (
                "Dear {recipient_name},\n\n"
                "The accreditation of members of the delegation of {delegation} to {conference} "
                "has changed. {summary}.\n\n"
                "{details}\n\n"
                "You can follow every member of your delegation through your nomination link.\n\n"
                "The accreditation team"
            ),
            "ru": (
                "Здравствуйте, {recipient_name}!\n\n"
                "Изменился статус аккредитации членов делегации ({delegation}) на конференцию "
                "«{conference}». {summary}.\n\n"
                "{details}\n\n"
                "Следить за статусом каждого члена делегации можно по вашей ссылке для заявки.\n\n"
                "Группа аккредитации"
            ),
        },
    )
)

NOMINATION_LINK = register(
    MailKind(
        key="nomination_link",
        label=_("Nomination link to a focal point"),
        placeholders={
            "recipient_name": _("the focal point's name, or a polite form of address"),
            "delegation": _("the delegation's name"),
            "conference": _("the conference's title"),
            "conference_short": _("the conference's short title"),
            "url": _("the personal nomination link"),
            "expires": _("when the link stops working, in conference time"),
        },
        subject={
            "en": "{conference_short}: nomination link for {delegation}",
            "ru": "{conference_short}: ссылка для заявки ({delegation})",
        },
        body={
            "en": (
                "Dear {recipient_name},\n\n"
                "Please nominate the members of the delegation of {delegation} to {conference} "
                "through this personal link:\n\n"
                "{url}\n\n"
                "The link works until {expires}. Do not forward it: anyone holding it can change "
                "your nominations.\n\n"
                "The accreditation team"
            ),
            "ru": (
                "Здравствуйте, {recipient_name}!\n\n"
                "Просим заявить состав делегации ({delegation}) на конференцию «{conference}» "
                "по этой персональной ссылке:\n\n"
                "{url}\n\n"
                "Ссылка действует до {expires}. Не пересылайте её: любой, у кого она есть, "
                "может изменить ваши заявки.\n\n"
                "Группа аккредитации"
            ),
        },
    )
)

# What an organizer may write in a circular's own subject and text.
CIRCULAR_PLACEHOLDERS = {
    "recipient_name": _("the recipient's name, or a polite form of address"),
    "delegation": _("the delegation's name"),
    "conference": _("the conference's title"),
}

CIRCULAR = register(
    MailKind(
        key="circular",
        label=_("Circular (the frame around the organizers' text)"),
        placeholders={
            **CIRCULAR_PLACEHOLDERS,
            "subject": _("the circular's subject"),
            "message": _("the circular's text"),
        },
        subject={"en": "{subject}", "ru": "{subject}"},
        body={
            "en": "Dear {recipient_name},\n\n{message}\n\nThe conference secretariat",
            "ru": "Здравствуйте, {recipient_name}!\n\n{message}\n\nСекретариат конференции",
        },
    )
)
