"""The uncached public agenda at the demo's size and at ten times its sessions: the same
number of queries for every page and feed, in both languages.

The demo's speakers include organizations' delegates, whose delegation is named by its
organization's acronym: before the agenda selected that relation once, each of them cost a
query per line (41 queries at 23 sessions, 365 at 230)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Conference
from participants.models import Participant
from sessions.models import Session, Statement
from sessions.selectors import public_speakers

pytestmark = pytest.mark.django_db

# One query for the conference's version, one to load the conference, then the page's own:
# the sessions with rooms and chairs, their statements with speakers and delegations.
QUERIES = {
    "agenda": 5,  # + the rooms of the filter form
    "agenda-filtered": 5,
    "agenda-print": 4,
    "agenda-ics": 4,
    "agenda-json": 4,
    "schedule-xml": 4,
    "session": 4,
    "session-ics": 4,
    "speakers": 3,
    "speaker": 5,  # the speaker, then their sessions
}


def _organization_speaker(conference: Conference) -> Participant:
    """A public speaker from an organization's delegation: the case that used to cost a query."""
    return (
        public_speakers(conference=conference)
        .filter(delegation__organization__isnull=False, statements__isnull=False)
        .order_by("pk")
        .first()
    )


def _urls(conference: Conference, speaker: Participant) -> dict[str, str]:
    slug = conference.slug
    session = speaker.statements.order_by("pk").first().session
    return {
        "agenda": reverse("agenda:agenda", args=[slug]),
        "agenda-filtered": reverse("agenda:agenda", args=[slug]) + "?day=2019-05-16",
        "agenda-print": reverse("agenda:agenda_print", args=[slug]),
        "agenda-ics": reverse("agenda:agenda_ics", args=[slug]),
        "agenda-json": reverse("agenda:agenda_json", args=[slug]),
        "schedule-xml": reverse("agenda:schedule_xml", args=[slug]),
        "session": reverse("agenda:session", args=[slug, session.pk]),
        "session-ics": reverse("agenda:session_ics", args=[slug, session.pk]),
        "speakers": reverse("agenda:speakers", args=[slug]),
        "speaker": reverse("agenda:speaker", args=[slug, speaker.pk]),
    }


def _counts(client, urls: dict[str, str]) -> dict[tuple[str, str], int]:
    counts = {}
    for language in ("en", "ru"):
        client.cookies["django_language"] = language
        for page, url in urls.items():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[page, language] = len(queries)
    return counts


def _tenfold(conference: Conference) -> None:
    """Nine more copies of every session of the demo, each with its speakers' list."""
    originals = list(Session.objects.filter(conference=conference).prefetch_related("statements"))
    for copy in range(1, 10):
        for session in originals:
            statements = list(session.statements.all())
            session.pk = None
            session.title = f"{session.title} ({copy})"
            session.save()
            for statement in statements:
                statement.pk = None
                statement.session = session
            Statement.objects.bulk_create(statements)


def test_every_agenda_page_takes_the_same_queries_at_ten_times_the_sessions(demo_db, client):
    conference = Conference.objects.get(slug="dushanbe-2019")
    speaker = _organization_speaker(conference)
    urls = _urls(conference, speaker)
    assert Session.objects.filter(conference=conference).count() == 23
    at_demo_size = _counts(client, urls)

    _tenfold(conference)
    assert Session.objects.filter(conference=conference).count() == 230
    at_ten_times = _counts(client, urls)

    expected = {(page, language): n for page, n in QUERIES.items() for language in ("en", "ru")}
    assert at_demo_size == expected
    assert at_ten_times == expected


def test_the_agenda_names_an_organizations_delegation_by_its_acronym(demo_db, client):
    conference = Conference.objects.get(slug="dushanbe-2019")
    speaker = _organization_speaker(conference)
    acronym = speaker.delegation.organization.acronym
    html = client.get(reverse("agenda:agenda", args=[conference.slug])).content.decode()
    assert f"{speaker.full_name}</a> ({acronym})" in html
