"""The retention shredder: identity data of a conference goes after its retention date."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from conference.models import Conference
from participants.enums import AccreditationStatus
from participants.models import (
    AccreditationEvent,
    Delegation,
    IdentityDocument,
    IdentityShredding,
    Participant,
)
from tests.factories import IdentityDocumentFactory, ParticipantFactory, UserFactory
from tests.participants.conftest import image_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
PASSPORT = "AG7654321"


@pytest.fixture
def ashgabat(settings):
    """The Ashgabat demo conference with identity data: passports, a photo, a note verbale."""
    conference = Conference.objects.get(slug="ashgabat-2019")
    delegation = Delegation.objects.filter(conference=conference).first()
    delegation.nomination_file.save("note.pdf", ContentFile(b"%PDF-1.4 note verbale"))
    person = ParticipantFactory(delegation=delegation, passport_name="TESTBEK EXAMPLEOV")
    document = IdentityDocumentFactory(
        participant=person, passport_number=PASSPORT, date_of_birth=dt.date(1971, 8, 19)
    )
    document.photo.save("face.jpg", image_upload())
    AccreditationEvent.objects.create(
        participant=person,
        from_status=AccreditationStatus.NOMINATED,
        to_status=AccreditationStatus.NOMINATED,
        reason=f"Passport {PASSPORT} misread; born 19.08.1971, fixed.",
    )
    return conference


@pytest.fixture
def chief(db):
    return UserFactory(username="chief", is_superuser=True)


def shred(*args: str) -> str:
    out = io.StringIO()
    call_command("shred_identity_data", "--conference", "ashgabat-2019", *args, stdout=out)
    return out.getvalue()


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_nothing_of_its_identity_data_is_left_and_public_pages_render(
    ashgabat, chief, settings, client
):
    kept_badges = sorted(
        Participant.objects.values_list("badge_number", flat=True).exclude(badge_number=None)
    )
    ashgabat_photos = [
        d.photo.name
        for d in IdentityDocument.objects.filter(participant__conference=ashgabat).exclude(photo="")
    ]
    notes = [d.nomination_file.name for d in ashgabat.delegations.exclude(nomination_file="")]
    assert ashgabat_photos and notes

    printed = shred("--user", "chief")

    assert "Shredded ashgabat-2019" in printed
    held = IdentityDocument.objects.filter(participant__conference=ashgabat)
    assert not held.exclude(passport_number="").exists()
    assert not held.exclude(date_of_birth=None).exists()
    assert not held.exclude(place_of_birth="").exists()
    assert not held.exclude(photo="").exists()
    assert not ashgabat.delegations.exclude(nomination_file="").exists()
    assert not Participant.objects.filter(conference=ashgabat).exclude(passport_name="").exists()
    # Every table, the logs and audit rows included, and every file under MEDIA_ROOT.
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for value in (PASSPORT, "1971-08-19", "19.08.1971", "TESTBEK EXAMPLEOV"):
        assert value not in dump.getvalue()
    on_disk = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files(settings)}
    assert on_disk.isdisjoint({*ashgabat_photos, *notes})
    event = AccreditationEvent.objects.get(
        participant__conference=ashgabat, reason__contains="misread"
    )
    assert event.reason == "Passport [redacted] misread; born [redacted], fixed."

    record = IdentityShredding.objects.get(conference=ashgabat)
    assert (record.by, record.photos, record.notes_verbales, record.redacted_events) == (
        chief,
        1,
        1,
        1,
    )
    assert record.identity_documents >= 1
    assert (
        sorted(
            Participant.objects.values_list("badge_number", flat=True).exclude(badge_number=None)
        )
        == kept_badges
    )
    for url in (
        "/ashgabat-2019/",
        "/ashgabat-2019/agenda/",
        "/ashgabat-2019/recommendations/",
        "/dushanbe-2019/recommendations/",
        "/dushanbe-2019/documents/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_second_run_changes_nothing(ashgabat, chief):
    shred("--user", "chief")
    assert shred("--user", "chief").startswith("Nothing to shred in ashgabat-2019")
    assert IdentityShredding.objects.filter(conference=ashgabat).count() == 1


def test_a_run_before_the_retention_date_is_refused(ashgabat, chief):
    ashgabat.data_retention_until = dt.date.today() + dt.timedelta(days=30)
    ashgabat.save()
    with pytest.raises(CommandError, match="Only a superuser"):
        shred("--user", UserFactory(username="clerk").username)
    with pytest.raises(CommandError, match="Give the reason"):
        shred("--user", "chief", "--force")
    with pytest.raises(CommandError, match="Give the reason"):
        shred("--user", "chief")
    assert IdentityDocument.objects.filter(passport_number=PASSPORT).exists()
    shred("--user", "chief", "--force", "--reason", "The host government asked for it.")
    record = IdentityShredding.objects.get(conference=ashgabat)
    assert record.forced_reason == "The host government asked for it."
    assert not IdentityDocument.objects.filter(passport_number=PASSPORT).exists()


def test_an_interrupted_run_is_finished_by_the_next(ashgabat, chief, settings, monkeypatch):
    from participants.identity import services

    def crash(**kwargs):
        raise RuntimeError("power cut")

    # The photo files are deleted, then the run dies before the rows are written.
    monkeypatch.setattr(services, "_identity_values_redact", lambda **kw: 0)
    monkeypatch.setattr(services.IdentityShredding.objects, "create", crash)
    with pytest.raises(RuntimeError):
        shred("--user", "chief")
    assert IdentityDocument.objects.filter(passport_number=PASSPORT).exists()
    monkeypatch.undo()
    shred("--user", "chief")
    assert not IdentityDocument.objects.filter(passport_number=PASSPORT).exists()
    assert media_files(settings) == []


def test_the_archive_holds_what_was_erased_and_only_its_owner_reads_it(ashgabat, chief, tmp_path):
    archive = tmp_path / "ashgabat-identity.csv"
    shred("--user", "chief", "--archive", str(archive))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.reader(archive.read_text(encoding="utf-8-sig").splitlines()))
    assert any(PASSPORT in row for row in rows)


def test_the_admin_shows_what_is_held_and_when_it_goes(ashgabat, chief, organizer):
    url = "/admin/participants/conferenceidentitydata/"
    before = organizer.get(url)
    assert before.status_code == 200
    row = next(r for r in before.context["cl"].result_list if r.slug == "ashgabat-2019")
    assert (row.photo_count, row.note_count, row.shredded_at) == (1, 1, None)
    assert row.identity_count >= 1
    assert row.data_retention_until == dt.date(2019, 10, 31)
    shred("--user", "chief")
    after = organizer.get(url)
    row = next(r for r in after.context["cl"].result_list if r.slug == "ashgabat-2019")
    assert (row.identity_count, row.photo_count, row.note_count) == (0, 0, 0)
    assert row.shredded_at is not None
