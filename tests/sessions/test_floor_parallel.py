"""Two secretaries pressing "next" at once move the speakers' list one step."""

import threading

import pytest
from django.db import connection

from sessions.models import FloorEvent, Statement
from sessions.services import speakers_list_next
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
