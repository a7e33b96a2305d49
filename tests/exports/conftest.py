import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from documents.enums import AmendmentAction
from documents.models import Amendment
from participants.enums import AccreditationStatus, DelegationRole
from tests.factories import (
    DUSHANBE,
    BadgeCategoryFactory,
    ConferenceFactory,
    DelegationFactory,
    DocumentVersionFactory,
    IdentityDocumentFactory,
    ParagraphFactory,
    ParticipantFactory,
    RecommendationFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)


def parse(response) -> list[list[str]]:
    """A downloaded CSV as rows, after checking it is UTF-8 with a byte-order mark."""
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def download_url(conference, identifier: str) -> str:
    return reverse("admin:conference_export_download", args=[conference.pk, identifier])


def grant(user, *codenames: str):
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )
    return type(user).objects.get(pk=user.pk)


def add_rows(conference, count: int, *, start: int = 0) -> None:
    """``count`` more rows for every export of ``conference``."""
    category = BadgeCategoryFactory(conference=conference)
    version = DocumentVersionFactory(document__conference=conference)
    for i in range(start, start + count):
        delegation = DelegationFactory(conference=conference, country=COUNTRIES[i])
        head = ParticipantFactory(
            delegation=delegation,
            role=DelegationRole.HEAD,
            status=AccreditationStatus.APPROVED,
            badge_category=category,
            badge_number=100 + i,
            hotel="Hyatt Regency Dushanbe",
            arrival_at=dt.datetime(2019, 5, 15, 14, 30, tzinfo=DUSHANBE),
            departure_at=dt.datetime(2019, 5, 18, 9, 0, tzinfo=DUSHANBE),
            arrival_flight="TJ 132",
        )
        IdentityDocumentFactory(participant=head)
        session = SessionFactory(conference=conference, chair=head)
        # Delivered, with the floor's times: a row of the speakers' list and of the record.
        StatementFactory(
            session=session,
            speaker=head,
            delegation=delegation,
            status="delivered",
            started_at=session.starts_at,
            ended_at=session.starts_at + dt.timedelta(minutes=4, seconds=30),
        )
        amendment = Amendment.objects.create(
            document=version.document,
            version=version,
            target_paragraph=ParagraphFactory(version=version),
            action=AmendmentAction.REPLACE,
            proposed_text="Calls upon all States to act.",
        )
        amendment.proposed_by.add(delegation)
        RecommendationFactory(source_conference=conference)


COUNTRIES = ["KZ", "KG", "TM", "UZ", "AF", "DE", "FR", "JP", "SK", "AT", "IT", "ES"]


@pytest.fixture
def conference(db):
    conference = ConferenceFactory(slug="dushanbe-2019")
    add_rows(conference, 2)
    return conference


@pytest.fixture
def officer(db):
    return UserFactory(username="protocol-officer")
