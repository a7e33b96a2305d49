"""The API's back office: a token's key shown once and kept hashed, revocation, one conference."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken, WebhookEndpoint
from tests.api.conftest import make_token
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.django_db


def test_a_token_made_in_the_admin_shows_its_key_once_and_keeps_its_digest(
    organizer, conference, delegation
):
    response = organizer.post(
        "/admin/api/apitoken/add/",
        {
            "conference": conference.pk,
            "name": "Ministry IT — nominations",
            "owner_email": "it@mfa.example",
            "can_read": "on",
            "nomination_delegation": delegation.pk,
            "expires_at_0": "2030-01-01",
            "expires_at_1": "09:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    messages = [m.message for m in response.context["messages"]]
    (message,) = [m for m in messages if "shown this once" in m]
    key = re.search(r"(plen_[0-9a-f]{8}_[\w-]{43})", message).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.created_by == organizer.user
    # Entered in the conference's time (Dushanbe, UTC+5).
    assert token.expires_at == dt.datetime(2030, 1, 1, 4, 0, tzinfo=dt.UTC)
    page = organizer.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert key not in page.content.decode()
    assert token.prefix in page.content.decode()


def test_revoking_from_the_admin_stops_the_token(organizer, conference, api_for):
    token, key = make_token(conference, can_read=True)
    assert api_for(key).get("conferences/").status_code == 200
    organizer.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert (token.revoked_at is not None, token.revoked_by) == (True, organizer.user)
    assert api_for(key).get("conferences/").json()["error"]["code"] == "revoked_token"


def test_a_token_refuses_another_conferences_delegation(conference):
    other = DelegationFactory(conference=ConferenceFactory())
    token = ApiToken(
        conference=conference,
        name="Wrong",
        nomination_delegation=other,
        can_read=False,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        token.full_clean()
    assert list(refused.value.message_dict) == ["nomination_delegation"]


def test_a_token_needs_a_scope_and_identity_needs_read(conference):
    for fields in ({"can_read": False}, {"can_read": False, "can_read_identity": True}):
        token = ApiToken(
            conference=conference,
            name="None",
            prefix="x",
            key_hash="y",
            expires_at=timezone.now(),
            **fields,
        )
        with pytest.raises(ValidationError):
            token.full_clean()


def test_an_endpoint_made_in_the_admin_shows_its_secret_once(organizer, conference):
    response = organizer.post(
        "/admin/api/webhookendpoint/add/",
        {
            "conference": conference.pk,
            "name": "Security service",
            "url": "https://security.example/hooks",
            "events": ["participant.approved", "badge.voided"],
            "owner_email": "it@security.example",
            "owner_language": "en",
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["participant.approved", "badge.voided"]
    messages = " ".join(m.message for m in response.context["messages"])
    assert endpoint.secret in messages and len(endpoint.secret) == 64
    assert (
        endpoint.secret
        not in organizer.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/").content.decode()
    )
