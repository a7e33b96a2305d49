import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import UserFactory


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


@pytest.fixture
def superuser(db):
    return UserFactory(username="chief-organizer", is_superuser=True)


@pytest.fixture
def organizer(client, superuser):
    """A test client logged in as the superuser, who is ``organizer.user``."""
    client.force_login(superuser)
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
