"""Brackets inside a paragraph: spans with their holders, options, statuses; refusals; the
admin's round-trip; the rendering on the version page, the public page and the PDF."""

import io

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from documents import brackets, printing, selectors, services
from documents.enums import DocumentStatus, ParagraphKind, ParagraphStatus
from documents.models import Bracket, BracketOption, DocumentEvent, Paragraph
from tests.factories import ConferenceFactory, DelegationFactory, OutcomeDocumentFactory

pytestmark = pytest.mark.django_db

EN = "Calls upon all States to combat illicit drug trafficking and organized crime."
RU = "Призывает все государства бороться с незаконным оборотом наркотиков и оргпреступностью."


@pytest.fixture
def draft(officer):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    paragraph = services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text=EN, text_ru=RU
    )
    kazakhstan = DelegationFactory(conference=document.conference, country="KZ")
    germany = DelegationFactory(conference=document.conference, country="DE")
    return paragraph, kazakhstan, germany


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_bracket_with_holders_and_options_renders_in_both_languages(draft, officer):
    paragraph, kazakhstan, germany = draft
    bracket = services.bracket_add(
        paragraph=paragraph,
        words="combat",
        words_ru="бороться с",
        holders=[kazakhstan, germany],
        options=[{"text": "counter", "text_ru": "противодействовать"}],
        by=officer,
    )
    assert (bracket.start, bracket.end, bracket.start_ru, bracket.end_ru) == (25, 31, 26, 36)
    paragraph.refresh_from_db()
    assert paragraph.status == ParagraphStatus.BRACKETED
    [loaded] = selectors.version_paragraphs(version=paragraph.version)
    english = brackets.segments(loaded, "en")
    assert [(s.text, s.bracketed, s.options, s.holders) for s in english] == [
        ("Calls upon all States to ", False, (), ()),
        ("combat", True, ("counter",), ("Germany", "Kazakhstan")),
        (" illicit drug trafficking and organized crime.", False, (), ()),
    ]
    russian = brackets.segments(loaded, "ru")
    assert russian[1].text == "бороться с"
    assert russian[1].options == ("противодействовать",)
    assert russian[1].holders == ("Германия", "Казахстан")
    assert printing.negotiated_markup(loaded, "en") == (
        "Calls upon all States to [Option 1: combat] [Option 2: counter]"
        '<super><font size="6">Germany, Kazakhstan</font></super>'
        " illicit drug trafficking and organized crime."
    )
    with translation.override("ru"):
        assert printing.negotiated_markup(loaded, "ru").startswith(
            "Призывает все государства [Вариант 1: бороться с] [Вариант 2: противодействовать]"
            '<super><font size="6">Германия, Казахстан</font></super>'
        )
    assert "bracketed, held by Kazakhstan, Germany" in DocumentEvent.objects.last().note


@pytest.mark.parametrize(
    ("words", "holders", "code"),
    [
        ("combat", [], "no_holder"),
        ("defeat", ["kz"], "bracket_words_missing"),
        ("to combat", ["kz"], "bracket_span"),  # overlaps the bracket on “combat illicit”
        ("combat illicit", ["foreign"], "foreign_delegation"),
    ],
)
def test_refusals_write_nothing(draft, officer, words, holders, code):
    paragraph, kazakhstan, _germany = draft
    services.bracket_add(
        paragraph=paragraph, words="combat illicit", holders=[kazakhstan], by=officer
    )
    foreign = DelegationFactory(conference=ConferenceFactory(), country="KZ")
    chosen = [{"kz": kazakhstan, "foreign": foreign}[h] for h in holders]
    with pytest.raises(services.DocumentError) as refused:
        services.bracket_add(paragraph=paragraph, words=words, holders=chosen, by=officer)
    assert refused.value.code == code
    assert Bracket.objects.count() == 1


