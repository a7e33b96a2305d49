import datetime as dt
import json

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create
from conference.enums import ConferenceStatus
from participants.models import AccessZone
from tests.factories import ConferenceFactory, DelegationFactory, UserFactory


class Api:
    """The test client with a token: ``api.get("participants/")`` → /api/v1/participants/."""

    def __init__(self, client, key: str | None):
        self.client = client
        self.key = key

    def _headers(self, headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"} if self.key else {}
        return {**extra, **headers}

    def get(self, path, data=None, **headers):
        return self.client.get(f"/api/v1/{path}", data, **self._headers(headers))

    def post(self, path, body, **headers):
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            f"/api/v1/{path}", raw, content_type="application/json", **self._headers(headers)
        )

    def patch(self, path, body, **headers):
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.patch(
            f"/api/v1/{path}", raw, content_type="application/json", **self._headers(headers)
        )


@pytest.fixture
def conference(db):
    return ConferenceFactory(
        status=ConferenceStatus.REGISTRATION_OPEN,
        registration_deadline=timezone.now() + dt.timedelta(days=10),
        max_delegation_size=5,
    )


@pytest.fixture
def delegation(conference):
    return DelegationFactory(conference=conference, country="KZ")


@pytest.fixture
def zone(conference):
    return AccessZone.objects.create(conference=conference, code="P", name="Plenary hall")


@pytest.fixture
def partner_user(db):
    return UserFactory(username="security-liaison")


def make_token(conference, *, by=None, expires_in=dt.timedelta(days=30), **scopes):
    fields = {"can_read": False, **scopes}
    token = ApiToken(
        conference=conference,
        name="Partner",
        expires_at=timezone.now() + expires_in,
        **fields,
    )
    return api_token_create(token=token, by=by)


@pytest.fixture
def tokens(conference, delegation, zone, partner_user):
    """One key per scope, and one holding none of the right ones (check-in only)."""
    made = {
        "read": make_token(conference, can_read=True, by=partner_user),
        "identity": make_token(conference, can_read=True, can_read_identity=True, by=partner_user),
        "nominations": make_token(conference, nomination_delegation=delegation),
        "checkin": make_token(conference, checkin_zone=zone),
    }
    return {scope: key for scope, (_token, key) in made.items()}


@pytest.fixture
def api_for(client):
    return lambda key: Api(client, key)
