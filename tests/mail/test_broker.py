"""The queue for real: a broker that is down loses nothing; a live worker delivers everything.

These commit for real (``transaction=True``): messages are handed to the broker after the
commit, as in production.
"""

import time

import pytest
import redis
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conference.mail.models import OutboxMessage
from conference.mail.tasks import outbox_send
from participants.accreditation import services
from participants.accreditation.selectors import CircularFilter
from participants.enums import AccreditationStatus as S
from participants.enums import CircularAudience
from participants.models import AccreditationEvent, Participant
from tests.auth import sign_in
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory, UserFactory
from tests.mail.conftest import LIVE_BROKER, broker

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_the_broker_down_a_bulk_action_keeps_every_change_and_the_sweeper_sends_once(
    client, broker_down
):
    sign_in(client, UserFactory(username="organizer", is_superuser=True))
    first, second = DelegationFactory(), DelegationFactory()
    ready = [
        *ParticipantFactory.create_batch(2, delegation=first, status=S.VETTING),
        ParticipantFactory(delegation=second, status=S.VETTING),
    ]
    started = time.monotonic()
    response = client.post(
        reverse("admin:participants_participant_changelist"),
        {
            "action": "transition_approve",
            ACTION_CHECKBOX_NAME: [p.pk for p in ready],
            "confirm": "yes",
            "reason": "",
        },
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["Approve: 3 participants done."]
    # Every status change and its audit row is kept; the digests wait in the outbox.
    assert set(Participant.objects.values_list("status", flat=True)) == {S.APPROVED}
    assert AccreditationEvent.objects.filter(to_status=S.APPROVED).count() == 3
    assert list(OutboxMessage.objects.values_list("status", flat=True)) == ["queued"] * 2
    assert mail.outbox == []

    # The sweeper (cron or beat) sends each once, and again nothing.
    call_command("send_queued_mail", "--older-than", "0")
    call_command("send_queued_mail", "--older-than", "0")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.focal_point_email, second.focal_point_email]
    )
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    # A task the broker delivers late, once it is back, finds them sent.
    for message_id in OutboxMessage.objects.values_list("pk", flat=True):
        assert outbox_send.apply(args=[message_id]).get() == ""
    assert len(mail.outbox) == 2


def test_the_sweeper_leaves_fresh_messages_to_the_queue(broker_down):
    participant = ParticipantFactory(status=S.VETTING)
    services.participant_approve(participant=participant, by=None)
    call_command("send_queued_mail")  # default: only messages untried for two minutes
    assert OutboxMessage.objects.get().status == "queued"
    assert mail.outbox == []


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(LIVE_BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="needs the Redis broker at 127.0.0.1:6379")
def test_a_live_worker_delivers_the_digests_and_a_circular_for_400_participants(settings):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the worker runs in a thread with its own connection: SQLite's test database "
            "is not shared with it reliably; this runs on PostgreSQL"
        )
    from celery.contrib.testing.worker import start_worker

    redis.Redis.from_url(LIVE_BROKER).flushdb()  # our own database only: leftovers of a crash
    conference = ConferenceFactory(max_delegation_size=50)
    delegations = DelegationFactory.create_batch(10, conference=conference)
    people = [
        ParticipantFactory(delegation=delegations[n % 10], status=S.VETTING) for n in range(400)
    ]
    with broker(LIVE_BROKER) as app:
        started = time.monotonic()
        done, refused = services.participants_transition(
            name="approve", participants=people, by=None
        )
        services.circular_send(
            conference=conference,
            which=CircularFilter(audience=CircularAudience.PARTICIPANTS),
            subject={"en": "Shuttle times"},
            body={"en": "Dear {recipient_name}, the shuttles leave at 8:00."},
            send_id="live",
        )
        request_time = time.monotonic() - started
        assert (len(done), refused) == (400, [])
        assert OutboxMessage.objects.count() == 410
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 120
            while OutboxMessage.objects.exclude(status="sent").exists():
                assert time.monotonic() < deadline, "the worker did not deliver in time"
                time.sleep(0.2)
    assert request_time < 10
    assert len(mail.outbox) == 410
    digests = [m for m in mail.outbox if "accreditation of" in m.subject]
    assert len(digests) == 10
    assert sum(m.body.count("\n- ") for m in digests) == 400
    assert sorted(m.to[0] for m in mail.outbox if m.subject == "Shuttle times") == sorted(
        p.email for p in people
    )
