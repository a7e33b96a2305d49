"""Issue 26 item 1: the participant list and the dashboard at size.

The list's count is cached until a write changes what it counts; a sort by delegation is
paged by delegation windows and shows exactly the rows a plain sort shows, page for page;
the dashboard's counts come from one grouped query and its list from the first delegations.
Query counts stay the same at two sizes.
"""

import re

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.admin_counts import COUNT_SECONDS
from participants.accreditation import selectors
from participants.counts import participant_counts_changed
from participants.models import Participant
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_participant_changelist")
COUNTRIES = ["KZ", "KG", "TM", "UZ", "AF", "DE", "FR", "JP"]


def _conference_of(size: int, *, delegations: int = 8, without_delegation: int = 0):
    conference = ConferenceFactory(max_delegation_size=10_000)
    members = [
        DelegationFactory(conference=conference, country=COUNTRIES[i], max_size=10_000)
        for i in range(delegations)
    ]
    Participant.objects.bulk_create(
        [
            Participant(
                conference=conference,
                delegation=members[(n * 7) % delegations],
                given_names=f"Given{n}",
                family_name=f"Family{n:05d}",
                email=f"p{n}@size.example",
            )
            for n in range(size)
        ]
        + [
            Participant(
                conference=conference,
                given_names=f"Staff{n}",
                family_name=f"Staff{n:05d}",
                email=f"s{n}@size.example",
            )
            for n in range(without_delegation)
        ]
    )
    participant_counts_changed()
    return conference


def _ids_on(client, url: str) -> list[int]:
    html = client.get(url).content.decode()
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)]


def _delegation_column(client, conference) -> int:
    html = client.get(f"{CHANGELIST}?conference__id__exact={conference.pk}").content.decode()
    columns = re.findall(r'<th scope="col" class="([^"]*)"', html)
    return next(i for i, c in enumerate(columns) if "column-delegation_column" in c)


def _expected(conference, *, descending: bool) -> list[int]:
    # The admin's own order: the column, then the model's ordering, then -pk.
    first = "-delegation__name" if descending else "delegation__name"
    queryset = Participant.objects.filter(conference=conference).order_by(
        first, "family_name", "given_names", "-pk"
    )
    return list(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("descending", [False, True])
def test_the_delegation_sort_shows_every_row_once_in_order_page_by_page(
    organizer, monkeypatch, descending
):
    monkeypatch.setattr(admin.site._registry[Participant], "list_per_page", 7)
    conference = _conference_of(60, without_delegation=5)
    column = _delegation_column(organizer, conference)
    sort = f"-{column}" if descending else f"{column}"
    shown = []
    for page in range(1, 11):
        url = f"{CHANGELIST}?conference__id__exact={conference.pk}&o={sort}&p={page}"
        shown += _ids_on(organizer, url)
    assert shown == _expected(conference, descending=descending)


def test_a_filtered_delegation_sort_pages_the_filtered_rows(organizer, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Participant], "list_per_page", 3)
    conference = _conference_of(40)
    Participant.objects.filter(conference=conference, family_name__endswith="3").update(
        status="under_review"
    )
    participant_counts_changed()
    column = _delegation_column(organizer, conference)
    scoped = f"{CHANGELIST}?conference__id__exact={conference.pk}&status__exact=under_review"
    shown = _ids_on(organizer, f"{scoped}&o={column}&p=1")
    shown += _ids_on(organizer, f"{scoped}&o={column}&p=2")
    expected = Participant.objects.filter(conference=conference, status="under_review")
    expected = expected.order_by("delegation__name", "family_name", "given_names", "-pk")
    expected = expected.values_list("pk", flat=True)
    assert shown == list(expected)


def _count_shown(client, conference) -> str:
    html = client.get(f"{CHANGELIST}?conference__id__exact={conference.pk}").content.decode()
    return re.search(r"(\d+) participants?\b", html).group(1)


def test_the_count_is_read_once_then_kept_until_a_participant_changes(organizer):
    conference = _conference_of(150)
    url = f"{CHANGELIST}?conference__id__exact={conference.pk}"
    organizer.get(url)
    with CaptureQueriesContext(connection) as queries:
        organizer.get(url)
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert _count_shown(organizer, conference) == "150"

    ParticipantFactory(delegation=conference.delegations.first())  # a save: a signal
    assert _count_shown(organizer, conference) == "151"
    participant = Participant.objects.filter(conference=conference).first()
    participant.delete()
    assert _count_shown(organizer, conference) == "150"


