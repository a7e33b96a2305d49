"""Rights of reply, points of order and the speaking time per kind: services and refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.enums import DelegationCategory
from sessions.enums import FloorAction, SpeakingKind, StatementStatus
from sessions.models import FloorEvent, PointOfOrder, Statement
from sessions.selectors import session_console_state, session_floor_state
from sessions.services import (
    point_of_order_close,
    point_of_order_raise,
    right_of_reply_request,
    speakers_list_next,
    statement_floor_end,
    statement_floor_pause,
    statement_floor_resume,
)
from tests.factories import (
    DelegationFactory,
    OrganizationFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    session = SessionFactory(
        speaking_minutes_state=4, speaking_minutes_organization=3, speaking_minutes_reply=2
    )
    statements = [StatementFactory(session=session, order=i) for i in (1, 2, 3)]
    return session, statements


def _events():
    return list(FloorEvent.objects.order_by("id").values_list("statement_id", "action"))


def test_a_right_of_reply_waits_after_the_list_on_its_own_time_limit(floor):
    session, statements = floor
    other = DelegationFactory(conference=session.conference, country="NO")
    user = UserFactory()
    reply = right_of_reply_request(session=session, delegation=other, by=user)
    assert reply.is_right_of_reply and reply.status == StatementStatus.SCHEDULED
    assert [s.pk for s in session.statements.order_by("order")] == [
        *(s.pk for s in statements),
        reply.pk,
    ]
    assert _events() == [(reply.pk, FloorAction.REPLY)]
    state = session_console_state(session=session)
    assert [e["id"] for e in state["list"]] == [s.pk for s in statements]
    assert [(e["id"], e["kind"], e["allotted_seconds"]) for e in state["replies"]] == [
        (reply.pk, SpeakingKind.REPLY, 120)
    ]
    # A later inscription still speaks before the reply: replies come after the list.
    late = StatementFactory(session=session, delegation__conference=session.conference)
    from sessions.services import statement_inscribe

    statement_inscribe(statement=Statement(session=session, delegation=late.delegation))
    assert session.statements.order_by("order").last().pk == reply.pk


def test_asking_twice_for_a_reply_queues_one(floor):
    session, _statements = floor
    other = DelegationFactory(conference=session.conference, country="NO")
    first = right_of_reply_request(session=session, delegation=other, by=None)
    again = right_of_reply_request(session=session, delegation=other, by=None)
    assert again.pk == first.pk
    assert Statement.objects.filter(is_right_of_reply=True).count() == 1
    assert FloorEvent.objects.count() == 1


def test_next_reaches_the_reply_after_the_list(floor):
    session, statements = floor
    reply = right_of_reply_request(session=session, delegation=statements[0].delegation, by=None)
    seen = None
    for statement in statements:
        seen = speakers_list_next(session=session, seen_current_id=seen, by=None).pk
        assert seen == statement.pk
    assert speakers_list_next(session=session, seen_current_id=seen, by=None).pk == reply.pk
    assert session_floor_state(session=session)["current"]["allotted_seconds"] == 120


def test_speaking_time_per_kind_on_the_session(floor):
    session, statements = floor
    organization = DelegationFactory(
        conference=session.conference,
        country="",
        organization=OrganizationFactory(),
        category=DelegationCategory.ORGANIZATION,
    )
    said = StatementFactory(session=session, speaker=None, delegation=organization, order=4)
    assert statements[0].speaking_kind == SpeakingKind.STATE
    assert statements[0].allotted_seconds == 240
    assert said.speaking_kind == SpeakingKind.ORGANIZATION
    assert said.allotted_seconds == 180
    session.speaking_minutes_state = None
    assert statements[0].allotted_seconds == 300  # the statement's own five minutes


def test_a_reply_for_another_conferences_delegation_is_refused(floor):
    session, _statements = floor
    stranger = DelegationFactory(country="NO")
    with pytest.raises(ValidationError) as error:
        right_of_reply_request(session=session, delegation=stranger, by=None)
    assert error.value.message_dict == {
        "delegation": [f"{stranger} belongs to another conference."]
    }
    assert Statement.objects.filter(is_right_of_reply=True).count() == 0
    assert FloorEvent.objects.count() == 0


def test_a_point_of_order_pauses_the_speaker_and_resumes_them_after(floor):
    session, statements = floor
    speaking = speakers_list_next(session=session, seen_current_id=None, by=None)
    raiser = statements[2].delegation
    point = point_of_order_raise(
        session=session, seen_current_id=speaking.pk, delegation=raiser, by=None
    )
    paused = Statement.objects.get(pk=speaking.pk)
    assert paused.paused_at == point.raised_at
    state = session_floor_state(session=session)
    assert state["point_of_order"] == {
        "id": point.pk,
        "raised_at": point.raised_at.isoformat(),
        "delegation": raiser.local_name,
    }
    # While it is heard the speaker cannot be resumed, ended or replaced.
    for refused in (
        lambda: statement_floor_resume(statement=speaking, by=None),
        lambda: statement_floor_end(statement=speaking, by=None),
        lambda: speakers_list_next(session=session, seen_current_id=speaking.pk, by=None),
    ):
        with pytest.raises(ValidationError) as error:
            refused()
        assert error.value.messages == ["A point of order is being heard: close it first."]
    # Pressed again, it is the same point of order.
    again = point_of_order_raise(
        session=session, seen_current_id=speaking.pk, delegation=None, by=None
    )
    assert again.pk == point.pk
    PointOfOrder.objects.filter(pk=point.pk).update(
        raised_at=point.raised_at - dt.timedelta(seconds=45)
    )
    Statement.objects.filter(pk=speaking.pk).update(
        paused_at=paused.paused_at - dt.timedelta(seconds=45)
    )
    closed = point_of_order_close(point=point, by=None)
    assert closed.closed_at is not None
    resumed = Statement.objects.get(pk=speaking.pk)
    assert resumed.paused_at is None
    assert resumed.paused_seconds == 45
    assert point_of_order_close(point=point, by=None).closed_at == closed.closed_at
    assert [a for _s, a in _events()] == [
        FloorAction.START,
        FloorAction.POINT_OF_ORDER,
        FloorAction.ORDER_CLOSED,
    ]
    assert session_floor_state(session=session)["point_of_order"] is None


def test_a_point_of_order_on_a_paused_speaker_leaves_them_paused(floor):
    session, _statements = floor
    speaking = speakers_list_next(session=session, seen_current_id=None, by=None)
    statement_floor_pause(statement=speaking, by=None)
    paused_at = Statement.objects.get(pk=speaking.pk).paused_at
    point = point_of_order_raise(
        session=session, seen_current_id=speaking.pk, delegation=None, by=None
    )
    assert point.paused_speaker is False
    point_of_order_close(point=point, by=None)
    assert Statement.objects.get(pk=speaking.pk).paused_at == paused_at


def test_a_point_of_order_with_nobody_speaking_is_refused(floor):
    session, _statements = floor
    with pytest.raises(ValidationError) as error:
        point_of_order_raise(session=session, seen_current_id=None, delegation=None, by=None)
    assert error.value.messages == ["Nobody has the floor: a point of order interrupts a speaker."]
    assert PointOfOrder.objects.count() == 0
    assert FloorEvent.objects.count() == 0


def test_a_point_of_order_by_another_conferences_delegation_is_refused(floor):
    session, _statements = floor
    speaking = speakers_list_next(session=session, seen_current_id=None, by=None)
    stranger = DelegationFactory(country="NO")
    with pytest.raises(ValidationError) as error:
        point_of_order_raise(
            session=session, seen_current_id=speaking.pk, delegation=stranger, by=None
        )
    assert error.value.message_dict == {
        "delegation": [f"{stranger} belongs to another conference."]
    }
    assert PointOfOrder.objects.count() == 0
    assert Statement.objects.get(pk=speaking.pk).paused_at is None
    assert FloorEvent.objects.count() == 1


def test_a_point_of_order_on_a_statement_no_longer_current_is_refused(floor):
    session, statements = floor
    first = speakers_list_next(session=session, seen_current_id=None, by=None)
    speakers_list_next(session=session, seen_current_id=first.pk, by=None)
    with pytest.raises(ValidationError) as error:
        point_of_order_raise(session=session, seen_current_id=first.pk, delegation=None, by=None)
    assert error.value.messages == ["This statement is not the current one."]
    assert PointOfOrder.objects.count() == 0
