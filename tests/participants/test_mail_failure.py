"""A mail server that is down must not undo or interrupt accreditation work.

These tests commit for real (``transaction=True``) so the e-mails run where they do in
production: after each transition's commit, in the middle of a bulk action.
"""

import socket

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from conference.mail.models import OutboxMessage
from participants.accreditation import services
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, Participant
from tests.auth import sign_in
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_server_down(settings):
    # A port nobody listens on: the real SMTP backend fails to connect.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2


def test_a_transition_is_kept_when_its_email_cannot_be_sent(mail_server_down):
    participant = ParticipantFactory(status=S.VETTING)
    approved = services.participant_approve(participant=participant, by=None)
    assert Participant.objects.get(pk=participant.pk).status == S.APPROVED == approved.status
    assert AccreditationEvent.objects.filter(participant=participant, to_status=S.APPROVED).count()
    # Tried, retried (eagerly here) and kept as failed with the error, never dropped.
    [message] = OutboxMessage.objects.all()
    assert (message.status, message.attempts, message.sent_at) == ("failed", 6, None)
    assert "Connection refused" in message.last_error


def test_a_bulk_action_finishes_and_reports_when_the_mail_server_is_down(client, mail_server_down):
    organizer = UserFactory(username="organizer", is_superuser=True)
    organizer.save()
    sign_in(client, organizer)
    ready = ParticipantFactory.create_batch(3, status=S.VETTING)
    response = client.post(
        reverse("admin:participants_participant_changelist"),
        {
            "action": "transition_approve",
            ACTION_CHECKBOX_NAME: [p.pk for p in ready],
            "confirm": "yes",
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["Approve: 3 participants done."]
    assert set(Participant.objects.values_list("status", flat=True)) == {S.APPROVED}
