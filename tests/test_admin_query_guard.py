"""No admin page answers 500 to a query string: a NUL byte (which PostgreSQL refuses), a year
no date can have, or a search of a thousand words. Run on PostgreSQL too."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db.models import CharField, TextField
from django.urls import reverse
from django.utils.http import urlencode

from tests.factories import ConferenceFactory, ParticipantFactory

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]
NUL_REFUSED = "The address contains a NUL character, which no search or filter can use."
CUT = "A search uses at most 10 words and 200 characters; the rest was left out."

pytestmark = pytest.mark.django_db


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def first_text_field(model) -> str:
    """A text field to filter on; a model without one (zone openings) its first field."""
    fields = model._meta.concrete_fields
    return next((f.name for f in fields if isinstance(f, CharField | TextField)), fields[1].name)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_a_nul_byte_in_a_list_filter_is_a_bad_request(organizer, model, model_admin):
    response = organizer.get(changelist(model, **{first_text_field(model): "Kazakh\x00stan"}))

    assert (response.status_code, response.content.decode()) == (400, NUL_REFUSED)


def test_a_nul_byte_anywhere_in_the_admin_is_a_bad_request(organizer):
    participant = ParticipantFactory()
    autocomplete = (
        reverse("admin:autocomplete")
        + "?"
        + urlencode(
            {"app_label": "agenda", "model_name": "session", "field_name": "chair", "term": "a\x00"}
        )
    )
    change = reverse("admin:participants_participant_change", args=[participant.pk])

    for url in (
        autocomplete,
        changelist(participant._meta.model, q="\x00"),
        changelist(participant._meta.model, **{"status__exact": "nominated", "x\x00": "1"}),
        change + "?" + urlencode({"_changelist_filters": "status=\x00"}),
    ):
        response = organizer.get(url)
        assert (response.status_code, response.content.decode()) == (400, NUL_REFUSED), url


@pytest.mark.parametrize(
    ("model_name", "params", "parameter"),
    [
        # The conference list has a date hierarchy on start_date; it asks for the next year.
        ("conference", {"start_date__year": "9" * 20}, "start_date__year"),
        ("conference", {"start_date__year": "9999"}, "start_date__year"),
        (
            "conference",
            {"start_date__year": "9998", "start_date__month": "13"},
            "start_date__month",
        ),
        ("conference", {"start_date__year": "２０１９"}, "start_date__year"),
        # Any date part of any date field, not only the hierarchy's.
        ("participant", {"created_at__year": "99999999"}, "created_at__year"),
        ("participant", {"created_at__year__gte": "-1"}, "created_at__year__gte"),
        ("session", {"starts_at__hour__in": "9,99"}, "starts_at__hour__in"),
    ],
)
def test_a_date_part_no_date_can_have_is_a_bad_request(organizer, model_name, params, parameter):
    model = next(m for m, _ in REGISTERED if m._meta.model_name == model_name)

    response = organizer.get(changelist(model, **params))

    assert response.status_code == 400
    assert response.content.decode() == f"“{parameter}” needs a whole number that makes a date."


def test_a_real_year_still_filters(organizer, two_years):
    model = type(two_years.new.conference)

    response = organizer.get(changelist(model, start_date__year="2027", start_date__month="12"))
    year = organizer.get(changelist(model, start_date__year="2027"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert list(year.context["cl"].result_list) == [two_years.new.conference]


def test_a_long_search_uses_its_first_ten_words(organizer, two_years):
    words = ["Sadykova", *(f"word{n}" for n in range(999))]
    model = type(two_years.new.person)

    response = organizer.get(changelist(model, q=" ".join(words)))
    one_word = organizer.get(changelist(model, q="S" * 5000))

    assert response.status_code == 200
    assert response.context["cl"].query == " ".join(words[:10])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [CUT]
    assert one_word.context["cl"].query == "S" * 200


def test_a_long_autocomplete_search_uses_its_first_ten_words(organizer, two_years):
    asked = {"app_label": "agenda", "model_name": "session", "field_name": "room"}
    url = reverse("admin:autocomplete")

    # The words after the tenth match no room: the whole term would find none.
    term = " ".join(["Plenary", *["Hall"] * 9, *["Nowhere"] * 3000])

    long = organizer.get(url, {**asked, "term": term})

    assert long.status_code == 200
    assert len(long.json()["results"]) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agenda/session/add/?conference=abc",
        "/admin/agenda/session/add/?conference=%C2%B2",
        "/admin/participants/participant/add/?delegation=99999999999999999999",
        "/admin/documents/amendment/?proposed_by=1,x",
    ],
)
def test_an_add_page_pre_filled_with_an_impossible_row_is_a_bad_request(organizer, url):
    response = organizer.get(url)
    assert response.status_code == 400
    assert "does not name a" in response.content.decode()


def test_an_add_page_pre_filled_with_a_real_row_still_works(organizer):
    conference = ConferenceFactory()
    response = organizer.get(f"/admin/agenda/session/add/?conference={conference.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "1\x00", "99999999999999999999999"])
def test_an_action_on_an_impossible_selection_is_a_bad_request(organizer, value):
    response = organizer.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "transition_review", "_selected_action": [value]},
    )
    assert response.status_code == 400
