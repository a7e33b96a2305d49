"""What the outcome documents mail, registered with the mail app: the silence procedure's
circulation, the receipt of a break and the outcome, in English and Russian."""

from django.utils.translation import gettext_lazy as _

from conference.mail.kinds import MailKind, register

_COMMON = {
    "recipient_name": _("the focal point's name, or a polite form of address"),
    "delegation": _("the delegation's name"),
    "conference": _("the conference's title"),
    "conference_short": _("the conference's short title"),
    "document": _("the document's title"),
    "version": _("the version under silence, e.g. Rev.2"),
}

SILENCE_CIRCULATION = register(
    MailKind(
        key="silence_circulation",
        label=_("Silence procedure: the text circulated to a focal point"),
        placeholders={
            **_COMMON,
            "deadline": _("the deadline, in conference time"),
            "url": _("the delegation's personal link to break silence"),
            "text": _("the text under silence"),
        },
        subject={
            "en": "{conference_short}: {document} ({version}) under silence until {deadline}",
            "ru": "{conference_short}: «{document}» ({version}) — умолчание до {deadline}",
        },
        body={
            "en": (
                "Dear {recipient_name},\n\n"
                "The text below of {document} ({version}), negotiated at {conference}, is under "
                "the silence procedure until {deadline}. Unless a delegation breaks silence by "
                "then, it is adopted.\n\n"
                "Should the delegation of {delegation} wish to break silence, please do so, with "
                "its reasons, through this personal link:\n\n"
                "{url}\n\n"
                "Do not forward the link.\n\n"
                "{text}\n\n"
                "The conference secretariat"
            ),
            "ru": (
                "Здравствуйте, {recipient_name}!\n\n"
                "Приведённый ниже текст «{document}» ({version}), согласованный на конференции "
                "«{conference}», рассматривается по процедуре умолчания до {deadline}. Если до "
                "этого срока ни одна делегация не нарушит молчание, текст будет принят.\n\n"
                "Если делегация ({delegation}) желает нарушить молчание, сделайте это, указав "
                "причины, по этой персональной ссылке:\n\n"
                "{url}\n\n"
                "Не пересылайте эту ссылку.\n\n"
                "{text}\n\n"
                "Секретариат конференции"
            ),
        },
    )
)

SILENCE_BREAK_RECEIPT = register(
    MailKind(
        key="silence_break_receipt",
        label=_("Silence procedure: receipt of a break"),
        placeholders={
            **_COMMON,
            "broken_at": _("when silence was broken, in conference time"),
            "text": _("the text of the break"),
        },
        subject={
            "en": "{conference_short}: silence on {document} broken by {delegation}",
            "ru": "{conference_short}: делегация ({delegation}) нарушила молчание — «{document}»",
        },
        body={
            "en": (
                "Dear {recipient_name},\n\n"
                "We have received the break of silence by the delegation of {delegation} on "
                "{document} ({version}) at {broken_at}. The text returns to negotiation.\n\n"
                "Your text:\n\n{text}\n\n"
                "The conference secretariat"
            ),
            "ru": (
                "Здравствуйте, {recipient_name}!\n\n"
                "Мы получили уведомление делегации ({delegation}) о нарушении молчания по "
                "документу «{document}» ({version}) в {broken_at}. Текст возвращается к "
                "переговорам.\n\n"
                "Ваш текст:\n\n{text}\n\n"
                "Секретариат конференции"
            ),
        },
    )
)

SILENCE_OUTCOME = register(
    MailKind(
        key="silence_outcome",
        label=_("Silence procedure: its outcome, to every focal point"),
        placeholders={**_COMMON, "outcome": _("what happened, in one sentence")},
        subject={
            "en": "{conference_short}: {document} — {outcome}",
            "ru": "{conference_short}: «{document}» — {outcome}",
        },
        body={
            "en": "Dear {recipient_name},\n\n{outcome}\n\nThe conference secretariat",
            "ru": "Здравствуйте, {recipient_name}!\n\n{outcome}\n\nСекретариат конференции",
        },
    )
)
