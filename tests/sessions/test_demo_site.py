"""The whole public site of the demo: every page answers in English and Russian and
nothing private leaks. Pages are found by following links from the conference list."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from conference.models import Conference
from participants.accreditation.selectors import public_delegations
from participants.models import Delegation, IdentityDocument, Participant
from sessions.models import Session

pytestmark = pytest.mark.django_db
SKIP_PREFIXES = ("/admin/", "/i18n/", "/nominate/", "/static/", "/media/")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def page_text(response) -> str:
    """What a reader sees: the HTML, or a PDF's text (the printed documents are public too)."""
    if response["Content-Type"].startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return response.content.decode()


def crawl(client) -> dict[str, object]:
    """Every page reachable from / by links, with its response."""
    cache.clear()
    pages, queue = {}, ["/"]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url)
        pages[url] = response
        if "text/html" not in response["Content-Type"]:
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.found:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/") or href.startswith(SKIP_PREFIXES):
                continue
            queue.append(href)
    return pages


@pytest.fixture(params=["en", "ru"])
def site(request, demo_db, db, client):
    client.cookies["django_language"] = request.param
    return request.param, crawl(client)


def test_every_public_page_answers_200(site):
    language, pages = site
    failures = {url: r.status_code for url, r in pages.items() if r.status_code != 200}
    assert failures == {}
    urls = set(pages)
    sessions = Session.objects.public().filter(conference__slug="dushanbe-2019")
    for session in sessions:
        assert f"/dushanbe-2019/sessions/{session.pk}/" in urls
        assert f"/dushanbe-2019/sessions/{session.pk}.ics" in urls
    for path in (
        "agenda/",
        "agenda/print/",
        "speakers/",
        "delegations/",
        "participants/",
        "participants/?edition=provisional",
        "participants.pdf?edition=final",
        "agenda.json",
        "documents/dushanbe-declaration/pdf/",
    ):
        assert f"/dushanbe-2019/{path}" in urls
    assert len([u for u in urls if "/speakers/" in u]) > 20
    home = pages["/dushanbe-2019/"].content.decode()
    assert f'<html lang="{language}">' in home
    if language == "ru":
        assert "Программа" in home and "Делегации-участницы" in home


def test_nothing_private_leaks(site):
    _, pages = site
    emails = {e.lower() for e in Participant.objects.values_list("email", flat=True)}
    emails |= {e.lower() for e in Delegation.objects.values_list("focal_point_email", flat=True)}
    phones = set(Participant.objects.exclude(phone="").values_list("phone", flat=True))
    phones |= set(
        Delegation.objects.exclude(focal_point_phone="").values_list("focal_point_phone", flat=True)
    )
    passports = set(
        IdentityDocument.objects.exclude(passport_number="").values_list(
            "passport_number", flat=True
        )
    )
    hidden = set(Session.objects.filter(is_public=False).values_list("title", flat=True))
    assert passports and phones and hidden, "the demo should have private data to hide"
    hotels = set(Participant.objects.exclude(hotel="").values_list("hotel", flat=True))

    assert any(r["Content-Type"].startswith("application/pdf") for r in pages.values())
    for url, response in pages.items():
        text = page_text(response)
        lowered = text.lower()
        assert not EMAIL.search(text), (url, EMAIL.search(text).group())
        assert not PHONE.search(text), (url, PHONE.search(text).group())
        assert not [e for e in emails if e and e in lowered], url
        assert not [p for p in phones if p in text], url
        assert not [p for p in passports if p in text], url
        assert not [t for t in hidden if t in text], url
        assert not [h for h in hotels if h in text], url


def test_demo_lists_put_every_state_before_the_organizations(demo_db, db):
    conference = Conference.objects.get(slug="dushanbe-2019")
    for session in Session.objects.filter(conference=conference).with_speakers():
        states = [bool(s.delegation and s.delegation.is_state) for s in session.statements.all()]
        assert states == sorted(states, reverse=True), session.title
    states = [d.is_state for d in public_delegations(conference=conference)]
    assert states == sorted(states, reverse=True)


INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_every_public_page_answers_with_the_security_policy(site):
    _language, pages = site
    missing = {
        url: response.get("Content-Security-Policy")
        for url, response in pages.items()
        if "default-src 'self'" not in response.get("Content-Security-Policy", "")
        or "frame-ancestors 'none'" not in response.get("Content-Security-Policy", "")
        or "camera=()" not in response.get("Permissions-Policy", "")
    }
    assert missing == {}
    # The policy allows no inline code: none may be on the pages either.
    inline = {
        url: INLINE_CODE.findall(response.content.decode())
        for url, response in pages.items()
        if "text/html" in response["Content-Type"] and INLINE_CODE.search(response.content.decode())
    }
    assert inline == {}
