import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from tests.auth import sign_in
from tests.factories import (
    DUSHANBE,
    BadgeCategoryFactory,
    ConferenceFactory,
    DelegationFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The local-memory cache outlives the settings fixture; the portal's guess counter and
    # anything else counted in it must start at zero in every test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Russian leaves Russian active in the thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def superuser(db):
    return UserFactory(username="chief-organizer", is_superuser=True)


@pytest.fixture
def organizer(client, superuser):
    """A test client logged in as the superuser, who is ``organizer.user``."""
    sign_in(client, superuser)
    client.user = superuser
    return client


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo conferences, loaded once per module and rolled back after it.

    Tests that use it also take ``db``; each then runs in a savepoint inside
    this transaction, so one test's changes never reach the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def two_years(db):
    """The same conference in 2019 and 2027, each with a room, a delegation, a person, a badge
    category and a session of the same names, as the organizer of the next edition finds them.
    """

    def edition(start: dt.date) -> SimpleNamespace:
        conference = ConferenceFactory(
            short_title="Dushanbe Conference",
            slug=f"dushanbe-{start.year}",
            start_date=start,
            end_date=start + dt.timedelta(days=1),
            delegate_badge=False,
        )
        delegation = DelegationFactory(conference=conference, country="KZ")
        room = RoomFactory(conference=conference, name="Plenary Hall")
        opening = dt.datetime.combine(start, dt.time(10), tzinfo=DUSHANBE)
        return SimpleNamespace(
            conference=conference,
            delegation=delegation,
            room=room,
            person=ParticipantFactory(
                delegation=delegation, given_names="Aigerim", family_name="Sadykova"
            ),
            badge=BadgeCategoryFactory(conference=conference, code="D"),
            session=SessionFactory(
                conference=conference,
                room=room,
                title="Opening",
                starts_at=opening,
                ends_at=opening + dt.timedelta(hours=1),
            ),
        )

    return SimpleNamespace(old=edition(dt.date(2019, 5, 16)), new=edition(dt.date(2027, 3, 10)))
