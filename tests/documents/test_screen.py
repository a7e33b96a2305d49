"""#23 item 3: the facilitator puts the paragraph under negotiation on a session's projector.

The pick is a service (refusals write nothing), the staff page presses it, and the floor's
state (floor.json, the same as the WebSocket's message) carries the paragraph with its
brackets and proposals in the reader's language.
"""

import pytest
from django.urls import reverse

from documents import selectors, services
from documents.enums import AmendmentAction, ParagraphKind
from documents.models import DocumentEvent, ScreenParagraph
from tests.factories import DelegationFactory, OutcomeDocumentFactory, SessionFactory

pytestmark = pytest.mark.django_db

TEXT = "Calls upon all States to combat trafficking."
TEXT_RU = "Призывает все государства бороться с оборотом."


@pytest.fixture
def tabled(officer):
    """A zero draft under negotiation: operative 1 with “combat” held by Kazakhstan, and a
    replacement proposed by Kazakhstan; a public session of the same conference."""
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    paragraph = services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text=TEXT, text_ru=TEXT_RU
    )
    other = services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.")
    kazakhstan = DelegationFactory(conference=document.conference, country="KZ")
    services.bracket_add(
        paragraph=paragraph, words="combat", words_ru="бороться с", holders=[kazakhstan], by=officer
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    services.amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=paragraph,
        delegations=[kazakhstan],
        proposed_text="Calls upon all States to counter trafficking.",
        proposed_text_ru="Призывает все государства противодействовать обороту.",
    )
    session = SessionFactory(conference=document.conference)
    return document, paragraph, other, session


def _floor(client, session, language="en") -> dict:
    url = reverse("agenda:session_floor", args=[session.conference.slug, session.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


def test_the_pick_is_stored_audited_and_idempotent(tabled, officer):
    document, paragraph, other, session = tabled
    before = DocumentEvent.objects.filter(document=document).count()
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=officer)
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=officer)
    shown = ScreenParagraph.objects.get(session=session)
    assert (shown.paragraph_id, shown.picked_by) == (paragraph.pk, officer)
    notes = list(
        DocumentEvent.objects.filter(document=document)
        .order_by("pk")[before:]
        .values_list("note", flat=True)
    )
    assert notes == [f"operative 1 (Zero draft) on the screen of “{session.title}”."]
    services.document_pick_paragraph(paragraph=other, session=session, by=officer)
    assert ScreenParagraph.objects.get(session=session).paragraph_id == other.pk
    services.document_clear_screen(session=session, by=officer)
    services.document_clear_screen(session=session, by=officer)
    assert not ScreenParagraph.objects.exists()
    notes = list(
        DocumentEvent.objects.filter(document=document)
        .order_by("pk")[before:]
        .values_list("note", flat=True)
    )
    assert notes[1:] == [
        f"operative 2 (Zero draft) on the screen of “{session.title}”.",
        f"operative 2 taken off the screen of “{session.title}”.",
    ]


def test_a_session_of_another_conference_is_refused_and_nothing_written(tabled, officer):
    document, paragraph, _other, _session = tabled
    elsewhere = SessionFactory(title="Elsewhere")
    events = DocumentEvent.objects.count()
    with pytest.raises(services.DocumentError) as refusal:
        services.document_pick_paragraph(paragraph=paragraph, session=elsewhere, by=officer)
    assert refusal.value.code == "screen_elsewhere"
    assert str(refusal.value) == (
        f"“Elsewhere” is a session of another conference than “{document.title}”."
    )
    assert not ScreenParagraph.objects.exists()
    assert DocumentEvent.objects.count() == events


def test_floor_json_carries_the_paragraph_in_the_readers_language(tabled, officer, client):
    _document, paragraph, _other, session = tabled
    assert _floor(client, session)["sections"] == {"paragraph": None}
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=officer)
    english = _floor(client, session)["sections"]["paragraph"]
    assert english["paragraph"]["text"] == [
        {"text": "Calls upon all States to ", "bracketed": False, "options": [], "holders": []},
        {"text": "combat", "bracketed": True, "options": [], "holders": ["Kazakhstan"]},
        {"text": " trafficking.", "bracketed": False, "options": [], "holders": []},
    ]
    assert english["paragraph"]["status_label"] == "Bracketed"
    assert english["labels"]["proposals"] == "Proposals"
    [proposal] = english["proposals"]
    assert (proposal["action_label"], proposal["proposed_by"]) == ("Replace", ["Kazakhstan"])
    russian = _floor(client, session, "ru")["sections"]["paragraph"]
    assert russian["paragraph"]["text"][1]["text"] == "бороться с"
    assert russian["paragraph"]["text"][1]["holders"] == ["Казахстан"]
    assert russian["paragraph"]["status_label"] == "В скобках"
    assert russian["proposals"][0]["text"] == (
        "Призывает все государства противодействовать обороту."
    )
    assert russian["labels"]["proposals"] == "Предложения"
    # The floor's own state is still there beside it.
    assert _floor(client, session)["current"] is None
    services.document_clear_screen(session=session, by=officer)
    assert _floor(client, session)["sections"] == {"paragraph": None}