def test_a_bulk_transition_resets_the_count(organizer):
    conference = _conference_of(120)
    scoped = f"{CHANGELIST}?conference__id__exact={conference.pk}&status__exact=under_review"
    organizer.get(scoped)
    from participants.accreditation import services

    services.participants_transition(
        name="review",
        participants=list(Participant.objects.filter(conference=conference)[:3]),
        by=organizer.user,
    )
    html = organizer.get(scoped).content.decode()
    assert "3 participants" in html


def test_counts_are_kept_no_longer_than_five_minutes():
    assert COUNT_SECONDS == 300


@pytest.mark.parametrize("variant", ["plain", "sort", "deep", "filter"])
def test_changelist_queries_are_the_same_at_two_sizes(organizer, variant):
    figures = []
    for size in (250, 2500):
        conference = _conference_of(size)
        column = _delegation_column(organizer, conference)
        url = f"{CHANGELIST}?conference__id__exact={conference.pk}"
        url += {
            "plain": "",
            "sort": f"&o=-{column}",
            "deep": "&p=2",
            "filter": "&status__exact=nominated",
        }[variant]
        organizer.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert organizer.get(url).status_code == 200
        figures.append(len(queries))
        cache.clear()
    assert figures[0] == figures[1]


def test_dashboard_queries_are_the_same_at_two_sizes(organizer):
    figures = []
    for size in (200, 2000):
        conference = _conference_of(size, without_delegation=3)
        url = reverse("admin:participants_participant_dashboard", args=[conference.pk])
        organizer.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert organizer.get(url).status_code == 200
        figures.append(len(queries))
    assert figures[0] == figures[1]


def test_the_dashboard_lists_the_first_incomplete_in_delegation_order(organizer):
    conference = _conference_of(300, without_delegation=4)
    figures = selectors.accreditation_dashboard(conference=conference)
    # Nobody has a photo: every active participant is incomplete.
    assert figures["incomplete_total"] == 304
    listed = [row["participant"].pk for row in figures["incomplete_participants"]]
    expected = (
        Participant.objects.filter(conference=conference)
        .order_by("delegation__name", "family_name", "given_names")
        .values_list("pk", flat=True)[: selectors.INCOMPLETE_SHOWN]
    )
    assert listed == list(expected)
    assert len(listed) == 100


def test_the_dashboard_lists_those_without_a_delegation_where_the_database_sorts_them(organizer):
    conference = _conference_of(20, without_delegation=4)
    figures = selectors.accreditation_dashboard(conference=conference)
    listed = [row["participant"].pk for row in figures["incomplete_participants"]]
    expected = (
        Participant.objects.filter(conference=conference)
        .order_by("delegation__name", "family_name", "given_names")
        .values_list("pk", flat=True)
    )
    assert listed == list(expected)
    assert figures["incomplete_total"] == 24


def test_row_links_are_what_django_makes_with_the_filters(organizer):
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    conference = _conference_of(120)
    url = f"{CHANGELIST}?conference__id__exact={conference.pk}&status__exact=nominated&o=1"
    html = organizer.get(url).content.decode()
    links = re.findall(r'<a href="(/admin/participants/participant/\d+/change/[^"]*)"', html)
    assert len(links) == 100
    pk = int(re.search(r"/participant/(\d+)/change/", links[0]).group(1))
    filters = "_changelist_filters=" + (
        f"conference__id__exact%3D{conference.pk}%26status__exact%3Dnominated%26o%3D1"
    )
    expected = add_preserved_filters(
        {"preserved_filters": filters, "opts": Participant._meta},
        reverse("admin:participants_participant_change", args=[pk]),
    )
    assert links[0].replace("&amp;", "&") == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class.reltuples")
def test_an_unfiltered_list_of_a_large_table_shows_the_planner_s_estimate(organizer, monkeypatch):
    from conference import admin_counts

    _conference_of(130)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_participant")
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 100)
    with CaptureQueriesContext(connection) as queries:
        html = organizer.get(CHANGELIST).content.decode()
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "130 participants" in html
    # The estimate is kept as a count is, until a participant changes.
    with CaptureQueriesContext(connection) as queries:
        organizer.get(CHANGELIST)
    assert not [q for q in queries if "reltuples" in q["sql"]]
