"""The secretary's console and the projector page: who may open them, what each POST does."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from sessions.enums import FloorAction
from sessions.models import FloorEvent, PointOfOrder, Statement
from tests.auth import sign_in
from tests.factories import DelegationFactory, SessionFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db

# Protocol, Accreditation, Programme, Drafting, Security, Desk, Observer, no group, anonymous.
WHO = [
    "Protocol officer",
    "Accreditation officer",
    "Programme officer",
    "Drafting officer",
    "Security officer",
    "Desk officer",
    "Read-only observer",
    "no group",
    "anonymous",
]
CONSOLE = [200, 403, 200, 403, 403, 403, 403, 403, 302]


@pytest.fixture
def floor(db):
    call_command("setup_roles", verbosity=0)
    session = SessionFactory(conference__is_public=True)
    statements = [StatementFactory(session=session, order=i) for i in (1, 2, 3)]
    return session, statements


def _login(client, who):
    if who == "anonymous":
        return client
    user = UserFactory(username=who.lower().replace(" ", "-"))
    if who != "no group":
        user.groups.add(Group.objects.get(name=who))
    return sign_in(client, user)


def _console(session):
    return reverse("agenda:console", args=[session.conference.slug, session.pk])


@pytest.mark.parametrize(("who", "status"), list(zip(WHO, CONSOLE, strict=True)))
def test_console_get_and_post_by_role(client, floor, who, status):
    session, statements = floor
    client = _login(client, who)
    assert client.get(_console(session)).status_code == status
    response = client.post(_console(session), {"action": "next", "seen": ""})
    moved = FloorEvent.objects.filter(action=FloorAction.START).count()
    if status == 200:
        assert response.status_code == 302
        assert moved == 1
    else:
        assert response.status_code == status
        assert moved == 0


def test_another_conferences_slug_is_404(client, floor):
    session, _statements = floor
    other = SessionFactory()
    _login(client, "Protocol officer")
    url = reverse("agenda:console", args=[other.conference.slug, session.pk])
    assert client.get(url).status_code == 404


def test_the_console_runs_the_floor_and_shows_refusals(client, floor):
    session, statements = floor
    _login(client, "Protocol officer")
    url = _console(session)
    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    page = client.post(url, {"action": "next", "seen": ""}, **fetch)
    assert page.status_code == 200
    assert f'data-current-id="{statements[0].pk}"' in page.content.decode()
    client.post(url, {"action": "pause", "statement": statements[0].pk}, **fetch)
    refused = client.post(url, {"action": "pause", "statement": statements[0].pk}, **fetch)
    assert refused.status_code == 409
    assert "This speaker is already paused." in refused.content.decode()
    client.post(url, {"action": "resume", "statement": statements[0].pk}, **fetch)
    delegation = statements[2].delegation
    client.post(url, {"action": "order", "seen": statements[0].pk, "delegation": ""}, **fetch)
    point = PointOfOrder.objects.get()
    closed = client.post(url, {"action": "order_close", "point": point.pk}, **fetch)
    assert closed.status_code == 200
    client.post(url, {"action": "reply", "delegation": delegation.pk}, **fetch)
    client.post(url, {"action": "end", "statement": statements[0].pk}, **fetch)
    assert list(FloorEvent.objects.order_by("id").values_list("action", flat=True)) == [
        FloorAction.START,
        FloorAction.PAUSE,
        FloorAction.RESUME,
        FloorAction.POINT_OF_ORDER,
        FloorAction.ORDER_CLOSED,
        FloorAction.REPLY,
        FloorAction.END,
    ]
    assert Statement.objects.get(pk=statements[0].pk).ended_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "explode"}, "Unknown action."),
        ({"action": "pause", "statement": "x"}, "This statement is no longer on the speakers"),
        ({"action": "pause", "statement": "999999"}, "This statement is no longer on the speakers"),
        ({"action": "reply", "delegation": "abc"}, "Choose a delegation."),
        ({"action": "order_close", "point": "1"}, "This point of order is not in this session."),
        ({"action": "order", "seen": ""}, "Nobody has the floor"),
    ],
)
def test_bad_posts_get_a_clear_message_and_write_nothing(client, floor, data, message):
    session, _statements = floor
    _login(client, "Programme officer")
    response = client.post(_console(session), data, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 409
    assert message in response.content.decode()
    assert FloorEvent.objects.count() == 0


def test_a_reply_for_another_conferences_delegation_is_refused_by_name(client, floor):
    session, _statements = floor
    stranger = DelegationFactory(country="NO")
    _login(client, "Protocol officer")
    response = client.post(
        _console(session), {"action": "reply", "delegation": stranger.pk}, follow=True
    )
    assert f"{stranger} belongs to another conference." in response.content.decode()
    assert FloorEvent.objects.count() == 0


def test_the_console_posts_need_the_csrf_token(floor):
    from django.test import Client

    session, _statements = floor
    client = _login(Client(enforce_csrf_checks=True), "Protocol officer")
    assert client.post(_console(session), {"action": "next"}).status_code == 403
    assert FloorEvent.objects.count() == 0


def test_the_projector_is_public_for_public_sessions_only(client, floor):
    session, statements = floor
    url = reverse("agenda:projector", args=[session.conference.slug, session.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-floor-ws="/ws/{session.conference.slug}/sessions/{session.pk}/floor/"' in body
    assert "<script src=" in body and "<script>" not in body
    session.is_public = False
    session.save()
    from conference.site.publishing import public_pages_invalidate

    public_pages_invalidate(conference_ids=[session.conference_id])
    assert client.get(url).status_code == 404


def test_the_console_list_page_query_count_does_not_grow(
    client, floor, django_assert_max_num_queries
):
    session, _statements = floor
    _login(client, "Protocol officer")
    client.get(_console(session))
    with django_assert_max_num_queries(20) as few:
        client.get(_console(session))
    for _ in range(5):
        StatementFactory(session=session)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_console(session))
