"""The focal point and their delegate asking for the floor at the same moment: one request."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sessions.inscription import inscription_request
from sessions.models import InscriptionEvent, Statement
from tests.factories import DelegationFactory, InscribableSessionFactory, ParticipantFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Parallel row locks can only be shown on PostgreSQL: run with DATABASE_URL=...",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_inscribe_the_delegation_once():
    session = InscribableSessionFactory()
    delegation = DelegationFactory(conference=session.conference)
    speakers = [ParticipantFactory(delegation=delegation) for _ in range(2)]
    barrier = threading.Barrier(2)
    refusals: list[str] = []
    errors: list[BaseException] = []

    def ask(speaker, actor):
        try:
            barrier.wait()
            inscription_request(
                delegation=delegation, session=session, speaker=speaker, actor_label=actor
            )
        except ValidationError as refusal:
            refusals.extend(refusal.messages)
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=ask, args=(speaker, actor))
        for speaker, actor in zip(speakers, ("Focal point", "Delegate"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert refusals == ["Your delegation is already inscribed on this speakers' list."]
    assert Statement.objects.filter(session=session).count() == 1
    assert InscriptionEvent.objects.count() == 1
