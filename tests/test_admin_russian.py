"""The admin in Russian: model names translated, dates written in the genitive."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian_organizer(organizer):
    organizer.cookies["django_language"] = "ru"
    return organizer


def test_every_model_has_a_russian_name():
    untranslated = []
    for model in apps.get_models():
        if model._meta.app_label not in {"conference", "participants", "agenda", "documents"}:
            continue
        opts = model._meta
        with translation.override("ru"):
            names = (str(opts.verbose_name), str(opts.verbose_name_plural))
        with translation.override("en"):
            english = (str(opts.verbose_name), str(opts.verbose_name_plural))
        if names == english:
            untranslated.append(model.__name__)
    assert untranslated == []


def test_every_field_has_a_russian_name():
    untranslated = []
    for model in apps.get_models():
        if model._meta.app_label not in {"conference", "participants", "agenda", "documents"}:
            continue
        for field in model._meta.get_fields(include_hidden=False):
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            with translation.override("ru"):
                russian = str(field.verbose_name)
            with translation.override("en"):
                english = str(field.verbose_name)
            if russian == english:
                untranslated.append(f"{model.__name__}.{field.name}")
    assert untranslated == []


def test_the_admin_index_names_the_models_in_russian(russian_organizer):
    html = russian_organizer.get(reverse("admin:index")).content.decode()
    assert '<html lang="ru"' in html
    for name in ("Конференции", "Делегации", "Участники", "Заседания", "Итоговые документы"):
        assert name in html
    for name in ("Outcome documents", "Participants", "Delegations"):
        assert name not in html


@pytest.mark.parametrize(
    "view, russian",
    [
        ("admin:agenda_session_changelist", "Выберите заседание для изменения"),
        ("admin:participants_participant_changelist", "Участники"),
        ("admin:documents_outcomedocument_changelist", "Итоговые документы"),
        ("admin:participants_participant_add", "Фамилия"),
        ("admin:agenda_session_add", "Название [ru]"),
    ],
)
def test_admin_pages_name_their_model_in_russian(russian_organizer, view, russian):
    html = russian_organizer.get(reverse(view)).content.decode()
    assert russian in html


def test_the_russian_admin_writes_dates_in_the_genitive(russian_organizer):
    ConferenceFactory(start_date=dt.date(2027, 3, 7), end_date=dt.date(2027, 3, 8))
    html = russian_organizer.get(reverse("admin:conference_conference_changelist")).content
    assert "7 марта 2027" in html.decode()
