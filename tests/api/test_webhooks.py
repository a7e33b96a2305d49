"""Webhooks: written with the change, signed, retried with backoff, logged, redelivered;
an endpoint that keeps failing is disabled and its owner told."""

import datetime as dt
import json
import time
import uuid

import pytest
from django.db import transaction

from api import webhooks
from api.enums import DeliveryStatus
from api.models import WebhookDelivery, WebhookEndpoint
from api.services import webhook_endpoint_create
from conference.enums import DomainEvent
from conference.mail.models import OutboxMessage
from documents.enums import AdoptionMethod, ParagraphKind
from documents.services import (
    document_adopt,
    document_circulate_zero_draft,
    document_open_negotiation,
    paragraph_add,
    version_create_zero_draft,
)
from participants.accreditation import services as accreditation_services
from participants.badging import selectors
from participants.badging import services as badging_services
from participants.enums import AccreditationStatus as S
from participants.models import AccessZone
from sessions.services import agenda_item_save
from tests.api.receiver import Receiver
from tests.factories import OutcomeDocumentFactory, ParticipantFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def endpoint_for(conference, url, events=(DomainEvent.PARTICIPANT_APPROVED,), **fields):
    endpoint, secret = webhook_endpoint_create(
        endpoint=WebhookEndpoint(
            conference=conference,
            name="Host security service",
            url=url,
            events=list(events),
            owner_email="it@security.example",
            **fields,
        )
    )
    return endpoint, secret


@pytest.fixture
def vetting(conference, delegation):
    return ParticipantFactory(delegation=delegation, status=S.VETTING)


