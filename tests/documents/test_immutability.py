"""An issued version and its paragraphs never change: not through services, models or admin."""

import pytest
from django.urls import reverse

from documents import services
from documents.enums import ParagraphKind
from documents.models import DocumentVersion, IssuedVersionError, Paragraph
from tests.factories import OutcomeDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(officer):
    """A circulated zero draft of two paragraphs."""
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.")
    services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Decides.")
    services.document_circulate_zero_draft(document=document, by=officer)
    zero.refresh_from_db()
    return zero


def snapshot(version):
    version.refresh_from_db()
    rows = list(
        version.paragraphs.values_list("position", "number", "kind", "text", "is_bracketed")
    )
    return version.label, version.issued_at, rows


@pytest.mark.parametrize(
    "change",
    [
        lambda v, p, u: services.paragraph_edit(
            paragraph=p, text="Rewritten.", kind=p.kind, is_bracketed=False
        ),
        lambda v, p, u: services.paragraph_add(version=v, kind=ParagraphKind.OPERATIVE, text="X."),
        lambda v, p, u: services.paragraph_add(
            version=v, kind=ParagraphKind.OPERATIVE, text="X.", after=p
        ),
        lambda v, p, u: services.paragraph_delete(paragraph=p),
        lambda v, p, u: services.version_issue(version=v, by=u),
        lambda v, p, u: services.version_renumber(version=v),
    ],
    ids=["edit", "add", "insert", "delete", "reissue", "renumber"],
)
def test_services_refuse_to_change_an_issued_version(issued, officer, change):
    before = snapshot(issued)
    with pytest.raises(services.DocumentError) as refused:
        change(issued, issued.paragraphs.first(), officer)
    assert refused.value.code == "version_issued"
    assert str(refused.value).startswith("Zero draft was issued on ")
    assert snapshot(issued) == before


def test_models_refuse_to_save_or_delete_issued_rows(issued):
    before = snapshot(issued)
    paragraph = issued.paragraphs.first()
    paragraph.text = "Rewritten."
    with pytest.raises(IssuedVersionError):
        paragraph.save()
    with pytest.raises(IssuedVersionError):
        paragraph.delete()
    with pytest.raises(IssuedVersionError):
        Paragraph(version=issued, position=9, kind=ParagraphKind.OPERATIVE, text="New.").save()
    version = DocumentVersion.objects.get(pk=issued.pk)
    version.label = "Renamed"
    with pytest.raises(IssuedVersionError):
        version.save()
    with pytest.raises(IssuedVersionError):
        version.delete()
    # Nor can a paragraph be moved out of an issued version into a working one.
    services.document_open_negotiation(document=issued.document, by=None)
    rev1 = services.version_create_revision(document=issued.document, by=None)
    moved = issued.paragraphs.first()
    moved.version = rev1
    moved.position = 99
    with pytest.raises(IssuedVersionError):
        moved.save()
    assert snapshot(issued) == before


def version_url(version, view="change"):
    return reverse(f"admin:documents_documentversion_{view}", args=[version.pk])


def test_admin_shows_an_issued_version_read_only(organizer, issued):
    response = organizer.get(version_url(issued))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="paragraphs-0-text_en"' not in html
    (paragraphs,) = response.context["inline_admin_formsets"]
    assert (paragraphs.has_add_permission, paragraphs.has_change_permission) == (False, False)
    assert paragraphs.has_delete_permission is False
    assert "Rewritten" not in html and "Welcomes." in html
    assert "Issue this version" not in html
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]


def test_admin_refuses_posts_that_would_change_an_issued_version(organizer, issued):
    before = snapshot(issued)
    first, second = issued.paragraphs.all()
    data = {
        "paragraphs-TOTAL_FORMS": "3",
        "paragraphs-INITIAL_FORMS": "2",
        "paragraphs-0-id": first.pk,
        "paragraphs-0-version": issued.pk,
        "paragraphs-0-kind": "operative",
        "paragraphs-0-text_en": "Rewritten.",
        "paragraphs-1-id": second.pk,
        "paragraphs-1-version": issued.pk,
        "paragraphs-1-kind": "operative",
        "paragraphs-1-text_en": "Decides.",
        "paragraphs-1-DELETE": "on",
        "paragraphs-2-version": issued.pk,
        "paragraphs-2-kind": "operative",
        "paragraphs-2-text_en": "Added.",
    }
    assert organizer.post(version_url(issued), data).status_code == 403
    assert organizer.post(version_url(issued, "delete"), {"post": "yes"}).status_code == 403
    assert (
        organizer.post(reverse("admin:documents_version_issue", args=[issued.pk])).status_code
        == 403
    )
    paragraph_url = reverse("admin:documents_paragraph_change", args=[first.pk])
    assert organizer.post(paragraph_url, {"text": "Rewritten."}).status_code == 403
    delete_url = reverse("admin:documents_paragraph_delete", args=[first.pk])
    assert organizer.post(delete_url, {"post": "yes"}).status_code == 403
    document_delete = reverse("admin:documents_outcomedocument_delete", args=[issued.document_id])
    assert organizer.post(document_delete, {"post": "yes"}).status_code == 403
    assert snapshot(issued) == before


def test_admin_edits_a_working_revision_through_the_services(organizer, issued):
    services.document_open_negotiation(document=issued.document, by=None)
    rev1 = services.version_create_revision(document=issued.document, by=None)
    first, second = rev1.paragraphs.all()
    data = {
        "paragraphs-TOTAL_FORMS": "3",
        "paragraphs-INITIAL_FORMS": "2",
        "paragraphs-MIN_NUM_FORMS": "0",
        "paragraphs-MAX_NUM_FORMS": "1000",
        "paragraphs-0-id": first.pk,
        "paragraphs-0-version": rev1.pk,
        "paragraphs-0-kind": "preambular",
        "paragraphs-0-text_en": "Welcoming the consultations.",
        "paragraphs-1-id": second.pk,
        "paragraphs-1-version": rev1.pk,
        "paragraphs-1-kind": "operative",
        "paragraphs-1-text_en": "Decides.",
        "paragraphs-1-is_bracketed": "on",
        "paragraphs-2-version": rev1.pk,
        "paragraphs-2-kind": "operative",
        "paragraphs-2-text_en": "Requests a report.",
    }
    response = organizer.post(version_url(rev1), data)
    assert response.status_code == 302
    assert snapshot(rev1)[2] == [
        (1, "a", "preambular", "Welcoming the consultations.", False),
        (2, "1", "operative", "Decides.", True),
        (3, "2", "operative", "Requests a report.", False),
    ]
    # English only: issuing asks to confirm the incomplete translation (#21 item 13).
    response = organizer.post(
        reverse("admin:documents_version_issue", args=[rev1.pk]),
        {"confirm_incomplete_translation": "on"},
    )
    assert response.status_code == 302
    rev1.refresh_from_db()
    assert rev1.is_issued
    assert organizer.post(version_url(rev1), data).status_code == 403
