import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conference.enums import ConferenceStatus
from participants.accreditation.selectors import nomination_token
from tests.factories import ConferenceFactory, DelegationFactory


def image_upload(name="photo.jpg", image_format="JPEG", size=(300, 400)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "navy").save(buffer, image_format)
    content_type = "image/png" if image_format == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def member_data(**overrides) -> dict:
    data = {
        "consent_processing": "on",
        "honorific": "Mr.",
        "given_names": "Testbek",
        "family_name": "Exampleov",
        "passport_name": "TESTBEK EXAMPLEOV",
        "gender": "male",
        "functional_title": "Counsellor",
        "role": "representative",
        "email": "testbek@mfa.example",
        "phone": "+992 00 000 0000",
        "preferred_language": "en",
        "nationality": "KZ",
        "passport_number": "N1234567",
        "date_of_birth": "1980-02-03",
        "place_of_birth": "Exampleabad",
        "passport_issued_on": "2018-01-01",
        "passport_expires_on": "2028-01-01",
        "arrival_at": "2019-05-15T14:30",
        "arrival_flight": "ZZ 123",
        "photo": image_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def open_conference(db):
    return ConferenceFactory(
        status=ConferenceStatus.REGISTRATION_OPEN,
        registration_deadline=timezone.now() + dt.timedelta(days=10),
        max_delegation_size=3,
        requires_passport_data=True,
    )


@pytest.fixture
def delegation(open_conference):
    return DelegationFactory(
        conference=open_conference,
        country="KZ",
        hospitality_quota=1,
        nomination_link_expires_at=timezone.now() + dt.timedelta(days=5),
    )


class Portal:
    def __init__(self, client, delegation):
        self.client = client
        self.delegation = delegation

    @property
    def token(self) -> str:
        self.delegation.refresh_from_db()
        return nomination_token(delegation=self.delegation)

    def url(self, name="portal", **kwargs) -> str:
        suffix = "" if name == "portal" else f"_{name}"
        return reverse(f"participants:portal{suffix}", kwargs={"token": self.token, **kwargs})

    def nominate(self, **overrides):
        return self.client.post(self.url("member_add"), member_data(**overrides))


@pytest.fixture
def portal(client, delegation):
    return Portal(client, delegation)
