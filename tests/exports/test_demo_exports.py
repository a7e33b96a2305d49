"""Acceptance: every export downloads from the admin on the demo data."""

import pytest
from django.urls import reverse

from conference.csvio import registry
from conference.models import Conference
from participants.models import IdentityAccessLog
from tests.exports.conftest import download_url, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def dushanbe(demo_db, db):
    return Conference.objects.get(slug="dushanbe-2019")


@pytest.mark.parametrize("export", registry.all_exports(), ids=lambda e: e.identifier)
def test_export_of_the_demo_conference_parses_with_its_header(organizer, dushanbe, export):
    page = organizer.get(reverse("admin:conference_exports", args=[dushanbe.pk]))
    assert download_url(dushanbe, export.identifier) in page.content.decode()

    rows = parse(organizer.get(download_url(dushanbe, export.identifier)))

    assert rows[0] == list(export.header)
    assert len(rows) > 1
    assert {len(row) for row in rows} == {len(export.header)}
    assert len(rows) - 1 == export.queryset(dushanbe).count()


def test_demo_security_vetting_run_is_logged_with_its_row_count(organizer, dushanbe):
    rows = parse(organizer.get(download_url(dushanbe, "security-vetting")))
    log = IdentityAccessLog.objects.get(export="security-vetting")
    assert log.row_count == len(rows) - 1
    assert "Lajčák" in {row[1] for row in rows}


def test_an_export_downloaded_in_russian_has_the_russian_content(organizer, dushanbe):
    organizer.cookies["django_language"] = "ru"
    rows = parse(organizer.get(download_url(dushanbe, "agenda")))
    titles, rooms = {row[3] for row in rows[1:]}, {row[5] for row in rows[1:]}
    assert "Перерыв на кофе" in titles and "Coffee break" not in titles
    assert "Пленарный зал" in rooms and "Plenary Hall" not in rooms