def test_a_change_to_the_paragraph_on_the_screen_reaches_floor_json(officer, client):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    paragraph = services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text=TEXT)
    bracket = services.bracket_add(
        paragraph=paragraph,
        words="combat",
        holders=[DelegationFactory(conference=document.conference, country="KZ")],
        options=[{"text": "counter"}],
        by=officer,
    )
    session = SessionFactory(conference=document.conference)
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=officer)
    assert _floor(client, session)["sections"]["paragraph"]["paragraph"]["text"][1] == {
        "text": "combat",
        "bracketed": True,
        "options": ["counter"],
        "holders": ["Kazakhstan"],
    }
    services.bracket_remove(bracket=bracket, by=officer)
    shown = _floor(client, session)["sections"]["paragraph"]["paragraph"]
    assert shown["text"] == [{"text": TEXT, "bracketed": False, "options": [], "holders": []}]
    assert shown["status_label"] == "Agreed"
    services.paragraph_delete(paragraph=paragraph)
    assert _floor(client, session)["sections"] == {"paragraph": None}


def test_the_payload_reads_in_constant_queries(tabled, django_assert_num_queries):
    _document, paragraph, _other, _session = tabled
    with django_assert_num_queries(8):
        payload = selectors.paragraph_payload(paragraph=paragraph)
    assert payload["paragraph"]["status_label"] == {"en": "Bracketed", "ru": "В скобках"}
    assert payload["proposals"][0]["proposed_by"] == {"en": ["Kazakhstan"], "ru": ["Казахстан"]}


def test_the_staff_page_picks_and_clears(tabled, organizer):
    document, paragraph, _other, session = tabled
    url = reverse("documents:screen", args=[document.conference.slug, document.slug])
    page = organizer.get(url)
    assert page.status_code == 200
    assert "Show on the screen" in page.content.decode()
    assert page.context["session"] == session
    response = organizer.post(url, {"session": session.pk, "paragraph": paragraph.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?session={session.pk}"
    assert ScreenParagraph.objects.get(session=session).paragraph_id == paragraph.pk
    page = organizer.get(f"{url}?session={session.pk}")
    assert "On the screen" in page.content.decode()
    organizer.post(url, {"session": session.pk, "action": "clear"})
    assert not ScreenParagraph.objects.exists()


def test_the_staff_page_refuses_a_paragraph_of_another_document(tabled, organizer, officer):
    document, _paragraph, _other, session = tabled
    stranger = OutcomeDocumentFactory(conference=document.conference)
    zero = services.version_create_zero_draft(document=stranger, by=officer)
    foreign = services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Notes.")
    url = reverse("documents:screen", args=[document.conference.slug, document.slug])
    response = organizer.post(url, {"session": session.pk, "paragraph": foreign.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This paragraph is not in this document."
    ]
    response = organizer.post(url, {"session": "x", "paragraph": foreign.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Choose the session whose screen shows the paragraph."
    ]
    assert not ScreenParagraph.objects.exists()


def test_the_session_on_the_floor_is_the_default(tabled, organizer):
    from sessions.services import speakers_list_next
    from tests.factories import StatementFactory

    document, _paragraph, _other, first = tabled
    running = SessionFactory(conference=document.conference, title="Running")
    StatementFactory(session=running, order=1, speaker__delegation__country="TJ")
    speakers_list_next(session=running, seen_current_id=None, by=None)
    url = reverse("documents:screen", args=[document.conference.slug, document.slug])
    assert organizer.get(url).context["session"] == running
    assert organizer.get(f"{url}?session={first.pk}").context["session"] == first
    assert organizer.get(f"{url}?session=%00").context["session"] == running


def test_the_staff_page_reads_in_constant_queries(
    tabled, organizer, officer, django_assert_max_num_queries
):
    document, paragraph, _other, session = tabled
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=officer)
    url = reverse("documents:screen", args=[document.conference.slug, document.slug])
    with django_assert_max_num_queries(30) as few:
        assert organizer.get(url).status_code == 200
    version = paragraph.version
    services.version_create_revision(document=document, by=officer)
    revision = document.versions.order_by("-sequence").first()
    assert revision != version
    for _index in range(10):
        services.paragraph_add(version=revision, kind=ParagraphKind.OPERATIVE, text="Notes.")
    SessionFactory.create_batch(3, conference=document.conference)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = organizer.get(url)
    assert len(page.context["paragraphs"]) == 12
    assert len(page.context["sessions"]) == 4
