"""The current conference is one selector: the desk, the dashboard and a new circular use it."""

import datetime as dt

import pytest
from django.urls import reverse

from conference.selectors import conference_current, conferences_newest_first
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def test_there_is_none_before_the_first_conference():
    assert conference_current() is None


def test_the_current_conference_is_the_one_that_starts_last():
    older = ConferenceFactory(start_date=dt.date(2019, 5, 16), end_date=dt.date(2019, 5, 17))
    newer = ConferenceFactory(start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 3, 2))
    later_twin = ConferenceFactory(start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 3, 3))
    assert conference_current() == later_twin
    assert list(conferences_newest_first()) == [later_twin, newer, older]


def test_the_desk_and_the_dashboard_open_the_current_conference(organizer):
    ConferenceFactory(start_date=dt.date(2019, 5, 16), end_date=dt.date(2019, 5, 17))
    newer = ConferenceFactory(start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 3, 2))
    desk = organizer.get(reverse("desk:index"))
    assert desk.status_code == 302
    assert desk.url == reverse("desk:desk", args=[newer.slug])
    dashboard = organizer.get(reverse("admin:participants_participant_dashboard_latest"))
    assert dashboard.status_code == 302
    assert dashboard.url == reverse("admin:participants_participant_dashboard", args=[newer.pk])
    circular = organizer.get(reverse("admin:participants_delegation_circular"))
    assert circular.context["form"].initial["conference"] == newer


def test_both_answer_404_before_the_first_conference(organizer):
    assert organizer.get(reverse("desk:index")).status_code == 404
    assert (
        organizer.get(reverse("admin:participants_participant_dashboard_latest")).status_code == 404
    )
