"""Public pages of outcome documents: published texts, and the draft a conference publishes
while the text is negotiated (never a working revision, never amendments).

The selectors decide what is public; these views only render. Each page is cached on the
conference's published version, which the publishing services bump.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from conference.models import Conference
from conference.site.caching import cached_conference_page

from . import printing, selectors
from .diff import comparison_context
from .enums import ParagraphKind


def _paragraphs_by_kind(version) -> dict:
    """A version's paragraphs as the public pages lay them out: preamble, then operative part."""
    paragraphs = selectors.version_paragraphs(version=version)
    return {
        "preambular": [p for p in paragraphs if p.kind == ParagraphKind.PREAMBULAR],
        "operative": [p for p in paragraphs if p.kind == ParagraphKind.OPERATIVE],
    }


@cached_conference_page
def document_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    context = {
        "conference": conference,
        "documents": selectors.published_documents(conference=conference),
        "drafts": selectors.public_drafts(conference=conference),
    }
    return render(request, "documents/list.html", context)


@cached_conference_page
def document_detail(
    request: HttpRequest, conference: Conference, document_slug: str
) -> HttpResponse:
    document = selectors.published_document(conference=conference, slug=document_slug)
    context = {
        "conference": conference,
        "document": document,
        **_paragraphs_by_kind(document.final_version),
        "statements": selectors.position_statements(document=document),
        "has_versions": len(selectors.issued_versions(document=document)) > 1,
    }
    return render(request, "documents/detail.html", context)


@cached_conference_page
def document_draft(
    request: HttpRequest, conference: Conference, document_slug: str
) -> HttpResponse:
    """The published draft with its brackets, holders and options; 404 when none is."""
    document = selectors.public_draft(conference=conference, slug=document_slug)
    context = {
        "conference": conference,
        "document": document,
        "version": document.public_draft,
        **_paragraphs_by_kind(document.public_draft),
    }
    return render(request, "documents/draft.html", context)


@cached_conference_page
def document_pdf(request: HttpRequest, conference: Conference, document_slug: str) -> HttpResponse:
    """The published text as a PDF in the page's language; cached with the pages."""
    document = selectors.published_document(conference=conference, slug=document_slug)
    language = translation.get_language()
    response = HttpResponse(
        printing.document_pdf(document=document, language=language),
        content_type="application/pdf",
    )
    filename = printing.document_filename(document, language)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@cached_conference_page(query=("old", "new"))
def document_compare(
    request: HttpRequest, conference: Conference, document_slug: str
) -> HttpResponse:
    document = selectors.published_document(conference=conference, slug=document_slug)
    versions = selectors.issued_versions(document=document)
    old, new = selectors.versions_to_compare(
        versions=versions, old=request.GET.get("old"), new=request.GET.get("new")
    )
    context = {
        "conference": conference,
        "document": document,
        "versions": versions,
        **comparison_context(old, new),
    }
    return render(request, "documents/compare.html", context)


@cached_conference_page
def recommendation_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    context = {
        "conference": conference,
        "themes": selectors.recommendations_by_theme(conference=conference),
    }
    return render(request, "documents/recommendations.html", context)
