"""A session's room and chair, a statement's speaker and delegation: all of the session's
conference, refused otherwise by the model, the services and the admin's choices."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.models import Session, Statement
from sessions.services import agenda_item_save, statement_inscribe
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def refused(target) -> str:
    return f"{target} belongs to Dushanbe Conference (2019), not to Dushanbe Conference (2027)."


def choices(form, name: str) -> list:
    return list(form.fields[name].queryset)


@pytest.mark.parametrize(("field", "old_target"), [("room", "room"), ("chair", "person")])
def test_a_session_refuses_a_room_or_chair_of_another_conference(two_years, field, old_target):
    session = two_years.new.session
    target = getattr(two_years.old, old_target)
    setattr(session, field, target)

    with pytest.raises(ValidationError) as model_refusal:
        session.full_clean()
    with pytest.raises(ValidationError) as service_refusal:
        agenda_item_save(item=session)

    assert model_refusal.value.message_dict == {field: [refused(target)]}
    assert service_refusal.value.message_dict == {field: [refused(target)]}
    assert getattr(Session.objects.get(pk=session.pk), f"{field}_id") != target.pk


def test_a_statement_refuses_a_speaker_of_another_conference(two_years):
    old, new = two_years.old, two_years.new
    statement = Statement(session=new.session, speaker=old.person, delegation=new.delegation)

    with pytest.raises(ValidationError) as model_refusal:
        statement.full_clean()
    with pytest.raises(ValidationError) as service_refusal:
        # The service takes the speaker's delegation, which is of 2019 as well.
        statement_inscribe(statement=Statement(session=new.session, speaker=old.person))

    assert model_refusal.value.message_dict == {"speaker": [refused(old.person)]}
    assert service_refusal.value.message_dict == {
        "speaker": [refused(old.person)],
        "delegation": [refused(old.delegation)],
    }
    assert not Statement.objects.exists()


def test_a_statement_refuses_a_delegation_of_another_conference(two_years):
    old, new = two_years.old, two_years.new

    def statement():
        return Statement(session=new.session, speaker=new.person, delegation=old.delegation)

    with pytest.raises(ValidationError) as model_refusal:
        statement().full_clean()
    with pytest.raises(ValidationError) as service_refusal:
        statement_inscribe(statement=statement())

    assert model_refusal.value.message_dict == {"delegation": [refused(old.delegation)]}
    assert service_refusal.value.message_dict == {"delegation": [refused(old.delegation)]}
    assert not Statement.objects.exists()


def test_the_session_form_offers_only_rooms_and_chairs_of_its_conference(organizer, two_years):
    old, new = two_years.old, two_years.new
    url = reverse("admin:agenda_session_change", args=[new.session.pk])

    page = organizer.get(url)
    form = page.context["adminform"].form
    statements = page.context["inline_admin_formsets"][0].formset.empty_form
    added = organizer.get(reverse("admin:agenda_session_add") + f"?conference={new.conference.pk}")
    posted = organizer.post(url, change_form_data(organizer, url, room=str(old.room.pk)))

    assert (choices(form, "room"), choices(form, "chair")) == ([new.room], [new.person])
    assert (choices(statements, "speaker"), choices(statements, "delegation")) == (
        [new.person],
        [new.delegation],
    )
    assert choices(added.context["adminform"].form, "room") == [new.room]
    # The autocompletes ask for the rows of this conference only.
    autocomplete = f'data-ajax--url="/admin/autocomplete/?conference={new.conference.pk}"'
    assert page.content.decode().count(autocomplete) == 4  # room, chair, speaker, delegation
    assert posted.status_code == 200
    assert posted.context["adminform"].form.errors == {"room": [INVALID_CHOICE]}
    assert Session.objects.get(pk=new.session.pk).room == new.room


def test_the_statement_form_offers_only_people_and_delegations_of_its_conference(
    organizer, two_years
):
    new = two_years.new
    statement = statement_inscribe(statement=Statement(session=new.session, speaker=new.person))

    page = organizer.get(reverse("admin:agenda_statement_change", args=[statement.pk]))
    form = page.context["adminform"].form

    assert (choices(form, "speaker"), choices(form, "delegation")) == (
        [new.person],
        [new.delegation],
    )
    assert choices(form, "session") == [new.session]


AUTOCOMPLETES = [
    ("agenda", "session", "room", "room"),
    ("agenda", "session", "chair", "person"),
    ("agenda", "statement", "speaker", "person"),
    ("agenda", "statement", "delegation", "delegation"),
    ("participants", "participant", "delegation", "delegation"),
    ("participants", "participant", "badge_category", "badge"),
]


@pytest.mark.parametrize(("app_label", "model_name", "field_name", "target"), AUTOCOMPLETES)
def test_an_autocomplete_lists_the_forms_conference_or_names_each_rows_conference(
    organizer, two_years, app_label, model_name, field_name, target
):
    old, new = getattr(two_years.old, target), getattr(two_years.new, target)
    url = reverse("admin:autocomplete")
    asked = {"app_label": app_label, "model_name": model_name, "field_name": field_name}

    scoped = organizer.get(url, {**asked, "conference": two_years.new.conference.pk}).json()
    unscoped = organizer.get(url, asked).json()

    assert scoped["results"] == [{"id": str(new.pk), "text": str(new)}]
    assert sorted(unscoped["results"], key=lambda r: r["text"]) == [
        {"id": str(old.pk), "text": f"{old} — Dushanbe Conference (2019)"},
        {"id": str(new.pk), "text": f"{new} — Dushanbe Conference (2027)"},
    ]