def test_an_option_is_always_inside_a_bracket(draft, officer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BracketOption.objects.create(bracket=None, position=2, text_en="counter")


def test_lifting_the_last_bracket_is_audited_and_sets_the_status(draft, officer):
    paragraph, kazakhstan, germany = draft
    first = services.bracket_add(
        paragraph=paragraph, words="combat", holders=[kazakhstan], by=officer
    )
    second = services.bracket_add(
        paragraph=paragraph, words="organized crime", holders=[germany], by=officer
    )
    services.bracket_remove(bracket=first, by=officer)
    assert Paragraph.objects.get(pk=paragraph.pk).status == ParagraphStatus.BRACKETED
    with pytest.raises(services.DocumentError) as refused:
        services.bracket_remove(bracket=second, by=officer, status=ParagraphStatus.AD_REFERENDUM)
    assert refused.value.code == "no_holder"
    assert Bracket.objects.filter(pk=second.pk).exists()
    services.bracket_remove(
        bracket=second, by=officer, status=ParagraphStatus.AD_REFERENDUM, confirm_by=[germany]
    )
    paragraph = Paragraph.objects.get(pk=paragraph.pk)
    assert paragraph.status == ParagraphStatus.AD_REFERENDUM
    assert list(paragraph.ad_referendum_by.all()) == [germany]
    assert DocumentEvent.objects.last().note == (
        "operative 1: bracket “organized crime” lifted. No bracket remains: agreed ad referendum."
    )


def test_editing_the_text_keeps_brackets_on_their_words_or_refuses(draft, officer):
    paragraph, kazakhstan, _germany = draft
    bracket = services.bracket_add(
        paragraph=paragraph, words="organized crime", holders=[kazakhstan], by=officer
    )
    services.paragraph_edit(
        paragraph=paragraph,
        kind=paragraph.kind,
        is_bracketed=False,
        text="Urges States to combat illicit drug trafficking and organized crime.",
        text_ru=RU,
    )
    bracket.refresh_from_db()
    assert bracket.words() == "organized crime"
    with pytest.raises(services.DocumentError) as refused:
        services.paragraph_edit(
            paragraph=paragraph, kind=paragraph.kind, is_bracketed=False, text="Urges.", text_ru=RU
        )
    assert refused.value.code == "bracket_words_gone"
    assert Paragraph.objects.get(pk=paragraph.pk).text_en.startswith("Urges States")


def test_a_revision_carries_the_brackets_with_their_holders_and_options(draft, officer):
    paragraph, kazakhstan, germany = draft
    services.bracket_add(
        paragraph=paragraph,
        words="combat",
        holders=[kazakhstan, germany],
        options=[{"text": "counter"}],
        by=officer,
    )
    document = paragraph.version.document
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    rev1 = services.version_create_revision(document=document, by=officer)
    [copy] = selectors.version_paragraphs(version=rev1)
    [segment] = [s for s in brackets.segments(copy, "en") if s.bracketed]
    assert (segment.text, segment.options, segment.holders) == (
        "combat",
        ("counter",),
        ("Germany", "Kazakhstan"),
    )
    assert copy.status == ParagraphStatus.BRACKETED


def test_admin_round_trip_and_version_page_and_pdf(organizer, draft):
    paragraph, kazakhstan, germany = draft
    url = reverse("admin:documents_paragraph_bracket", args=[paragraph.pk])
    response = organizer.post(
        url,
        {
            "words": "combat",
            "words_ru": "бороться с",
            "holders": [kazakhstan.pk, germany.pk],
            "options": "counter",
            "options_ru": "противодействовать",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    bracket = Bracket.objects.get()
    assert bracket.words("ru") == "бороться с"
    assert [o.text_en for o in bracket.options.all()] == ["counter"]
    change = organizer.get(reverse("admin:documents_bracket_change", args=[bracket.pk]))
    form = change.context["form"]
    assert set(form.initial["holders"]) == {kazakhstan, germany}
    assert (form.initial["options"], form.initial["options_ru"]) == (
        "counter",
        "противодействовать",
    )
    # Saving the form back unchanged keeps every value.
    organizer.post(
        reverse("admin:documents_bracket_change", args=[bracket.pk]),
        {
            "holders": [kazakhstan.pk, germany.pk],
            "options": "counter",
            "options_ru": "противодействовать",
        },
    )
    assert [o.text_ru for o in Bracket.objects.get().options.all()] == ["противодействовать"]
    page = organizer.get(
        reverse("admin:documents_documentversion_change", args=[paragraph.version_id])
    )
    html = lxml.html.fromstring(page.content.decode())
    [english] = html.xpath(f'//tr[@id="negotiated-{paragraph.pk}"]/td[@lang="en"]')
    assert " ".join(english.text_content().split()) == (
        "Calls upon all States to [Option 1: combat] [Option 2: counter]Germany, Kazakhstan "
        "illicit drug trafficking and organized crime."
    )
    [russian] = html.xpath(
        f'//tr[@id="negotiated-{paragraph.pk}"]/td[@lang="ru"]//small[@class="bracket-holders"]'
    )
    assert russian.text_content() == "Германия, Казахстан"
    for language, expected in (("en", "[Option 1: combat]"), ("ru", "[Вариант 1: бороться с]")):
        pdf = organizer.get(
            reverse("admin:documents_version_pdf", args=[paragraph.version_id, language])
        )
        assert pdf["Content-Type"] == "application/pdf"
        assert expected in pdf_text(pdf.content)


def test_version_page_queries_do_not_grow_with_brackets(
    organizer, draft, django_assert_max_num_queries
):
    paragraph, kazakhstan, germany = draft
    url = reverse("admin:documents_documentversion_change", args=[paragraph.version_id])
    services.bracket_add(paragraph=paragraph, words="combat", holders=[kazakhstan], by=None)
    organizer.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        organizer.get(url)
    for index in range(5):
        extra = services.paragraph_add(
            version=paragraph.version, kind=ParagraphKind.OPERATIVE, text=f"Further text {index}."
        )
        services.bracket_add(
            paragraph=extra,
            words="text",
            holders=[kazakhstan, germany],
            options=[{"text": "words"}],
            by=None,
        )
    with CaptureQueriesContext(connection) as six:
        organizer.get(url)
    assert len(six) == len(one)


def test_the_public_page_renders_brackets_of_the_published_text(published_document):
    document = published_document(paragraphs=2)
    assert document.status == DocumentStatus.PUBLISHED
    response = published_page(document)
    assert "bracket" not in response  # adopted text has no brackets


def published_page(document):
    from django.test import Client

    client = Client()
    url = reverse("documents:detail", args=[document.conference.slug, document.slug])
    return client.get(url).content.decode()


@pytest.mark.parametrize("kind", [ParagraphKind.OPERATIVE, ParagraphKind.PREAMBULAR])
def test_an_insert_near_the_start_renumbers_everything_in_constant_queries(
    officer, kind, django_assert_num_queries
):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraphs_save(
        version=zero,
        added=[
            {"kind": k, "text": f"Text {i}.", "is_bracketed": False}
            for i, k in enumerate([ParagraphKind.PREAMBULAR] * 3 + [ParagraphKind.OPERATIVE] * 30)
        ],
    )
    after = zero.paragraphs.order_by("position")[0 if kind == ParagraphKind.PREAMBULAR else 3]
    with django_assert_num_queries(8 if kind == ParagraphKind.OPERATIVE else 9):
        services.paragraph_add(version=zero, kind=kind, text="Inserted.", after=after)
    rows = list(zero.paragraphs.order_by("position").values_list("position", "number", "kind"))
    expected_numbers = [
        *("a", "b", "c", "d")[: 4 if kind == ParagraphKind.PREAMBULAR else 3],
        *(str(n) for n in range(1, 32 if kind == ParagraphKind.OPERATIVE else 31)),
    ]
    assert [n for _p, n, _k in rows] == expected_numbers
    assert [p for p, _n, _k in rows] == list(range(1, 35))
    texts = list(zero.paragraphs.order_by("position").values_list("text_en", flat=True))
    assert texts[1 if kind == ParagraphKind.PREAMBULAR else 4] == "Inserted."
