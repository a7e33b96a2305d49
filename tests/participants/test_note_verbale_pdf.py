"""Issue 21, item 3: a note verbale PDF with JavaScript, launch actions or attachments is refused.

Refused, never re-written (conference/pdf_check.py says why); the message names the reason.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from participants.models import Delegation
from tests.factories import DelegationFactory
from tests.participants import note_pdfs as pdfs

pytestmark = pytest.mark.django_db

ADVICE = (
    " Notes verbales are opened on the organizers' computers, so a PDF may not run scripts, "
    "start programs or carry other files. Export or scan the note to a plain PDF, or send it "
    "as a JPEG or PNG image."
)
JAVASCRIPT = "This PDF is refused because it contains JavaScript." + ADVICE


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (pdfs.document_javascript_pdf, JAVASCRIPT),
        (pdfs.javascript_open_action_pdf, JAVASCRIPT),
        (pdfs.link_annotation_javascript_pdf, JAVASCRIPT),
        (pdfs.escaped_name_javascript_pdf, JAVASCRIPT),
        (
            pdfs.launch_pdf,
            "This PDF is refused because it contains an action that launches a program or "
            "opens a file." + ADVICE,
        ),
        (
            pdfs.attachment_pdf,
            "This PDF is refused because it carries embedded (attached) files." + ADVICE,
        ),
        (
            pdfs.encrypted_pdf,
            "This PDF is refused because it is protected by a password, so it cannot be "
            "checked." + ADVICE,
        ),
        (
            lambda: b"%PDF-1.4 and then nothing a reader could use",
            "This PDF is refused because it is damaged or not a PDF that can be read, so it "
            "cannot be checked." + ADVICE,
        ),
    ],
    ids=[
        "document-js",
        "open-action-js",
        "annotation-js",
        "hex-escaped-js",
        "launch",
        "attachment",
        "encrypted",
        "damaged",
    ],
)
def test_an_active_pdf_is_refused_saying_why(build, message):
    delegation = DelegationFactory()
    delegation.nomination_file = SimpleUploadedFile("note.pdf", build(), "application/pdf")
    with pytest.raises(ValidationError) as refused:
        delegation.full_clean()
    assert refused.value.message_dict == {"nomination_file": [message]}


def test_a_plain_pdf_is_accepted():
    delegation = DelegationFactory()
    delegation.nomination_file = SimpleUploadedFile("note.pdf", pdfs.clean_pdf(), "application/pdf")
    delegation.full_clean()


def test_the_portal_refuses_a_pdf_with_javascript_and_keeps_nothing(portal):
    response = portal.client.post(
        portal.url("note_verbale"),
        {
            "nomination_reference": "No. 12/345",
            "nomination_date": "2019-04-20",
            "nomination_file": SimpleUploadedFile(
                "note.pdf", pdfs.javascript_open_action_pdf(), "application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["nomination_file"] == [JAVASCRIPT]
    stored = Delegation.objects.get(pk=portal.delegation.pk)
    assert (stored.nomination_file.name, stored.nomination_reference) == ("", "")
