"""Issue 10, item 10: identity files are served only through views that check permissions."""

import importlib
import re

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

import conference.urls
from participants.accreditation import services
from participants.models import Delegation, IdentityAccessLog
from tests.auth import sign_in
from tests.factories import DelegationFactory, IdentityDocumentFactory, UserFactory
from tests.participants.conftest import image_upload, member_data
from tests.participants.note_pdfs import clean_pdf

pytestmark = pytest.mark.django_db

PDF = clean_pdf()


def _reload_urls():
    importlib.reload(conference.urls)
    clear_url_caches()


@pytest.fixture(params=[True, False], ids=["debug-on", "debug-off"])
def debug_mode(request, settings):
    """The URLs as the settings module builds them with DEBUG on and off."""
    settings.DEBUG = request.param
    _reload_urls()
    yield request.param
    settings.DEBUG = False
    _reload_urls()


@pytest.fixture
def files(db):
    delegation = DelegationFactory(country="KZ")
    delegation = services.delegation_upload_note_verbale(
        delegation=delegation,
        file=SimpleUploadedFile("Note to MFA Kazakhstan.pdf", PDF),
        reference="No. 1",
        date="2019-04-20",
    )
    document = IdentityDocumentFactory(participant__delegation=delegation)
    document.photo.save("photo.jpg", ContentFile(image_upload().read()))
    return delegation, document


def file_urls(delegation, document) -> list[str]:
    return [
        reverse("admin:participants_delegation_note_verbale", args=[delegation.pk]),
        reverse("admin:participants_participant_photo", args=[document.participant_id]),
    ]


def test_nothing_under_media_answers_in_either_mode(debug_mode, files, client, organizer):
    delegation, document = files
    for name in (delegation.nomination_file.name, document.photo.name):
        assert client.get(f"/media/{name}").status_code == 404
        assert organizer.get(f"/media/{name}").status_code == 404


def test_an_anonymous_visitor_gets_no_file_in_either_mode(debug_mode, files, client):
    for url in file_urls(*files):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert IdentityAccessLog.objects.count() == 0


def test_the_organizer_opens_the_note_verbale_from_the_delegation_page(files, organizer):
    delegation, _document = files
    page = organizer.get(reverse("admin:participants_delegation_change", args=[delegation.pk]))
    link = lxml.html.fromstring(page.content.decode()).xpath(
        '//div[contains(@class, "field-nomination_file")]//a'
    )[0]
    assert link.get("href") == f"/admin/participants/delegation/{delegation.pk}/note-verbale/"
    response = organizer.get(link.get("href"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.kind, log.participant, log.export) == (
        organizer.user,
        "file",
        None,
        "note verbale: Kazakhstan",
    )


def test_the_organizer_opens_the_photo_from_the_participant_page(files, organizer):
    _delegation, document = files
    page = organizer.get(
        reverse("admin:participants_participant_change", args=[document.participant_id])
    )
    link = lxml.html.fromstring(page.content.decode()).xpath(
        '//div[contains(@class, "field-photo")]//a'
    )[0]
    assert link.get("href") == f"/admin/participants/participant/{document.participant_id}/photo/"
    response = organizer.get(link.get("href"))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    kinds = sorted(IdentityAccessLog.objects.values_list("kind", "export"))
    assert kinds == [("file", "photo"), ("view", "")]


def _staff(client, *codenames):
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    sign_in(client, user)
    return client


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        ((), [False, False]),
        # A note verbale identifies the delegation's members: identity data too.
        (("view_delegation",), [False, False]),
        (("view_delegation", "view_identity_document"), [True, False]),
        (("view_participant",), [False, False]),
        (("view_participant", "view_identity_document"), [False, True]),
    ],
)
def test_each_file_needs_its_permission(files, client, codenames, allowed):
    staff = _staff(client, *codenames)
    statuses = []
    for url in file_urls(*files):
        response = staff.get(url)
        statuses.append(response.status_code)
        if response.streaming:
            # Read to the end, as a server would: the test client closes the file after it.
            b"".join(response.streaming_content)
    assert statuses == [200 if ok else 403 for ok in allowed]


