"""Public agenda pages: what they show, what they hide, and flat query counts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from sessions.enums import StatementMode, StatementStatus
from tests.factories import (
    ConferenceFactory,
    ParticipantFactory,
    SessionFactory,
    StatementFactory,
)
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


def public_urls(conference, session, speaker) -> dict[str, str]:
    slug = conference.slug
    return {
        "index": reverse("site:index"),
        "home": reverse("site:home", args=[slug]),
        "delegations": reverse("delegations:list", args=[slug]),
        "agenda": reverse("agenda:agenda", args=[slug]),
        "agenda-filtered": reverse("agenda:agenda", args=[slug]) + "?day=2019-05-16&kind=thematic",
        "agenda-print": reverse("agenda:agenda_print", args=[slug]),
        "session": reverse("agenda:session", args=[slug, session.pk]),
        "speakers": reverse("agenda:speakers", args=[slug]),
        "speaker": reverse("agenda:speaker", args=[slug, speaker.pk]),
        "agenda-ics": reverse("agenda:agenda_ics", args=[slug]),
        "session-ics": reverse("agenda:session_ics", args=[slug, session.pk]),
        "agenda-json": reverse("agenda:agenda_json", args=[slug]),
        "schedule-xml": reverse("agenda:schedule_xml", args=[slug]),
    }


# Every page: one query for the conference's version (or the site's), one to load the
# conference when the page is rendered, then the page's own.
CEILINGS = {
    "index": 2,
    "home": 3,
    "delegations": 4,
    "agenda": 5,
    "agenda-filtered": 5,
    "agenda-print": 4,
    "session": 4,
    "speakers": 3,
    "speaker": 5,
    "agenda-ics": 4,
    "session-ics": 4,
    "agenda-json": 4,
    "schedule-xml": 4,
}


@pytest.mark.parametrize("page", sorted(CEILINGS))
def test_query_count_is_flat_from_1x_to_10x(client, page, django_assert_max_num_queries):
    for scale in (1, 10):
        conference, sessions = build_agenda(scale=scale)
        session = sessions[-1]
        url = public_urls(conference, session, session.statements.first().speaker)[page]
        cache.clear()
        with django_assert_max_num_queries(CEILINGS[page]):
            response = client.get(url)
        assert response.status_code == 200, (scale, url)


def test_non_public_conference_and_session_are_404(client):
    hidden = ConferenceFactory(is_public=False)
    hidden_session = SessionFactory(conference=hidden)
    speaker = StatementFactory(session=hidden_session).speaker
    for name, url in public_urls(hidden, hidden_session, speaker).items():
        if name != "index":
            assert client.get(url).status_code == 404, url

    conference, sessions = build_agenda(scale=1)
    private = SessionFactory(conference=conference, is_public=False, title="Closed bilateral")
    lone = ParticipantFactory(delegation=conference.delegations.get(country="KZ"))
    StatementFactory(session=private, speaker=lone)
    slug = conference.slug
    assert client.get(reverse("agenda:session", args=[slug, private.pk])).status_code == 404
    assert client.get(reverse("agenda:session_ics", args=[slug, private.pk])).status_code == 404
    # Someone who only speaks in a non-public session is not a public speaker.
    assert client.get(reverse("agenda:speaker", args=[slug, lone.pk])).status_code == 404
    for name in ("agenda", "agenda_print", "agenda_json", "agenda_ics", "schedule_xml"):
        assert b"Closed bilateral" not in client.get(reverse(f"agenda:{name}", args=[slug])).content
    index = client.get(reverse("site:index")).content.decode()
    assert hidden.title not in index
    assert conference.title in index


def test_session_page_shows_the_speakers_list_in_order_with_modes(client):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    first, second = session.statements.all()
    first.mode = StatementMode.VIDEO
    first.on_behalf_of = "the European Union and its member States"
    first.save()
    delegation = conference.delegations.get(country="TM")
    StatementFactory(
        session=session,
        speaker=ParticipantFactory(delegation=delegation),
        mode=StatementMode.WRITTEN,
        order=3,
    )
    withdrawn = ParticipantFactory(delegation=delegation)
    StatementFactory(session=session, speaker=withdrawn, order=4, status=StatementStatus.WITHDRAWN)

    html = client.get(
        reverse("agenda:session", args=[conference.slug, session.pk])
    ).content.decode()

    assert html.index(first.speaker.full_name) < html.index(second.speaker.full_name)
    assert '<span class="badge mode-video">Video statement</span>' in html
    assert '<span class="badge mode-in_person">In person</span>' in html
    assert '<span class="badge mode-written">Written statement only</span>' in html
    assert "on behalf of the European Union and its member States" in html
    assert "Kazakhstan" in html
    assert withdrawn.full_name not in html


def test_agenda_filters_by_day_room_and_kind_with_a_get_form(client):
    conference, sessions = build_agenda(scale=1)
    day_two, other_room = sessions[2], sessions[1]
    url = reverse("agenda:agenda", args=[conference.slug])

    html = client.get(url).content.decode()
    form = html[html.index('<form  aria-label="Filter the agenda"') :].split(">")[0]
    assert 'method="get"' in form
    assert all(s.title in html for s in sessions)

    by_day = client.get(url, {"day": "2019-05-17"}).content.decode()
    assert [s.title in by_day for s in sessions] == [False, False, True, True]
    assert day_two.title in by_day

    by_room = client.get(url, {"room": other_room.room_id}).content.decode()
    assert [s.title in by_room for s in sessions] == [False, True, False, True]

    none = client.get(url, {"kind": "press"}).content.decode()
    assert "No session matches these filters." in none

    bad = client.get(url, {"day": "1999-01-01"})
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def test_agenda_times_are_local_to_the_conference(client):
    conference, sessions = build_agenda(scale=1)
    html = client.get(reverse("agenda:agenda", args=[conference.slug])).content.decode()
    # Stored as 04:00 UTC; shown at 09:00 in Dushanbe.
    assert '<time datetime="2019-05-16T09:00:00+05:00">09:00</time>' in html


def test_delegations_page_shows_public_data_only_in_precedence(client):
    conference, _ = build_agenda(scale=1)
    html = client.get(reverse("delegations:list", args=[conference.slug])).content.decode()

    heads = [d.members.get(role="head") for d in conference.delegations.order_by("name")]
    for head in heads:
        assert head.full_name in html
        assert head.email not in html
        assert head.phone not in html
    assert "focal" not in html
    assert html.index("Kazakhstan") < html.index("Kyrgyzstan") < html.index("Turkmenistan")
    # The organization (same level) comes after the States.
    assert html.index("Turkmenistan") < html.index("ERO")


def test_pages_render_in_russian(client):
    conference, sessions = build_agenda(scale=1)
    urls = public_urls(conference, sessions[0], sessions[0].statements.first().speaker)
    client.cookies["django_language"] = "ru"
    agenda = client.get(urls["agenda"])
    assert agenda.status_code == 200
    html = agenda.content.decode()
    assert '<html lang="ru">' in html
    assert "Программа" in html
    assert "Казахстан" in html
    assert "четверг, 16 мая" in html.lower()
