"""Issue 14: long texts. Adding a paragraph costs the same at any length; the admin edits
a version of hundreds of paragraphs a page at a time; a pasted text becomes paragraphs."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.enums import ParagraphKind
from documents.models import Paragraph
from tests.factories import OutcomeDocumentFactory

pytestmark = pytest.mark.django_db


def working_version(paragraphs: int):
    """A zero draft of ``paragraphs`` operative paragraphs after ten preambular ones."""
    document = OutcomeDocumentFactory()
    version = services.version_create_zero_draft(document=document, by=None)
    Paragraph.objects.bulk_create(
        Paragraph(
            version=version,
            position=n,
            kind=ParagraphKind.PREAMBULAR if n <= 10 else ParagraphKind.OPERATIVE,
            text=f"Paragraph {n}.",
        )
        for n in range(1, paragraphs + 1)
    )
    services.version_renumber(version=version)
    return version


def numbers(version) -> list[tuple[int, str, str]]:
    return list(version.paragraphs.order_by("position").values_list("position", "number", "text"))


def _queries_to_add(paragraphs: int) -> int:
    version = working_version(paragraphs)
    with CaptureQueriesContext(connection) as queries:
        services.paragraph_add(version=version, kind=ParagraphKind.OPERATIVE, text="Decides.")
    assert numbers(version)[-1] == (paragraphs + 1, str(paragraphs - 9), "Decides.")
    return len(queries)


def test_adding_a_paragraph_runs_the_same_queries_at_any_length():
    assert _queries_to_add(20) == _queries_to_add(400)


def test_inserting_in_the_middle_renumbers_what_follows():
    version = working_version(12)
    after = version.paragraphs.get(position=11)
    services.paragraph_add(version=version, kind=ParagraphKind.OPERATIVE, text="New.", after=after)
    assert numbers(version)[10:] == [
        (11, "1", "Paragraph 11."),
        (12, "2", "New."),
        (13, "3", "Paragraph 12."),
    ]
    services.paragraph_delete(paragraph=version.paragraphs.get(position=11))
    assert numbers(version)[10:] == [(11, "1", "New."), (12, "2", "Paragraph 12.")]


def _form_data(html: str) -> dict:
    """What a browser posts back from the change form, unchanged."""
    (form,) = lxml.html.fromstring(html).xpath('//form[@id="documentversion_form"]')
    return dict(form.form_values())


def test_a_version_of_300_paragraphs_is_edited_and_saved_through_the_admin(organizer):
    version = working_version(300)
    url = reverse("admin:documents_documentversion_change", args=[version.pk])
    page = organizer.get(url, {"paragraphs": 3})
    assert page.status_code == 200
    data = _form_data(page.content.decode())
    assert data["paragraphs-INITIAL_FORMS"] == "100"
    (index,) = [k.split("-")[1] for k, v in data.items() if v.strip() == "Paragraph 250."]
    data[f"paragraphs-{index}-text_en"] = "Requests a report."
    response = organizer.post(f"{url}?paragraphs=3", data)
    assert response.status_code == 302
    assert numbers(version)[249] == (250, "240", "Requests a report.")
    assert version.paragraphs.count() == 300
    first_page = organizer.get(url)
    assert first_page.status_code == 200
    assert 'href="?paragraphs=3"' in first_page.content.decode()


def test_an_unusable_page_of_paragraphs_shows_the_first():
    version = working_version(3)
    request = type("Request", (), {"GET": {"paragraphs": "x\u0661"}})()
    from documents.admin import paragraph_page

    assert paragraph_page(request) == 1
    assert version.paragraphs.count() == 3


PASTED = """Recalling its resolution 70/1,

(b) Concerned by the [illicit] trafficking of drugs,
which finances terrorism,

1. Welcomes the consultations;

2) Requests a report.
Decides to remain seized of the matter.
"""


def test_a_pasted_text_becomes_numbered_paragraphs(organizer):
    version = working_version(2)
    url = reverse("admin:documents_version_paste", args=[version.pk])
    assert organizer.get(url).status_code == 200
    response = organizer.post(url, {"text": PASTED})
    assert response.status_code == 302
    assert list(
        version.paragraphs.order_by("position").values_list(
            "number", "kind", "is_bracketed", "text"
        )
    ) == [
        ("a", "preambular", False, "Recalling its resolution 70/1,"),
        (
            "b",
            "preambular",
            True,
            "Concerned by the [illicit] trafficking of drugs, which finances terrorism,",
        ),
        ("1", "operative", False, "Welcomes the consultations;"),
        ("2", "operative", False, "Requests a report. Decides to remain seized of the matter."),
    ]


def test_pasting_nothing_is_refused_with_a_message(organizer):
    version = working_version(2)
    url = reverse("admin:documents_version_paste", args=[version.pk])
    response = organizer.post(url, {"text": "\n\n  \n"})
    assert response.status_code == 200
    assert version.paragraphs.count() == 2
