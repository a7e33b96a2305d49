"""The secretary's console: start, pause, resume, end and next, with refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sessions.enums import FloorAction, StatementStatus
from sessions.models import FloorEvent, Statement
from sessions.selectors import statement_spoken_seconds
from sessions.services import (
    speakers_list_next,
    statement_floor_end,
    statement_floor_pause,
    statement_floor_resume,
    statement_floor_start,
)
from tests.factories import SessionFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    session = SessionFactory()
    return [StatementFactory(session=session, order=i) for i in (1, 2, 3)]


def _actions():
    return list(FloorEvent.objects.values_list("statement__order", "action"))


def test_next_runs_the_list_in_order_and_records_each_step(three):
    session, user = three[0].session, UserFactory()
    first = speakers_list_next(session=session, seen_current_id=None, by=user)
    assert first.pk == three[0].pk
    second = speakers_list_next(session=session, seen_current_id=first.pk, by=user)
    assert second.pk == three[1].pk
    done = Statement.objects.get(pk=first.pk)
    assert done.status == StatementStatus.DELIVERED
    assert done.ended_at is not None
    assert _actions() == [(1, FloorAction.START), (1, FloorAction.END), (2, FloorAction.START)]


def test_next_pressed_twice_with_the_same_view_moves_one_step(three):
    session = three[0].session
    first = speakers_list_next(session=session, seen_current_id=None, by=None)
    speakers_list_next(session=session, seen_current_id=first.pk, by=None)
    again = speakers_list_next(session=session, seen_current_id=first.pk, by=None)
    assert again.pk == three[1].pk
    assert FloorEvent.objects.count() == 3


def test_next_after_the_last_speaker_leaves_the_floor_empty(three):
    session = three[0].session
    seen = None
    for _ in range(3):
        seen = speakers_list_next(session=session, seen_current_id=seen, by=None).pk
    assert speakers_list_next(session=session, seen_current_id=seen, by=None) is None
    assert Statement.objects.filter(status=StatementStatus.DELIVERED).count() == 3


def test_pause_and_resume_count_the_paused_time(three):
    statement = statement_floor_start(statement=three[0], by=None)
    Statement.objects.filter(pk=statement.pk).update(
        started_at=statement.started_at - dt.timedelta(seconds=100)
    )
    statement_floor_pause(statement=statement, by=None)
    Statement.objects.filter(pk=statement.pk).update(
        paused_at=Statement.objects.get(pk=statement.pk).paused_at - dt.timedelta(seconds=30)
    )
    resumed = statement_floor_resume(statement=statement, by=None)
    assert resumed.paused_seconds == 30
    ended = statement_floor_end(statement=resumed, by=None)
    assert statement_spoken_seconds(ended, now=ended.ended_at) == 70


def test_spoken_time_stops_while_paused():
    start = dt.datetime(2019, 5, 16, 10, 0, tzinfo=dt.UTC)
    statement = Statement(
        started_at=start, paused_at=start + dt.timedelta(seconds=40), paused_seconds=5
    )
    assert statement_spoken_seconds(statement, now=start + dt.timedelta(hours=1)) == 35
    assert statement_spoken_seconds(Statement(), now=start) == 0


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (statement_floor_pause, "This statement is not the current one."),
        (statement_floor_resume, "This statement is not the current one."),
        (statement_floor_end, "This statement is not the current one."),
    ],
)
def test_actions_on_a_statement_not_current_are_refused(three, action, message):
    with pytest.raises(ValidationError) as error:
        action(statement=three[1], by=None)
    assert error.value.messages == [message]
    assert FloorEvent.objects.count() == 0


def test_pausing_a_paused_speaker_is_refused_and_writes_nothing(three):
    statement_floor_start(statement=three[0], by=None)
    statement_floor_pause(statement=three[0], by=None)
    paused_at = Statement.objects.get(pk=three[0].pk).paused_at
    with pytest.raises(ValidationError) as error:
        statement_floor_pause(statement=three[0], by=None)
    assert error.value.messages == ["This speaker is already paused."]
    assert Statement.objects.get(pk=three[0].pk).paused_at == paused_at
    with pytest.raises(ValidationError) as error:
        statement_floor_resume(statement=three[1], by=None)
    assert FloorEvent.objects.count() == 2


def test_a_second_start_while_someone_speaks_is_refused(three):
    statement_floor_start(statement=three[0], by=None)
    with pytest.raises(ValidationError) as error:
        statement_floor_start(statement=three[1], by=None)
    assert error.value.messages == ["Someone already has the floor in this session."]
    with pytest.raises(ValidationError) as error:
        statement_floor_start(statement=three[0], by=None)
    assert error.value.messages == ["Only a scheduled statement that has not started can start."]


def test_the_database_refuses_two_speakers_on_one_floor(three):
    statement_floor_start(statement=three[0], by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=three[1].pk).update(started_at=timezone.now())


def test_a_withdrawn_statement_is_skipped_by_next(three):
    Statement.objects.filter(pk=three[0].pk).update(status=StatementStatus.WITHDRAWN)
    first = speakers_list_next(session=three[0].session, seen_current_id=None, by=None)
    assert first.pk == three[1].pk


def test_the_polling_endpoint_follows_the_console_with_etag_and_304(client, three):
    session = three[0].session
    session.conference.is_public = True
    session.conference.save()
    url = reverse("agenda:session_floor", args=[session.conference.slug, session.pk])
    before = client.get(url)
    assert before.json()["current"] is None
    assert [entry["id"] for entry in before.json()["next"]] == [s.pk for s in three]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    started = speakers_list_next(session=session, seen_current_id=None, by=None)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    state = after.json()
    assert state["current"]["id"] == started.pk
    assert state["current"]["started_at"] == started.started_at.isoformat()
    assert state["current"]["allotted_seconds"] == 300
    assert [entry["id"] for entry in state["next"]] == [three[1].pk, three[2].pk]
