"""The Russian catalogue is complete, and the public pages of the demo really read in Russian.

Russian is the working language of the region: a string missing from the catalogue shows up
in English in the middle of a Russian page, so an untranslated or fuzzy entry fails here.
"""

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from conference.enums import ConferenceStatus
from conference.models import Conference
from participants.accreditation import notifications
from participants.accreditation.selectors import nomination_token
from participants.models import Delegation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
DUSHANBE = "dushanbe-2019"


def _catalogue():
    with CATALOGUE.open("rb") as po_file:
        return read_po(po_file, locale="ru")


def test_every_russian_entry_is_translated_and_checked():
    catalogue = _catalogue()
    entries = [message for message in catalogue if message.id]
    missing = [
        message.id
        for message in entries
        if not (all(message.string) if message.pluralizable else message.string)
    ]
    fuzzy = [message.id for message in entries if message.fuzzy]
    assert (missing, fuzzy) == ([], [])
    # Three forms: 1 делегация, 2 делегации, 5 делегаций.
    assert catalogue.num_plurals == 3
    assert all(len(m.string) == 3 for m in entries if m.pluralizable)
    # Placeholders survive translation (Babel's python-format and plural checks).
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert problems == []


@pytest.fixture
def russian(client, demo_db, db):
    cache.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


def _check_page(client, url: str, *, russian: tuple[str, ...], english: tuple[str, ...]):
    """The page at ``url`` is in Russian: it shows every ``russian`` text and no ``english`` one."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert [text for text in russian if text not in html] == []
    assert [text for text in english if text in html] == []


def test_the_outcome_document_page_reads_in_russian(russian):
    _check_page(
        russian,
        reverse("documents:detail", args=[DUSHANBE, "dushanbe-declaration"]),
        russian=(
            "Декларация",
            "Дата принятия: 17 мая 2019; способ принятия: процедура умолчания.",
            ">Печать<",
            "Сравнить редакции",
            'aria-label="Постановляющая часть"',
            "Заявления при принятии",
            "Заявление о толковании",
            '<p class="mb-1 statement-delegations">Туркменистан</p>',
            ">Документы<",
        ),
        english=(
            "Adopted on",
            "Statements on adoption",
            "Interpretative statement",
            "Compare versions",
            ">Print<",
            "Operative paragraphs",
            ">Documents<",
        ),
    )


def test_the_version_comparison_reads_in_russian(russian):
    url = reverse("documents:compare", args=[DUSHANBE, "dushanbe-declaration"])
    _check_page(
        russian,
        f"{url}?old=0&new=1",
        russian=("6 пунктов изменено.", ">Было<", ">Стало<", ">без изменений<", ">изменено<"),
        english=("paragraphs changed", ">From<", ">To<", ">unchanged<", ">changed<"),
    )


def test_the_recommendations_page_reads_in_russian(russian):
    _check_page(
        russian,
        reverse("documents:recommendations", args=[DUSHANBE]),
        russian=(
            "Рекомендации, представленные на Душанбинская конференция высокого уровня 2019, "
            "по темам.",
            "Адресат: Border and customs services.",
            "Статус: Представлена.",
            "Источник: Региональная конференция высокого уровня",
        ),
        english=("Addressed to:", "Source:", "Status:", "Presented", "by theme"),
    )


@pytest.fixture
def kazakhstan(demo_db, db):
    return Delegation.objects.select_related("conference").get(
        conference__slug=DUSHANBE, country="KZ"
    )


def _portal_url(delegation: Delegation, name: str) -> str:
    return reverse(
        f"participants:{name}", kwargs={"token": nomination_token(delegation=delegation)}
    )


def test_the_portal_delegation_page_reads_in_russian(russian, kazakhstan):
    _check_page(
        russian,
        _portal_url(kazakhstan, "portal"),
        russian=(
            "<title>Делегация: Казахстан · Душанбинская конференция высокого уровня 2019</title>",
            '<h1 class="h3">Делегация: Казахстан</h1>',
            # The demo's registration closed at 13:00 UTC, 18:00 in Dushanbe.
            "Регистрация на Душанбинская конференция высокого уровня 2019 закрыта "
            "3 мая 2019, 18:00 +05.",
            "Члены делегации и их аккредитация",
            "Служба безопасности",
            "Бейдж выдан",
            "Проверка безопасности",
            "Что дальше",
            "Срок подачи заявок — до 3 мая 2019.",
        ),
        english=(
            "Delegation of",
            "Members and their accreditation",
            "What happens next",
            "Badge collected",
            "Security vetting",
            "Badge no.",
            "Passport data",
            " May 2019",
        ),
    )


def test_the_portal_member_form_has_russian_labels(russian, kazakhstan):
    Conference.objects.filter(pk=kazakhstan.conference_id).update(
        status=ConferenceStatus.REGISTRATION_OPEN,
        registration_deadline=timezone.now() + dt.timedelta(days=7),
    )
    _check_page(
        russian,
        _portal_url(kazakhstan, "portal_member_add"),
        russian=(
            "Заявить участника",
            "Личные данные",
            "Фамилия",
            "Гражданство",
            "Паспорт действителен до",
            "За счёт организаторов",
            "Недавняя цветная портретная фотография с пропорциями 3 : 4 (ширина : высота),",
        ),
        english=("Given names", "Family name", "Nationality", "Passport expires", "Save member"),
    )


def test_the_nomination_e_mail_is_written_in_russian(
    kazakhstan, django_capture_on_commit_callbacks
):
    # Kazakhstan corresponds in Russian (the demo): the organizer's English does not count.
    assert kazakhstan.correspondence_language == "ru"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notifications.nomination_link_write(
            delegation=kazakhstan, url="https://example.org/n/x/", send_id="x"
        )
    [message] = mail.outbox
    assert (
        message.subject
        == "Душанбинская конференция высокого уровня 2019: ссылка для заявки (Казахстан)"
    )
    assert message.body.startswith("Здравствуйте, Templatjon Examplov!\n")
    assert "Группа аккредитации" in message.body
    assert "Please nominate" not in message.body
