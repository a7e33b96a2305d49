"""The stored Latin search key: derived from the names on every write path, filled by 0016."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from participants.imports.services import participants_import
from participants.models import Participant
from participants.transliteration import query_spellings, search_key, to_latin
from tests.admin_forms import submit_change_form
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory
from tests.migrations import migrate_to, migrate_to_newest
from tests.participants.conftest import member_data

PETROV = " petr petrov pyotr"


def test_the_key_holds_every_latin_spelling_of_every_name_once():
    assert search_key("Пётр", "Петров", "") == PETROV
    assert search_key("Yuri", "Gagarin", "Юрий Гагарин") == " yuri gagarin iurii yury yuriy"
    assert search_key("José", "García", "") == " jose garcia"
    # Kazakh, Kyrgyz and Tajik letters that the Russian schemes leave alone.
    assert search_key("Әлихан Ғабит", "Қасымов", "") == " alikhan ghabit qasymov"
    assert search_key("Соҳиб", "Раҳмонзода", "") == " sohib rahmonzoda"
    assert search_key("Ӯрунбой Ҷӯраев Ҳилол", "Іңкәр Үмітұлы Өсер Һ Ӣ", "") == (
        " urunboi juraev hilol ingkar umituly oser h i urunboy jurayev"
    )


def test_a_typed_word_is_looked_for_in_each_of_its_spellings():
    assert query_spellings("Петров") == ["petrov"]
    assert query_spellings("Юрий") == ["iurii", "yury", "yuriy"]
    assert query_spellings("PETROV") == ["petrov"]
    assert to_latin("Щукин").upper() == "SHCHUKIN"
    assert to_latin("Smith") == "Smith"


@pytest.mark.django_db
def test_saving_keeps_the_key_and_a_save_of_other_fields_leaves_it(superuser):
    person = ParticipantFactory(given_names="Пётр", family_name="Петров")
    assert Participant.objects.get(pk=person.pk).search_name == PETROV
    person.family_name = "Сидоров"
    person.save(update_fields=["family_name"])
    assert Participant.objects.get(pk=person.pk).search_name == " petr sidorov pyotr"
    person.functional_title = "Minister"
    person.save(update_fields=["functional_title"])
    assert Participant.objects.get(pk=person.pk).search_name == " petr sidorov pyotr"


@pytest.mark.django_db
def test_bulk_writes_keep_the_key_and_a_bare_update_of_names_is_refused():
    conference = ConferenceFactory()
    (person,) = Participant.objects.bulk_create(
        [
            Participant(
                conference=conference, given_names="Пётр", family_name="Петров", email="p@x.kz"
            )
        ]
    )
    assert Participant.objects.get(pk=person.pk).search_name == PETROV
    person.name_cyrillic = "Пётр Петров"
    person.given_names, person.family_name = "Petr", "Petrov"
    Participant.objects.bulk_update([person], ["given_names", "family_name", "name_cyrillic"])
    assert Participant.objects.get(pk=person.pk).search_name == PETROV
    with pytest.raises(TypeError):
        Participant.objects.filter(pk=person.pk).update(family_name="Ivanov")
    assert Participant.objects.filter(pk=person.pk).update(functional_title="Minister") == 1


@pytest.mark.django_db
def test_the_admin_keeps_the_key_on_add_and_on_edit(organizer):
    delegation = DelegationFactory(country="KZ")
    response = organizer.post(
        reverse("admin:participants_participant_add"),
        {
            "conference": delegation.conference_id,
            "delegation": delegation.pk,
            "given_names": "Пётр",
            "family_name": "Петров",
            "email": "petrov@mfa.example",
            "role": "representative",
            "preferred_language": "ru",
            "identity-TOTAL_FORMS": "0",
            "identity-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert person.search_name == PETROV
    url = reverse("admin:participants_participant_change", args=[person.pk])
    submit_change_form(organizer, url, family_name="Иванов")
    person.refresh_from_db()
    assert person.search_name == " petr ivanov pyotr"


@pytest.mark.django_db
def test_the_portal_keeps_the_key_on_nomination_and_on_edit(portal):
    response = portal.nominate(given_names="Пётр", family_name="Петров")
    assert response.status_code == 302
    person = Participant.objects.get()
    assert person.search_name == PETROV
    response = portal.client.post(
        portal.url("member_edit", pk=person.pk),
        member_data(photo=None, given_names="Пётр", family_name="Сидоров"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.search_name == " petr sidorov pyotr"


@pytest.mark.django_db
def test_the_import_keeps_the_key_on_create_and_on_update():
    delegation = DelegationFactory(country="KZ")
    header = "email,given_names,family_name,role,delegation\n"
    participants_import(
        conference=delegation.conference,
        text=f"{header}petrov@mfa.kz,Пётр,Петров,representative,KZ\n",
        by=None,
    )
    person = Participant.objects.get()
    assert person.search_name == PETROV
    participants_import(
        conference=delegation.conference,
        text=f"{header}petrov@mfa.kz,Пётр,Сидоров,representative,KZ\n",
        by=None,
    )
    person.refresh_from_db()
    assert (person.family_name, person.search_name) == ("Сидоров", " petr sidorov pyotr")


# Migration 0016 fills the key of the people registered before it.

BEFORE = [("participants", "0015_identity_badge_photo")]
FILLED = [("participants", "0016_participant_search_name")]


@pytest.fixture
def old_schema(transactional_db):
    apps = migrate_to(BEFORE)
    yield apps
    migrate_to_newest()


def test_the_migration_fills_the_key_of_every_old_row_and_goes_back(old_schema):
    Conference = old_schema.get_model("conference", "Conference")
    Old = old_schema.get_model("participants", "Participant")
    conference = Conference.objects.create(
        slug="m-2027",
        title="Migration test",
        short_title="M",
        start_date=dt.date(2027, 5, 1),
        end_date=dt.date(2027, 5, 2),
        time_zone="Asia/Dushanbe",
        city="Dushanbe",
    )
    names = [("Пётр", "Петров", ""), ("Yuri", "Gagarin", "Юрий Гагарин"), ("Ali", "Khan", "")]
    for number, (given, family, cyrillic) in enumerate(names):
        Old.objects.create(
            conference=conference,
            given_names=given,
            family_name=family,
            name_cyrillic=cyrillic,
            email=f"p{number}@example.org",
        )

    apps = migrate_to(FILLED)
    New = apps.get_model("participants", "Participant")
    assert sorted(New.objects.values_list("search_name", flat=True)) == sorted(
        search_key(*name) for name in names
    )
    assert New.objects.get(family_name="Петров").search_name == PETROV

    migrate_to(BEFORE)
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "participants_participant")
    assert "search_name" not in {column.name for column in columns}
