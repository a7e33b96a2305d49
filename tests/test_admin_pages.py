"""Every admin changelist, add form and change form opens on the demo data."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import ApiCall, ApiToken, WebhookDelivery, WebhookEndpoint
from api.services import api_token_create, webhook_endpoint_create
from conference.mail.models import OutboxMessage
from conference.models import Conference
from participants.badging import services
from participants.enums import IdentityAccessKind
from participants.models import (
    IdentityAccessLog,
    IdentityShredding,
    ScannerDevice,
    VisaLetter,
    ZoneOpening,
)

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def url_for(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_opens(organizer, model, model_admin):
    response = organizer.get(url_for(model, "changelist"))
    assert response.status_code == 200


def rows_the_demo_never_writes(model):
    """Rows that only arise from use: an identity-data view, a sign-in (django-axes)."""
    if model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"failures_since_start": 1} if model is AccessAttempt else {}
        return model.objects.create(
            username="someone", ip_address="203.0.113.5", path_info="/admin/login/", **extra
        )
    if model is OutboxMessage:  # the demo writes no mail: make demo would print it all
        return OutboxMessage.objects.create(
            kind="circular",
            recipient="focal@mfa.example",
            language="ru",
            subject="Циркуляр",
            body_text="Текст",
            body_html="<p>Текст</p>",
            idempotency_key="demo:1",
        )
    if model is IdentityShredding:
        return IdentityShredding.objects.create(
            conference=Conference.objects.get(slug="ashgabat-2019"), identity_documents=3
        )
    if model is IdentityAccessLog:
        dushanbe = Conference.objects.get(slug="dushanbe-2019")
        return IdentityAccessLog.objects.create(
            kind=IdentityAccessKind.VIEW, participant=dushanbe.participants.first()
        )
    if model is ScannerDevice:  # a security officer pairs them at the venue
        dushanbe = Conference.objects.get(slug="dushanbe-2019")
        device, _code = services.scanner_device_create(
            conference=dushanbe, name="North gate", zones=dushanbe.access_zones.all()[:1], by=None
        )
        return device
    if model is ZoneOpening:
        zone = Conference.objects.get(slug="dushanbe-2019").access_zones.first()
        return ZoneOpening.objects.create(zone=zone, opens=dt.time(8), closes=dt.time(19))
    if model is VisaLetter:
        dushanbe = Conference.objects.get(slug="dushanbe-2019")
        person = dushanbe.participants.filter(needs_visa_support=True).first()
        return VisaLetter.objects.create(
            conference=dushanbe,
            number=1,
            reference=dushanbe.visa_letter_reference(1),
            participant=person,
            participant_name=person.full_name,
            consulate=person.visa_consulate,
            language="en",
        )
    if model in (ApiToken, ApiCall):
        token, _key = api_token_create(
            token=ApiToken(
                conference=Conference.objects.get(slug="dushanbe-2019"),
                name="Badge printer",
                expires_at=_later(),
            ),
            by=None,
        )
        if model is ApiToken:
            return token
        return ApiCall.objects.create(
            token=token, method="GET", path="/api/v1/participants/", status_code=200
        )
    if model in (WebhookEndpoint, WebhookDelivery):
        endpoint, _secret = webhook_endpoint_create(
            endpoint=WebhookEndpoint(
                conference=Conference.objects.get(slug="dushanbe-2019"),
                name="Host security service",
                url="https://security.example/hooks",
                events=["participant.approved"],
                owner_email="it@security.example",
            )
        )
        if model is WebhookEndpoint:
            return endpoint
        return WebhookDelivery.objects.create(
            endpoint=endpoint, event="participant.approved", payload={"event": "x"}
        )
    return None


def _later():
    return timezone.now() + dt.timedelta(days=30)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_change_and_add_forms_open(organizer, model, model_admin):
    obj = model._default_manager.order_by("-pk").first() or rows_the_demo_never_writes(model)
    assert obj is not None, f"the demo has no {model._meta.verbose_name}"
    assert organizer.get(url_for(model, "change", obj.pk)).status_code == 200
    request = RequestFactory().get("/admin/")
    request.user = organizer.user
    if model_admin.has_add_permission(request):
        assert organizer.get(url_for(model, "add")).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_queries_do_not_grow_with_rows(organizer, model, model_admin):
    counts = {}
    original = model_admin.list_per_page
    try:
        for rows in (5, 50):
            model_admin.list_per_page = rows
            # The first request also fills what is kept between requests (the participant
            # list's cached count, conference/admin_counts.py).
            organizer.get(url_for(model, "changelist"))
            with CaptureQueriesContext(connection) as queries:
                response = organizer.get(url_for(model, "changelist"))
            assert response.status_code == 200
            counts[rows] = len(queries)
    finally:
        model_admin.list_per_page = original
    assert counts[50] == counts[5], f"{model._meta.label}: {counts}"