def test_notes_verbales_get_random_names_and_are_checked_by_content(portal):
    def send(upload):
        return portal.client.post(
            portal.url("note_verbale"),
            {
                "nomination_reference": "No. 12/345",
                "nomination_date": "2019-04-20",
                "nomination_file": upload,
            },
        )

    response = send(SimpleUploadedFile("note.pdf", b"MZ\x90\x00 a program", "application/pdf"))
    assert response.context["form"].errors["nomination_file"] == [
        "The note verbale must be a PDF, JPEG or PNG file; this file is none of them."
    ]
    assert send(SimpleUploadedFile("Note KZ 2019.pdf", PDF, "application/pdf")).status_code == 302
    name = Delegation.objects.get(pk=portal.delegation.pk).nomination_file.name
    assert re.fullmatch(r"notes_verbales/[0-9a-f]{32}\.pdf", name)


def test_a_fake_note_verbale_is_refused_in_the_admin_too(files, organizer):
    delegation, _document = files
    with pytest.raises(Exception) as excinfo:
        delegation.nomination_file = SimpleUploadedFile("scan.png", b"<html>", "image/png")
        delegation.full_clean()
    assert excinfo.value.message_dict == {
        "nomination_file": [
            "The note verbale must be a PDF, JPEG or PNG file; this file is none of them."
        ]
    }


def test_a_replaced_note_verbale_is_deleted_from_disk(files, django_capture_on_commit_callbacks):
    delegation, _document = files
    old = delegation.nomination_file.path
    with django_capture_on_commit_callbacks(execute=True):
        delegation = services.delegation_upload_note_verbale(
            delegation=delegation,
            file=SimpleUploadedFile("new.pdf", PDF),
            reference="No. 2",
            date="2019-04-21",
        )
    assert delegation.nomination_file.storage.exists(delegation.nomination_file.name)
    assert not delegation.nomination_file.storage.exists(old)


def test_a_replaced_photo_is_deleted_from_disk(portal, django_capture_on_commit_callbacks):
    portal.nominate()
    document = portal.delegation.members.get().identity
    old = document.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.client.post(
            portal.url("member_edit", pk=document.participant_id),
            member_data(photo=image_upload("new.png", "PNG")),
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.photo.name != old and document.photo.name.endswith(".png")
    assert document.photo.storage.exists(document.photo.name)
    assert not document.photo.storage.exists(old)


def test_a_photo_thumbnail_is_logged_as_an_identity_access(files, organizer):
    _delegation, document = files
    response = organizer.get(reverse("desk:photo", args=[document.participant_id]))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.kind, log.participant_id, log.export) == (
        organizer.user,
        "file",
        document.participant_id,
        "photo thumbnail",
    )


def test_the_admin_s_photo_replacement_goes_through_the_service_and_deletes_the_old_file(
    files, organizer, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.admin_forms import change_form_data

    _delegation, document = files
    old = document.photo.name
    saved = []
    real = services.identity_document_save

    def watched(**kwargs):
        saved.append(kwargs["document"].pk)
        return real(**kwargs)

    monkeypatch.setattr(services, "identity_document_save", watched)
    url = reverse("admin:participants_participant_change", args=[document.participant_id])
    data = change_form_data(organizer, url)
    data["identity-0-photo"] = [image_upload("new.png", "PNG")]
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert saved == [document.pk]
    document.refresh_from_db()
    assert document.photo.name != old
    assert document.photo.storage.exists(document.photo.name)
    assert not document.photo.storage.exists(old)


def test_saving_a_row_itself_deletes_no_file(files, django_capture_on_commit_callbacks):
    """The model's save() has no side effect on storage: replacing a file is a service's."""
    delegation, document = files
    old_note, old_photo = delegation.nomination_file.name, document.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        delegation.nomination_file = SimpleUploadedFile("other.pdf", PDF)
        delegation.save()
        document.photo = ContentFile(image_upload().read(), name="other.jpg")
        document.save()
    assert delegation.nomination_file.storage.exists(old_note)
    assert document.photo.storage.exists(old_photo)
