"""Each kind of agenda conflict is found, shown on the admin page and warned about on save."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.enums import ConflictKind, StatementStatus
from sessions.models import Session
from sessions.selectors import agenda_conflicts, session_conflicts
from tests.factories import (
    DUSHANBE,
    ConferenceFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    return dt.datetime(2019, 5, day, hour, minute, tzinfo=DUSHANBE)


@pytest.fixture
def conference():
    return ConferenceFactory()


def session(conference, start, end, **extra):
    extra.setdefault("room", RoomFactory(conference=conference))
    return SessionFactory(conference=conference, starts_at=start, ends_at=end, **extra)


def kinds(conference):
    return [
        (c.kind, {s.title for s in c.sessions}) for c in agenda_conflicts(conference=conference)
    ]


def test_a_clean_agenda_has_no_conflicts(conference):
    room = RoomFactory(conference=conference)
    chair = ParticipantFactory(delegation__conference=conference)
    session(conference, local(16, 9), local(16, 10), room=room, chair=chair, title="A")
    # Back to back in the same room with the same chair is fine.
    session(conference, local(16, 10), local(16, 11), room=room, chair=chair, title="B")

    assert agenda_conflicts(conference=conference) == []


def test_room_booked_by_two_overlapping_sessions(conference):
    room = RoomFactory(conference=conference, name="Plenary Hall")
    session(conference, local(16, 9), local(16, 10, 30), room=room, title="Opening")
    session(conference, local(16, 10), local(16, 11), room=room, title="Ministerial")
    session(conference, local(16, 10), local(16, 11), title="Elsewhere")

    conflicts = agenda_conflicts(conference=conference)

    assert kinds(conference) == [(ConflictKind.ROOM, {"Opening", "Ministerial"})]
    assert conflicts[0].message == (
        "Plenary Hall is booked by “Opening” and “Ministerial” at overlapping times "
        "(16 May 10:00–11:00)."
    )


def test_chair_in_two_overlapping_sessions(conference):
    chair = ParticipantFactory(
        delegation__conference=conference, given_names="Sirojiddin", family_name="Muhriddin"
    )
    session(conference, local(16, 9), local(16, 11), chair=chair, title="Plenary")
    session(conference, local(16, 10), local(16, 12), chair=chair, title="Side event")

    assert kinds(conference) == [(ConflictKind.PERSON, {"Plenary", "Side event"})]


def test_speaker_in_one_session_and_chair_of_another(conference):
    person = ParticipantFactory(delegation__conference=conference)
    first = session(conference, local(16, 9), local(16, 11), title="Plenary")
    session(conference, local(16, 10), local(16, 12), chair=person, title="Side event")
    StatementFactory(session=first, speaker=person)

    assert kinds(conference) == [(ConflictKind.PERSON, {"Plenary", "Side event"})]


def test_withdrawn_statement_does_not_double_book(conference):
    person = ParticipantFactory(delegation__conference=conference)
    first = session(conference, local(16, 9), local(16, 11))
    second = session(conference, local(16, 10), local(16, 12))
    StatementFactory(session=first, speaker=person)
    StatementFactory(session=second, speaker=person, status=StatementStatus.WITHDRAWN)

    assert agenda_conflicts(conference=conference) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # 15 May 23:30 in Dushanbe is 18:30 UTC: before the first day, locally.
        (local(15, 23, 30), local(16, 0, 30)),
        (local(17, 23, 0), local(18, 0, 30)),
        (local(20, 9), local(20, 10)),
    ],
    ids=["starts-before", "ends-after", "other-day"],
)
def test_session_outside_the_conference_dates(conference, start, end):
    session(conference, start, end, title="Stray")

    assert kinds(conference) == [(ConflictKind.OUTSIDE_DATES, {"Stray"})]


def test_session_at_the_edges_of_the_local_days_is_inside(conference):
    session(conference, local(16, 0), local(16, 1))
    session(conference, local(17, 23), local(18, 0))

    assert agenda_conflicts(conference=conference) == []


def test_statements_exceeding_the_session_length(conference):
    long = session(conference, local(16, 9), local(16, 9, 20), title="Short slot")
    for _ in range(4):
        StatementFactory(session=long, allotted_minutes=5)
    assert agenda_conflicts(conference=conference) == []

    StatementFactory(session=long, allotted_minutes=3)
    StatementFactory(session=long, allotted_minutes=30, status=StatementStatus.WITHDRAWN)

    conflicts = agenda_conflicts(conference=conference)
    assert kinds(conference) == [(ConflictKind.OVERRUN, {"Short slot"})]
    assert (
        conflicts[0].message == "“Short slot” allots 23 minutes to statements but lasts 20 minutes."
    )


def test_session_conflicts_only_those_involving_the_session(conference):
    room = RoomFactory(conference=conference)
    a = session(conference, local(16, 9), local(16, 10), room=room)
    session(conference, local(16, 9), local(16, 10), room=room)
    lonely = session(conference, local(20, 9), local(20, 10))

    assert [c.kind for c in session_conflicts(session=a)] == [ConflictKind.ROOM]
    assert [c.kind for c in session_conflicts(session=lonely)] == [ConflictKind.OUTSIDE_DATES]


def test_conflicts_take_the_same_queries_for_more_sessions(conference, django_assert_num_queries):
    session(conference, local(16, 9), local(16, 10))
    with django_assert_num_queries(2):
        agenda_conflicts(conference=conference)
    for hour in range(10, 18):
        StatementFactory(session=session(conference, local(16, hour), local(16, hour + 1)))
    with django_assert_num_queries(2):
        agenda_conflicts(conference=conference)


# Admin ------------------------------------------------------------------------


def test_admin_conflicts_page_lists_each_kind(organizer, conference):
    room = RoomFactory(conference=conference, name="Hall")
    person = ParticipantFactory(delegation__conference=conference)
    session(conference, local(16, 9), local(16, 10), room=room, chair=person, title="Alpha")
    session(conference, local(16, 9), local(16, 10), room=room, chair=person, title="Beta")
    session(conference, local(21, 9), local(21, 10), title="Gamma")
    overrun = session(conference, local(17, 9), local(17, 9, 5), title="Delta")
    StatementFactory(session=overrun, allotted_minutes=10)

    response = organizer.get(reverse("admin:agenda_session_conflicts", args=[conference.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for kind in ConflictKind:
        assert f'class="conflict-{kind.value}"' in html, kind
    assert "Hall is booked by “Alpha” and “Beta”" in html

    index = organizer.get(reverse("admin:agenda_session_conflicts_index"))
    assert index.status_code == 200
    assert reverse("admin:agenda_session_conflicts", args=[conference.pk]) in index.content.decode()


def test_saving_a_session_in_the_admin_warns_and_bumps_the_version(organizer, conference):
    room = RoomFactory(conference=conference, name="Hall")
    session(conference, local(16, 9), local(16, 10), room=room, title="Alpha")
    version = conference.published_version
    url = reverse("admin:agenda_session_add")
    data = {
        "conference": conference.pk,
        "title_en": "Beta",
        "kind": "plenary",
        "starts_at_0": "2019-05-16",
        "starts_at_1": "09:30:00",  # the admin works in the conference's time zone
        "ends_at_0": "2019-05-16",
        "ends_at_1": "10:30:00",
        "room": room.pk,
        "is_public": "on",
        "order": 0,
        "statements-TOTAL_FORMS": 0,
        "statements-INITIAL_FORMS": 0,
    }

    response = organizer.post(url, data, follow=True)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "Hall is booked by “Alpha” and “Beta” at overlapping times (16 May 09:30–10:30)."
        in messages
    )
    assert Session.objects.filter(title="Beta").exists()
    conference.refresh_from_db()
    assert conference.published_version > version


def admin_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_conflicts(conference, count: int) -> None:
    """``count`` more pairs of sessions double-booking a room and a speaker, both overrunning:
    four conflicts a pair."""
    room = RoomFactory(conference=conference)
    speaker = ParticipantFactory(delegation__conference=conference)
    for index in range(count):
        for _ in range(2):
            overrun = session(conference, local(16, 9 + index), local(16, 9 + index, 5), room=room)
            StatementFactory(session=overrun, speaker=speaker, allotted_minutes=10)


def test_admin_conflicts_page_queries_do_not_grow_with_conflicts(organizer, conference):
    url = reverse("admin:agenda_session_conflicts", args=[conference.pk])
    add_conflicts(conference, 1)
    once = admin_queries(organizer, url)
    add_conflicts(conference, 9)
    assert len(agenda_conflicts(conference=conference)) == 40
    assert admin_queries(organizer, url) == once


def test_admin_conflicts_index_queries_do_not_grow_with_conferences(organizer, conference):
    url = reverse("admin:agenda_session_conflicts_index")
    add_conflicts(conference, 1)
    once = admin_queries(organizer, url)
    for _ in range(9):
        add_conflicts(ConferenceFactory(), 2)
    response = organizer.get(url)
    assert [count for _conference, count in response.context["conferences"]].count(8) == 9
    assert admin_queries(organizer, url) == once
