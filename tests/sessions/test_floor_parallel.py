"""Two secretaries pressing "next" at once move the speakers' list one step."""

import threading

import pytest
from django.db import connection

from sessions.enums import FloorAction
from sessions.models import FloorEvent, PointOfOrder, Statement
from sessions.services import (
    point_of_order_close,
    point_of_order_raise,
    right_of_reply_request,
    speakers_list_next,
)
from tests.factories import SessionFactory, StatementFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite locks the whole database, so parallel row locks can only be shown on "
        "PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]

CONSOLES = 2


@pytest.mark.django_db(transaction=True)
def test_two_consoles_pressing_next_at_once_move_one_step():
    session = SessionFactory()
    first, second, _third = (StatementFactory(session=session, order=i) for i in (1, 2, 3))
    speakers_list_next(session=session, seen_current_id=None, by=None)
    barrier = threading.Barrier(CONSOLES)
    errors: list[BaseException] = []

    def press():
        try:
            barrier.wait()
            speakers_list_next(session=session, seen_current_id=first.pk, by=None)
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(CONSOLES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    speaking = Statement.objects.filter(session=session, started_at__isnull=False)
    assert list(speaking.filter(ended_at__isnull=True).values_list("pk", flat=True)) == [second.pk]
    assert FloorEvent.objects.filter(statement__session=session).count() == 3


def _at_once(action) -> list[BaseException]:
    barrier = threading.Barrier(CONSOLES)
    errors: list[BaseException] = []

    def press():
        try:
            barrier.wait()
            action()
        except BaseException as error:  # the caller's assertion reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(CONSOLES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_consoles_raising_and_closing_a_point_of_order_at_once_do_it_once():
    session = SessionFactory()
    first = StatementFactory(session=session, order=1)
    speakers_list_next(session=session, seen_current_id=None, by=None)
    assert (
        _at_once(
            lambda: point_of_order_raise(
                session=session, seen_current_id=first.pk, delegation=None, by=None
            )
        )
        == []
    )
    point = PointOfOrder.objects.get(session=session)
    assert _at_once(lambda: point_of_order_close(point=point, by=None)) == []
    actions = list(
        FloorEvent.objects.filter(statement__session=session)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [FloorAction.START, FloorAction.POINT_OF_ORDER, FloorAction.ORDER_CLOSED]
    assert Statement.objects.get(pk=first.pk).paused_at is None


@pytest.mark.django_db(transaction=True)
def test_two_consoles_queueing_the_same_reply_at_once_queue_one():
    session = SessionFactory()
    statement = StatementFactory(session=session, order=1)
    errors = _at_once(
        lambda: right_of_reply_request(session=session, delegation=statement.delegation, by=None)
    )
    assert errors == []
    assert Statement.objects.filter(session=session, is_right_of_reply=True).count() == 1
    assert FloorEvent.objects.filter(action=FloorAction.REPLY).count() == 1
