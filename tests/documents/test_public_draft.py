"""#23 item 1, the public draft: an organizer publishes an issued draft (a service, audited),
the public site shows it with its brackets in en and ru, and nothing else is public."""

import datetime as dt

import pytest
from django.urls import reverse

from documents import services
from documents.enums import AdoptionMethod, ParagraphKind
from documents.models import Bracket, DocumentEvent, OutcomeDocument
from tests.factories import DelegationFactory, OutcomeDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    """A zero draft under negotiation: a preambular paragraph, and operative 1 with options
    held by Kazakhstan and Uzbekistan; Rev.1 open and not issued."""
    document = OutcomeDocumentFactory(title="Dushanbe Declaration", slug="declaration")
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(
        version=zero, kind=ParagraphKind.PREAMBULAR, text="Recalling.", text_ru="Напоминая."
    )
    operative = services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text="Calls for closer co-operation.",
        text_ru="Призывает к более тесному сотрудничеству.",
    )
    holders = [
        DelegationFactory(conference=document.conference, country=code) for code in ("KZ", "UZ")
    ]
    services.bracket_add(
        paragraph=operative,
        words="closer",
        words_ru="более тесному",
        holders=holders,
        options=[{"text": "enhanced", "text_ru": "расширенному"}],
        by=officer,
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    revision = services.version_create_revision(document=document, by=officer)
    return OutcomeDocument.objects.get(pk=document.pk), zero, revision


def _url(document, name="draft"):
    return reverse(f"documents:{name}", args=[document.conference.slug, document.slug])


def _list(document):
    return reverse("documents:list", args=[document.conference.slug])


def test_an_unpublished_draft_is_not_found(draft, client):
    document, _zero, _revision = draft
    assert client.get(_url(document)).status_code == 404
    assert "Drafts under negotiation" not in client.get(_list(document)).content.decode()


def test_the_published_draft_shows_its_brackets_in_both_languages(draft, officer, client):
    document, zero, _revision = draft
    services.document_publish_draft(document=document, version=zero, by=officer)
    assert DocumentEvent.objects.filter(document=document).last().note == (
        "Zero draft published as the draft."
    )
    english = client.get(_url(document), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<span class="bracket">[<span class="bracket-option">Option 1: closer</span>] '
        '[<span class="bracket-option">Option 2: enhanced</span>]'
        '<small class="bracket-holders">Kazakhstan, Uzbekistan</small></span>'
    ) in english
    assert "Draft under negotiation" in english
    russian = client.get(_url(document), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert (
        '<span class="bracket">[<span class="bracket-option">Вариант 1: более тесному</span>] '
        '[<span class="bracket-option">Вариант 2: расширенному</span>]'
        '<small class="bracket-holders">Казахстан, Узбекистан</small></span>'
    ) in russian
    assert "Напоминая." in russian
    listing = client.get(_list(document), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{_url(document)}"' in listing


def test_a_paragraph_without_russian_falls_back_to_english(officer, client):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Decides to meet.")
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_publish_draft(document=document, version=zero, by=officer)
    russian = client.get(_url(document), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Decides to meet." in russian


def test_refusals_write_nothing(draft, officer):
    document, zero, revision = draft
    other = OutcomeDocumentFactory(conference=document.conference)
    other_zero = services.version_create_zero_draft(document=other, by=officer)
    events = DocumentEvent.objects.count()
    cases = [
        (document, revision, "version_not_issued"),
        (document, other_zero, "version_elsewhere"),
        (other, other_zero, "wrong_state"),
    ]
    for target, version, code in cases:
        with pytest.raises(services.DocumentError) as refusal:
            services.document_publish_draft(document=target, version=version, by=officer)
        assert refusal.value.code == code
    assert DocumentEvent.objects.count() == events
    assert not OutcomeDocument.objects.filter(public_draft__isnull=False).exists()


def test_a_new_draft_or_its_withdrawal_retires_the_cached_page(draft, officer, client):
    document, zero, revision = draft
    services.document_publish_draft(document=document, version=zero, by=officer)
    assert "Zero draft" in client.get(_url(document)).content.decode()
    services.paragraph_edit(
        paragraph=revision.paragraphs.get(kind=ParagraphKind.PREAMBULAR),
        kind=ParagraphKind.PREAMBULAR,
        text="Recalling its earlier decisions.",
        is_bracketed=False,
    )
    services.version_issue(version=revision, by=officer)
    services.document_publish_draft(document=document, version=revision, by=officer)
    page = client.get(_url(document)).content.decode()
    assert "Recalling its earlier decisions." in page
    assert revision.label in page
    services.document_withdraw_draft(document=document, by=officer)
    assert client.get(_url(document)).status_code == 404
    assert [e.note for e in DocumentEvent.objects.filter(document=document).order_by("pk")][
        -2:
    ] == ["Rev.1 published as the draft.", "Draft Rev.1 taken off the public site."]


def test_adoption_ends_the_draft_and_leaves_the_outcome_page_as_it_is(draft, officer, client):
    document, zero, revision = draft
    services.document_publish_draft(document=document, version=zero, by=officer)
    assert client.get(_url(document)).status_code == 200
    services.bracket_remove(bracket=Bracket.objects.get(paragraph__version=revision), by=officer)
    services.version_issue(version=revision, by=officer)
    services.document_adopt(
        document=document,
        method=AdoptionMethod.CONSENSUS,
        adopted_on=dt.date(2019, 5, 17),
        by=officer,
    )
    assert client.get(_url(document)).status_code == 404
    services.document_publish(document=document, by=officer)
    assert client.get(_url(document)).status_code == 404
    assert client.get(_url(document, "detail")).status_code == 200


def test_the_draft_page_reads_in_constant_queries(
    draft, officer, client, django_assert_max_num_queries
):
    document, zero, _revision = draft
    services.document_publish_draft(document=document, version=zero, by=officer)
    with django_assert_max_num_queries(9) as few:
        assert client.get(_url(document)).status_code == 200
    for _index in range(10):
        services.paragraph_add(
            version=_revision, kind=ParagraphKind.OPERATIVE, text="Also decides."
        )
    services.version_issue(version=_revision, by=officer)
    services.document_publish_draft(document=document, version=_revision, by=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(document)).status_code == 200


def test_the_organizer_publishes_and_withdraws_the_draft_in_the_admin(draft, organizer, client):
    document, zero, revision = draft
    step = reverse("admin:documents_document_step", args=[document.pk, "publish_draft"])
    form = organizer.get(step).context["form"]
    assert list(form.fields["version"].queryset) == [zero]  # Rev.1 is not issued yet
    response = organizer.post(step, {"version": revision.pk})
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert organizer.post(step, {"version": zero.pk}).status_code == 302
    assert OutcomeDocument.objects.get(pk=document.pk).public_draft == zero
    assert client.get(_url(document)).status_code == 200
    withdraw = reverse("admin:documents_document_step", args=[document.pk, "withdraw_draft"])
    assert organizer.post(withdraw).status_code == 302
    assert client.get(_url(document)).status_code == 404


def test_the_document_list_reads_its_drafts_in_constant_queries(
    draft, officer, client, django_assert_max_num_queries
):
    document, zero, _revision = draft
    services.document_publish_draft(document=document, version=zero, by=officer)
    url = _list(document)
    with django_assert_max_num_queries(8) as one:
        assert client.get(url).status_code == 200
    for index in range(3):
        other = OutcomeDocumentFactory(conference=document.conference, slug=f"other-{index}")
        version = services.version_create_zero_draft(document=other, by=officer)
        services.paragraph_add(version=version, kind=ParagraphKind.OPERATIVE, text="Notes.")
        services.document_circulate_zero_draft(document=other, by=officer)
        services.document_publish_draft(document=other, version=version, by=officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('/draft/"') == 4
