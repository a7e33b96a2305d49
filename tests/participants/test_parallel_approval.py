"""Twenty organizers approving at once still get twenty distinct badge numbers."""

import threading

import pytest
from django.db import connection

from conference.models import Conference
from participants.accreditation import services
from participants.enums import AccreditationStatus
from participants.models import IssuedBadge, Participant
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite locks the whole database, so parallel row locks can only be shown on "
        "PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_approvals_get_twenty_distinct_numbers():
    conference = ConferenceFactory()
    delegations = DelegationFactory.create_batch(4, conference=conference, max_size=THREADS)
    participants = [
        ParticipantFactory(delegation=delegations[i % 4], status=AccreditationStatus.VETTING)
        for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def approve(participant):
        try:
            barrier.wait()
            services.participant_approve(participant=participant, by=None)
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p,)) for p in participants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        Participant.objects.filter(conference=conference).values_list("badge_number", flat=True)
    )
    assert numbers == list(range(1, THREADS + 1))
    assert IssuedBadge.objects.filter(conference=conference).count() == THREADS
    assert Conference.objects.get(pk=conference.pk).next_badge_number == THREADS + 1
