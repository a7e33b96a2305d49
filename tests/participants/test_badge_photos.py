"""Issue 26 item 3: a badge photo is decoded and scaled once, kept at print size, embedded as
it is; a new photo makes a new copy, and the copy goes wherever the photo goes."""

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from participants.accreditation import services
from participants.badging import printing as badges
from participants.models import IdentityDocument, Participant
from tests.factories import IdentityDocumentFactory
from tests.participants.conftest import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def rahmon(demo_db, db):
    participant = Participant.objects.select_related("conference").get(family_name="Rahmon")
    IdentityDocument.objects.filter(participant=participant).delete()
    document = IdentityDocumentFactory(participant=participant)
    document.photo.save("face.jpg", image_upload(size=(600, 800)))
    return participant


@pytest.fixture
def decodings(monkeypatch):
    """How many times an original photo was decoded for a badge."""
    calls = []
    original = badges._print_size_jpeg

    def spy(document):
        calls.append(document.pk)
        return original(document)

    monkeypatch.setattr(badges, "_print_size_jpeg", spy)
    return calls


def _print(participant) -> PdfReader:
    participant = Participant.objects.select_related("conference").get(pk=participant.pk)
    badge = participant.issued_badges.get(voided_at__isnull=True)
    output = io.BytesIO()
    badges.render_badges(
        [badge], conference=participant.conference, layout=badges.Layout.CARDS, output=output
    )
    return PdfReader(io.BytesIO(output.getvalue()))


def _photo_of(reader: PdfReader):
    (photo,) = [
        image for image in reader.pages[0].images if image.image.width != image.image.height
    ]
    return photo


def test_the_photo_is_decoded_once_and_embedded_at_print_size_as_a_jpeg(rahmon, decodings):
    first = _print(rahmon)
    document = IdentityDocument.objects.get(participant=rahmon)
    assert decodings == [document.pk]
    assert document.badge_photo.name.startswith("photos/print/")
    with document.badge_photo.open("rb") as stored:
        kept = stored.read()
    photo = _photo_of(first)
    # The kept JPEG itself, not a re-encoded bitmap.
    assert photo.data == kept
    assert Image.open(io.BytesIO(kept)).size == badges.PHOTO_PIXELS == (248, 331)

    second = _print(IdentityDocument.objects.get(pk=document.pk).participant)
    assert decodings == [document.pk]  # not decoded again
    assert _photo_of(second).data == kept


def test_a_new_photo_makes_a_new_print_copy_and_the_old_one_is_deleted(
    rahmon, decodings, settings, django_capture_on_commit_callbacks
):
    _print(rahmon)
    document = IdentityDocument.objects.get(participant=rahmon)
    old_copy = Path(settings.MEDIA_ROOT) / document.badge_photo.name
    assert old_copy.exists()
    with django_capture_on_commit_callbacks(execute=True):
        document.photo = image_upload("new.jpg", size=(450, 600))
        services.identity_document_save(document=document)
    document.refresh_from_db()
    assert document.badge_photo.name == ""
    assert not old_copy.exists()
    _print(rahmon)
    document.refresh_from_db()
    assert document.badge_photo_is_current
    assert len(decodings) == 2


def test_the_print_copy_goes_with_the_identity_document(
    rahmon, settings, django_capture_on_commit_callbacks
):
    _print(rahmon)
    document = IdentityDocument.objects.get(participant=rahmon)
    files = [
        Path(settings.MEDIA_ROOT) / name
        for name in (document.photo.name, document.badge_photo.name)
    ]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert not any(path.exists() for path in files)


def test_a_photo_that_cannot_be_read_prints_the_empty_box(rahmon, settings):
    document = IdentityDocument.objects.get(participant=rahmon)
    (Path(settings.MEDIA_ROOT) / document.photo.name).write_bytes(b"not an image")
    page = _print(rahmon).pages[0]
    assert "No photo" in page.extract_text()
    document.refresh_from_db()
    assert document.badge_photo.name == ""


def test_a_batch_that_fails_keeps_no_print_copy(rahmon, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(badges, "_draw_qr", broken)
    with pytest.raises(RuntimeError):
        _print(rahmon)
    document = IdentityDocument.objects.get(participant=rahmon)
    assert document.badge_photo.name == ""
    assert not list((Path(settings.MEDIA_ROOT) / "photos" / "print").glob("*"))
