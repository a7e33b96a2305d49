"""Content in English and Russian: the demo's Russian values, the fallback to English where a
Russian value is empty, and the feeds' language."""

import json
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from documents.models import DocumentVersion, Paragraph
from sessions.models import Room, Session
from tests.sessions.test_demo_site import crawl, page_text

pytestmark = pytest.mark.django_db
DUSHANBE = "dushanbe-2019"


@pytest.fixture
def russian(demo_db, db, client):
    client.cookies["django_language"] = "ru"
    cache.clear()
    return client


def _english_where_russian_exists(model, field: str, **filters) -> set[str]:
    rows = model.objects.filter(**filters).exclude(**{f"{field}_ru": ""})
    return {
        english
        for english, russian in rows.values_list(f"{field}_en", f"{field}_ru")
        if russian and english != russian
    }


def test_the_demo_has_russian_values_for_all_dushanbe_content(demo_db, db):
    for model, field, filters in [
        (Session, "title", {"conference__slug": DUSHANBE}),
        (Room, "name", {"conference__slug": DUSHANBE}),
        (Paragraph, "text", {"version__document__conference__slug": DUSHANBE}),
    ]:
        missing = model.objects.filter(**filters, **{f"{field}_ru__in": ["", None]})
        assert list(missing.values_list(f"{field}_en", flat=True)) == [], model


def test_the_russian_site_shows_no_english_title_room_or_paragraph_that_has_a_russian_one(
    russian,
):
    english = (
        _english_where_russian_exists(Session, "title", conference__slug=DUSHANBE, is_public=True)
        | _english_where_russian_exists(Room, "name", conference__slug=DUSHANBE)
        | _english_where_russian_exists(
            Paragraph, "text", version__document__conference__slug=DUSHANBE
        )
    )
    assert "Coffee break" in english and "Plenary Hall" in english
    pages = crawl(russian)
    seen = {url: unescape(page_text(response)) for url, response in pages.items()}
    assert {url: [t for t in english if t in text] for url, text in seen.items()} == {
        url: [] for url in seen
    }
    agenda = seen[f"/{DUSHANBE}/agenda/"]
    assert "Перерыв на кофе" in agenda and "Пленарный зал" in agenda
    assert "Душанбинская декларация" in seen[f"/{DUSHANBE}/documents/"]


def test_an_empty_russian_value_shows_the_english_one(russian):
    session = Session.objects.get(conference__slug=DUSHANBE, title_en="Closing session")
    Session.objects.filter(pk=session.pk).update(title_ru="")
    Room.objects.filter(conference__slug=DUSHANBE, name_en="Plenary Hall").update(name_ru=None)
    html = russian.get(reverse("agenda:session", args=[DUSHANBE, session.pk])).content.decode()
    assert '<html lang="ru">' in html
    assert "Closing session" in html and "Plenary Hall" in html
    assert "Церемония закрытия" not in html


def test_the_revision_labels_are_written_in_each_language(demo_db, db):
    labels = DocumentVersion.objects.filter(document__slug="dushanbe-declaration").order_by(
        "sequence"
    )
    assert list(labels.values_list("label_en", "label_ru")) == [
        ("Zero draft", "Нулевой проект"),
        # A document symbol's "Rev.1" stays Latin in Russian, as in UN document symbols.
        ("Rev.1", "Rev.1"),
        ("Final", "Окончательный текст"),
    ]


def test_the_feeds_say_and_use_the_active_language(russian):
    ics = russian.get(reverse("agenda:agenda_ics", args=[DUSHANBE])).content.decode()
    assert "SUMMARY;LANGUAGE=ru:Перерыв на кофе" in ics
    data = json.loads(russian.get(reverse("agenda:agenda_json", args=[DUSHANBE])).content)
    assert data["conference"]["language"] == "ru"
    assert data["conference"]["short_title"] == "Душанбинская конференция высокого уровня 2019"
    assert "Перерыв на кофе" in {s["title"] for s in data["sessions"]}
    xml = russian.get(reverse("agenda:schedule_xml", args=[DUSHANBE])).content.decode()
    assert "<language>ru</language>" in xml and "<title>Перерыв на кофе</title>" in xml