def test_a_receiver_failing_twice_gets_one_signed_delivery_after_three_attempts(
    conference, vetting, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500, 503, 200]) as receiver:
        endpoint, secret = endpoint_for(conference, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            accreditation_services.participant_approve(participant=vetting, by=None)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert len(receiver.received) == 3
    for request in receiver.received:
        assert webhooks.verify(
            secret=secret,
            timestamp=request.headers["X-Plenary-Timestamp"],
            body=request.body,
            signature=request.headers["X-Plenary-Signature"],
        )
        assert request.headers["X-Plenary-Delivery"] == str(delivery.pk)
        assert abs(int(request.headers["X-Plenary-Timestamp"]) - time.time()) < 60
    # The one accepted delivery, as the partner reads it.
    accepted = json.loads(receiver.received[-1].body)
    vetting.refresh_from_db()
    assert accepted["event"] == "participant.approved"
    assert accepted["data"]["participant"] == vetting.pk
    assert accepted["data"]["status"] == S.APPROVED
    assert accepted["data"]["badge_number"] == vetting.badge_number
    # A body changed in transit no longer verifies.
    request = receiver.received[-1]
    assert not webhooks.verify(
        secret=secret,
        timestamp=request.headers["X-Plenary-Timestamp"],
        body=request.body.replace(b"approved", b"rejected"),
        signature=request.headers["X-Plenary-Signature"],
    )
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_the_delivery_row_commits_with_the_change_or_not_at_all(conference, vetting):
    endpoint_for(conference, "http://127.0.0.1:9/never")
    with pytest.raises(RuntimeError), transaction.atomic():
        accreditation_services.participant_approve(participant=vetting, by=None)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the change fails after the delivery was written")
    assert WebhookDelivery.objects.count() == 0
    vetting.refresh_from_db()
    assert vetting.status == S.VETTING


def test_an_unreachable_or_hanging_partner_never_holds_up_or_loses_the_change(
    conference, vetting, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    with Receiver(statuses=[200], delay=2) as receiver:
        endpoint_for(conference, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            accreditation_services.participant_approve(participant=vetting, by=None)
    vetting.refresh_from_db()
    assert vetting.status == S.APPROVED
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    errors = [attempt.error for attempt in delivery.attempt_log.all()]
    assert len(errors) == 2 and all("timed out" in error for error in errors), errors


def test_backoff_doubles_from_the_base(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_failed_attempt_waits_its_backoff_and_the_sweep_sends_it_then(
    conference, vetting, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    with Receiver(statuses=[500, 200]) as receiver:
        endpoint_for(conference, receiver.url)
        accreditation_services.participant_approve(
            participant=vetting, by=None
        )  # on_commit never runs here
        delivery = WebhookDelivery.objects.get()
        failed = webhooks.delivery_attempt(delivery_id=delivery.pk)
        assert failed.status == DeliveryStatus.PENDING
        wait = (failed.next_attempt_at - failed.attempt_log.get().at).total_seconds()
        assert 29 <= wait <= 31
        # Not due yet: neither a task nor the sweep sends it.
        assert webhooks.delivery_attempt(delivery_id=delivery.pk) is None
        assert webhooks.deliveries_due() == []
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=failed.next_attempt_at - dt.timedelta(seconds=31)
        )
        from api.tasks import webhook_deliveries_sweep

        assert webhook_deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.received)) == (
        DeliveryStatus.DELIVERED,
        2,
        2,
    )


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_owner_mailed(
    conference, delegation, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    people = [ParticipantFactory(delegation=delegation, status=S.VETTING) for _ in range(3)]
    with Receiver(statuses=[500]) as receiver:
        endpoint, _secret = endpoint_for(conference, receiver.url)
        endpoint.owner_language = "ru"
        endpoint.save(update_fields=["owner_language"])
        for person in people:
            with django_capture_on_commit_callbacks(execute=True):
                accreditation_services.participant_approve(participant=person, by=None)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (False, 2)
    assert endpoint.disabled_at is not None
    # Two deliveries failed (two attempts each); the third change wrote none: disabled.
    assert list(WebhookDelivery.objects.values_list("status", "attempts")) == [
        (DeliveryStatus.FAILED, 2),
        (DeliveryStatus.FAILED, 2),
    ]
    assert len(receiver.received) == 4
    mail = OutboxMessage.objects.get(kind="webhook_endpoint_disabled")
    assert (mail.recipient, mail.language) == ("it@security.example", "ru")
    assert "вебхук «Host security service» отключён" in mail.subject


def test_redelivery_from_the_admin(
    conference, vetting, organizer, django_capture_on_commit_callbacks
):
    endpoint, _secret = endpoint_for(conference, "http://127.0.0.1:9/refused")
    accreditation_services.participant_approve(participant=vetting, by=None)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=6)
    with Receiver(statuses=[204]) as receiver:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            response = organizer.post(
                "/admin/api/webhookdelivery/",
                {"action": "redeliver", "_selected_action": [delivery.pk]},
            )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )
    page = organizer.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert b"204" in page.content


def test_each_domain_event_reaches_an_endpoint_that_wants_it(conference, delegation, zone):
    endpoint_for(conference, "http://127.0.0.1:9/all", events=DomainEvent.values)
    endpoint_for(conference, "http://127.0.0.1:9/one", events=[DomainEvent.SESSION_CHANGED])
    officer = UserFactory()
    rejected = ParticipantFactory(delegation=delegation, status=S.VETTING)
    accreditation_services.participant_reject(
        participant=rejected, by=officer, reason="No passport"
    )
    person = ParticipantFactory(delegation=delegation, status=S.VETTING)
    category = conference.badge_categories.get(code="DEL")
    category.zones.set([zone])
    accreditation_services.participant_approve(participant=person, by=officer)
    (badge,) = badging_services.badges_print(participants=[person], by=officer)[0]
    badging_services.badge_hand_over(conference=conference, code=badge.printed_number, by=officer)
    badging_services.badge_scan(
        conference=conference,
        code=selectors.badge_token(badge=badge),
        checkpoint=badging_services.Checkpoint(
            action="entry", zone=AccessZone.objects.get(pk=zone.pk)
        ),
        client_key=uuid.uuid4(),
    )
    accreditation_services.participant_revoke(
        participant=person, by=officer, reason="Left the delegation"
    )
    session = SessionFactory(conference=conference)
    session.title = "Opening, moved"
    agenda_item_save(item=session)
    document = OutcomeDocumentFactory(conference=conference)
    zero = version_create_zero_draft(document=document, by=officer)
    paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Decides to meet again.")
    document = document_circulate_zero_draft(document=document, by=officer)
    document = document_open_negotiation(document=document, by=officer)
    document_adopt(
        document=document,
        method=AdoptionMethod.CONSENSUS,
        adopted_on=dt.date(2019, 5, 17),
        by=officer,
    )
    sent = list(
        WebhookDelivery.objects.filter(endpoint__url__endswith="/all")
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert sent == [
        "participant.rejected",
        "participant.approved",
        "badge.printed",
        "participant.checked_in",
        "badge.voided",
        "participant.revoked",
        "session.changed",
        "document.adopted",
    ]
    assert list(
        WebhookDelivery.objects.filter(endpoint__url__endswith="/one").values_list(
            "event", flat=True
        )
    ) == ["session.changed"]
    checked_in = WebhookDelivery.objects.get(
        event="participant.checked_in", endpoint__url__endswith="/all"
    )
    assert checked_in.payload["data"]["zone"] == "P"
    # No identity data in any payload.
    payloads = json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))
    assert "passport" not in payloads and "birth" not in payloads


def test_a_conference_without_endpoints_writes_no_delivery(conference, vetting):
    accreditation_services.participant_approve(participant=vetting, by=None)
    assert WebhookDelivery.objects.count() == 0
