import datetime as dt

import pytest
from django.core.cache import cache

from participants.enums import (
    AccreditationStatus,
    DelegationCategory,
    DelegationRole,
    DelegationStatus,
)
from tests.factories import (
    DUSHANBE,
    ConferenceFactory,
    DelegationFactory,
    OrganizationFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    StatementFactory,
)

COUNTRIES = ["KZ", "KG", "TM", "UZ", "AF", "DE", "FR", "JP", "SK", "AT", "PL", "LT", "BE"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def build_agenda(*, scale: int, conference=None):
    """A public conference with ``scale`` × (2 days × 2 rooms × 1 session with 2 speakers)."""
    conference = conference or ConferenceFactory(slug=f"agenda-x{scale}")
    rooms = [RoomFactory(conference=conference) for _ in range(2)]
    delegations = [
        DelegationFactory(conference=conference, country=code, status=DelegationStatus.CONFIRMED)
        for code in COUNTRIES[: min(len(COUNTRIES), 2 + scale)]
    ]
    delegations.append(
        DelegationFactory(
            conference=conference,
            country="",
            organization=OrganizationFactory(),
            category=DelegationCategory.ORGANIZATION,
            status=DelegationStatus.CONFIRMED,
        )
    )
    for delegation in delegations:
        ParticipantFactory(
            delegation=delegation,
            role=DelegationRole.HEAD,
            phone="+992 37 221 1111",
            status=AccreditationStatus.APPROVED,
        )
    sessions = []
    for day in (16, 17):
        for slot in range(scale):
            start = dt.datetime(2019, 5, day, 9, 0, tzinfo=DUSHANBE) + dt.timedelta(
                minutes=30 * slot
            )
            for room in rooms:
                session = SessionFactory(
                    conference=conference,
                    room=room,
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=30),
                    chair=ParticipantFactory(
                        delegation=delegations[0], status=AccreditationStatus.APPROVED
                    ),
                )
                for index in range(2):
                    StatementFactory(
                        session=session,
                        speaker__delegation=delegations[(slot + index) % len(delegations)],
                        order=index + 1,
                    )
                sessions.append(session)
    return conference, sessions


@pytest.fixture
def agenda(db):
    return build_agenda(scale=1)
