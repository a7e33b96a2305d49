"""Issue 21, item 12: every mail kind, rendered for a Russian-speaking recipient, is Russian.

Each kind is written as the services write it, while every gettext call is recorded: a
string the Russian catalogue does not translate (it comes back as the English msgid) fails,
whether it is in a template's default text or composed in code ("Badge number:").
"""

import re

import pytest
from django.core import mail
from django.utils import translation

from conference.mail import kinds
from conference.mail.models import OutboxMessage
from documents import services as document_services
from participants.accreditation import notifications, services
from participants.accreditation.selectors import CircularRecipient
from participants.enums import AccreditationStatus as S
from tests.documents.test_silence_procedure import DEADLINE, negotiated_document
from tests.factories import DelegationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

LETTERS = re.compile(r"[A-Za-z]{2,}")
TOLD = "Пришлите, пожалуйста, свежую фотографию."


@pytest.fixture
def untranslated(monkeypatch):
    """Every (msgid) the catalogue left English while Russian was active."""
    found: list[str] = []
    trans = translation._trans

    def recording(original, pick_msgid):
        def call(*args):
            result = original(*args)
            msgid = pick_msgid(args)
            if translation.get_language() == "ru" and result == msgid and LETTERS.search(msgid):
                found.append(msgid)
            return result

        return call

    monkeypatch.setattr(trans, "gettext", recording(trans.gettext, lambda a: a[0]))
    monkeypatch.setattr(
        trans, "ngettext", recording(trans.ngettext, lambda a: a[0] if a[2] == 1 else a[1])
    )
    monkeypatch.setattr(trans, "pgettext", recording(trans.pgettext, lambda a: a[1]))
    return found


@pytest.fixture
def russian_delegation():
    return DelegationFactory(
        country="KG", correspondence_language="ru", focal_point_name="Айгуль Асанова"
    )


def _written(kind: str) -> OutboxMessage:
    return OutboxMessage.objects.get(kind=kind)


def _approve_and_reject(delegation):
    approved = ParticipantFactory(delegation=delegation, status=S.VETTING)
    rejected = ParticipantFactory(delegation=delegation, status=S.VETTING)
    officer = UserFactory()
    services.participants_transition(
        name="approve", participants=[approved], by=officer, message=TOLD
    )
    services.participants_transition(
        name="reject", participants=[rejected], by=officer, reason="internal", message=TOLD
    )


def test_every_kind_is_covered_here():
    assert {kind.key for kind in kinds.all_kinds()} == {
        "accreditation_digest",
        "nomination_link",
        "circular",
        "silence_circulation",
        "silence_break_receipt",
        "silence_outcome",
        "webhook_endpoint_disabled",
    }


def test_the_silence_procedure_mails_are_russian(untranslated, django_capture_on_commit_callbacks):
    """Circulation, the receipt of a break and the outcome, for a Russian-speaking focal point."""
    officer = UserFactory()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        document, _kazakhstan, turkmenistan = negotiated_document(officer)
        document = document_services.document_start_silence(
            document=document, deadline=DEADLINE, by=officer
        )
        document_services.silence_break(
            document=document, delegation=turkmenistan, text="Возражаем.", by=None
        )
    assert untranslated == []
    russian = OutboxMessage.objects.filter(recipient=turkmenistan.focal_point_email)
    assert sorted(russian.values_list("kind", flat=True)) == [
        "silence_break_receipt",
        "silence_circulation",
        "silence_outcome",
    ]
    for row in russian:
        assert row.language == "ru"
        assert not LETTERS.search(row.subject.replace(document.conference.short_title, ""))


def test_the_webhook_mail_has_a_russian_text(untranslated):
    kind = kinds.get("webhook_endpoint_disabled")
    with translation.override("ru"):
        text = kind.body["ru"].format(endpoint="Охрана", url="", failures="5", conference="")
    assert untranslated == []
    assert [word for word in LETTERS.findall(text) if word != "Plenary"] == []


def test_the_accreditation_digest_is_russian_through_and_through(
    russian_delegation, untranslated, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _approve_and_reject(russian_delegation)
    assert untranslated == []
    rows = OutboxMessage.objects.filter(kind="accreditation_digest")
    assert rows.count() == 2
    approved = rows.filter(body_text__contains="Одобрена").get()
    assert "Номер бейджа:" in approved.body_text
    assert f"Сообщение группы аккредитации: {TOLD}" in approved.body_text
    for row in rows:
        assert row.language == "ru"
        assert "Badge number" not in row.body_text
        assert "Message from the accreditation team" not in row.body_text
    assert len(mail.outbox) == 2


def test_the_nomination_link_is_russian(russian_delegation, untranslated):
    with translation.override("en"):
        notifications.nomination_link_write(
            delegation=russian_delegation, url="https://example.org/n/x/", send_id="x"
        )
    assert untranslated == []
    row = _written("nomination_link")
    assert row.body_text.startswith("Здравствуйте, Айгуль Асанова!")


def test_a_circular_is_russian(russian_delegation, untranslated):
    recipient = CircularRecipient(
        email="focal@mfa.example", name="", language="ru", delegation=russian_delegation
    )
    with translation.override("en"):
        notifications.circular_write(
            conference=russian_delegation.conference,
            recipients=[recipient],
            subject={"en": "Logistics", "ru": "Логистика"},
            body={"en": "Text.", "ru": "Текст."},
            send_id="c1",
        )
    assert untranslated == []
    row = _written("circular")
    assert "Логистика" in row.subject
    assert "уважаемые коллеги" in row.body_text.lower()
