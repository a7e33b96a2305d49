"""From a bracketed draft to adoption by silence, in Chromium: the officer lifts the last
bracket and issues the text, starts the silence procedure, a focal point breaks it on a
phone (390 px) through the mailed link, the officer starts it again, and the deadline task
adopts and publishes it. PLENARY_SCREENSHOTS=<dir> keeps the screenshots."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from conference.mail.models import OutboxMessage
from documents import services
from documents.enums import DocumentStatus, ParagraphKind
from documents.models import OutcomeDocument
from tests.browser.conftest import admin_sign_in
from tests.factories import DelegationFactory, OutcomeDocumentFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"
SHOTS = os.environ.get("PLENARY_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_from_a_bracketed_draft_to_adoption_by_silence(transactional_db, live_server, browser_page):
    page = browser_page
    officer = UserFactory(username="drafting", is_superuser=True)
    document = OutcomeDocumentFactory(
        title_en="Dushanbe Declaration", title_ru="Душанбинская декларация"
    )
    kazakhstan = DelegationFactory(
        conference=document.conference, country="KZ", focal_point_email="fp@kz.example"
    )
    DelegationFactory(
        conference=document.conference,
        country="TM",
        focal_point_email="fp@tm.example",
        correspondence_language="ru",
    )
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text="Call upon all States to combat illicit drug trafficking.",
        text_ru="Призываем все государства бороться с незаконным оборотом наркотиков.",
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    rev1 = services.version_create_revision(document=document, by=officer)
    paragraph = rev1.paragraphs.get()
    services.bracket_add(
        paragraph=paragraph,
        words="combat",
        words_ru="бороться с",
        holders=[kazakhstan],
        options=[{"text": "counter", "text_ru": "противодействовать"}],
        by=officer,
    )
    admin_sign_in(page, live_server.url, officer, PASSWORD)

    # The version page shows the bracket, its options and its holder; lift it.
    page.goto(f"{live_server.url}/admin/documents/documentversion/{rev1.pk}/change/")
    row = page.locator(f"#negotiated-{paragraph.pk}")
    assert " ".join(row.locator("td[lang=en]").inner_text().split()) == (
        "Call upon all States to [Option 1: combat] [Option 2: counter]Kazakhstan illicit drug "
        "trafficking."
    )
    shot(page, "1-version-page-bracketed")
    row.get_by_role("link", name="lift").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Lift the bracket")).click()
    assert page.locator(f"#negotiated-{paragraph.pk} .paragraph-status").inner_text() == "Agreed"

    # Issue Rev.1, then start the silence procedure, the deadline typed in conference time.
    page.get_by_role("link", name="Issue this version").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Issue")).click()
    page.goto(f"{live_server.url}/admin/documents/outcomedocument/{document.pk}/change/")
    page.get_by_role("link", name="Start the silence procedure").click()
    deadline = timezone.localtime(timezone.now(), document.conference.tz) + dt.timedelta(days=1)
    page.get_by_label("Silence deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Start the silence procedure").click()
    page.locator("#silence-countdown").wait_for()
    shot(page, "2-document-page-countdown")

    # The focal point of Kazakhstan opens the mailed link on a phone and breaks silence.
    mail = OutboxMessage.objects.get(kind="silence_circulation", recipient="fp@kz.example")
    link = re.search(r"https?://\S+/nominate/silence/\S+/", mail.body_text).group(0)
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    focal = phone.new_page()
    focal.goto(link)
    assert "Under silence until" in focal.locator("#silence-deadline").inner_text()
    shot(focal, "3-phone-break-silence")
    focal.get_by_label("Your delegation's statement breaking silence").fill(
        "Kazakhstan needs to consult its capital on operative 1."
    )
    focal.get_by_role("button", name="Break silence").click()
    focal.locator("#silence-broken").wait_for()
    width = focal.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(focal, "4-phone-silence-broken")
    phone.close()
    assert OutboxMessage.objects.filter(kind="silence_break_receipt").count() == 1
    assert OutcomeDocument.objects.get(pk=document.pk).status == DocumentStatus.UNDER_NEGOTIATION

    # The register shows the break; the officer starts silence again, nobody breaks it.
    page.goto(f"{live_server.url}/admin/documents/outcomedocument/{document.pk}/change/")
    assert "Kazakhstan needs to consult" in page.locator("#silence-breaks").inner_text()
    page.get_by_role("link", name="Start the silence procedure").click()
    page.get_by_label("Silence deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.get_by_role("button", name="Start the silence procedure").click()
    page.locator("#silence-countdown").wait_for()
    shot(page, "5-document-page-register")
    # The beat task at the deadline.
    assert services.silence_close_due(now=deadline + dt.timedelta(minutes=1)) == {"adopted": 1}
    page.goto(f"{live_server.url}/{document.conference.slug}/documents/{document.slug}/")
    assert "by silence procedure" in page.locator(".adoption").inner_text()
    shot(page, "6-public-page-adopted")
    assert page.outside_requests == []
