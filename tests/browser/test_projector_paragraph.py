"""#23 item 3 in a browser: the facilitator presses “Show on the screen” on the room-screen
page, and the projector at 1920×1080 shows the paragraph with its brackets, holders and
options and the proposal on it, in English and in Russian; clearing the screen takes it off.

The test server is WSGI, so the projector follows by polling floor.json (the WebSocket path
is tested with the real Redis layer in tests/documents/test_screen_live.py). Screenshots go
to var/screenshots/ (not committed).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from documents import services
from documents.enums import AmendmentAction, ParagraphKind
from tests.browser.conftest import admin_sign_in
from tests.factories import DelegationFactory, OutcomeDocumentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WAIT = 10_000  # ms: the projector polls every two seconds


def _negotiation():
    officer = UserFactory(username="facilitator", is_superuser=True)
    document = OutcomeDocumentFactory(
        title="Dushanbe Declaration on Border Security", slug="dushanbe-declaration"
    )
    conference = document.conference
    holders = {
        code: DelegationFactory(conference=conference, country=code) for code in ("KZ", "UZ", "KG")
    }
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text="Welcomes the progress made since the last conference.",
        text_ru="Приветствует прогресс, достигнутый со времени прошлой конференции.",
    )
    paragraph = services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text=(
            "Calls upon participating States to strengthen co-operation between their "
            "border services, including through joint patrols, and to exchange information "
            "on cross-border crime within thirty days."
        ),
        text_ru=(
            "Призывает государства-участники укреплять сотрудничество между их "
            "пограничными службами, в том числе посредством совместного патрулирования, и "
            "обмениваться информацией о трансграничной преступности в течение тридцати дней."
        ),
    )
    services.bracket_add(
        paragraph=paragraph,
        words="including through joint patrols",
        words_ru="в том числе посредством совместного патрулирования",
        holders=[holders["KZ"]],
        by=officer,
    )
    services.bracket_add(
        paragraph=paragraph,
        words="within thirty days",
        words_ru="в течение тридцати дней",
        holders=[holders["UZ"], holders["KG"]],
        options=[{"text": "without delay", "text_ru": "без промедления"}],
        by=officer,
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    services.amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=paragraph,
        delegations=[holders["KG"]],
        proposed_text="Calls upon participating States to exchange information regularly.",
        proposed_text_ru="Призывает государства-участники регулярно обмениваться информацией.",
    )
    session = SessionFactory(conference=conference, title="Drafting committee")
    return officer, document, paragraph, session


def test_the_projector_shows_the_paragraph_the_facilitator_picks(live_server, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect

    officer, document, paragraph, session = _negotiation()
    base = live_server.url
    slug = document.conference.slug
    facilitator = browser_page
    facilitator.set_viewport_size({"width": 1366, "height": 900})
    admin_sign_in(facilitator, base, officer, "correct-horse-battery")
    facilitator.goto(f"{base}/{slug}/documents/{document.slug}/screen/?session={session.pk}")

    screens = {}
    for language, locale in (("en", "en-GB"), ("ru", "ru-RU")):
        context = facilitator.context.browser.new_context(
            viewport={"width": 1920, "height": 1080}, locale=locale
        )
        screens[language] = context.new_page()
        screens[language].goto(f"{base}/{slug}/sessions/{session.pk}/projector/")
        expect(screens[language].locator("[data-floor]")).to_have_attribute(
            "data-floor-received", re.compile(r"^[1-9]"), timeout=WAIT
        )
        assert screens[language].locator(".projector-paragraph").count() == 0

    facilitator.locator(f"#paragraph-{paragraph.pk}").get_by_role(
        "button", name="Show on the screen"
    ).click()
    expect(facilitator.locator(f"#paragraph-{paragraph.pk}")).to_contain_text("On the screen")
    facilitator.screenshot(path=str(SHOTS / "room-screen-page.png"), full_page=True)

    english = screens["en"].locator(".projector-paragraph")
    expect(english).to_be_visible(timeout=WAIT)
    expect(english.locator(".projector-paragraph-heading")).to_have_text(
        "Operative paragraph 2 Bracketed"
    )
    brackets = english.locator(".projector-paragraph-text .bracket")
    expect(brackets).to_have_count(2)
    expect(brackets.nth(0)).to_have_text("[including through joint patrols]Kazakhstan")
    expect(brackets.nth(1)).to_have_text(
        "[Option 1: within thirty days] [Option 2: without delay]Kyrgyzstan, Uzbekistan"
    )
    expect(brackets.nth(1).locator(".bracket-holders")).to_have_css("font-size", "23.76px")
    expect(english.locator(".projector-proposals li")).to_have_text(
        "ReplaceKyrgyzstanCalls upon participating States to exchange information regularly."
    )
    screens["en"].screenshot(path=str(SHOTS / "projector-paragraph-en.png"))

    russian = screens["ru"].locator(".projector-paragraph")
    expect(russian).to_be_visible(timeout=WAIT)
    expect(russian.locator(".projector-paragraph-heading")).to_have_text(
        "Пункт постановляющей части 2 В скобках"
    )
    expect(russian.locator(".bracket").nth(1)).to_have_text(
        "[Вариант 1: в течение тридцати дней] [Вариант 2: без промедления]Кыргызстан, Узбекистан"
    )
    expect(russian.locator(".projector-proposals h3")).to_have_text("Предложения")
    screens["ru"].screenshot(path=str(SHOTS / "projector-paragraph-ru.png"))
    # Nothing but the paragraph and the floor: the page fits the screen.
    assert screens["ru"].evaluate("document.documentElement.scrollHeight") <= 1080

    facilitator.get_by_role("button", name="Clear the screen").click()
    expect(screens["en"].locator(".projector-paragraph")).to_have_count(0, timeout=WAIT)
    assert "has-paragraph" not in (
        screens["en"].locator("[data-floor]").get_attribute("class") or ""
    )
    assert facilitator.outside_requests == []


def test_the_published_draft_reads_with_its_brackets(live_server, browser_page):
    """#23 item 1: the public draft page in both languages, at a laptop's width and a phone's."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    officer, document, paragraph, _session = _negotiation()
    services.document_publish_draft(document=document, version=paragraph.version, by=officer)
    url = f"{live_server.url}/{document.conference.slug}/documents/{document.slug}/draft/"
    page = browser_page
    for language, width in (("en", 1366), ("ru", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page.goto(url)
        operative = page.locator(".document-paragraph.paragraph-operative").nth(1)
        holders = operative.locator(".bracket-holders")
        assert holders.all_inner_texts() == (
            ["Kazakhstan", "Kyrgyzstan, Uzbekistan"]
            if language == "en"
            else ["Казахстан", "Кыргызстан, Узбекистан"]
        )
        # Holders in small type: smaller than the text they follow.
        sizes = operative.evaluate(
            "p => [getComputedStyle(p).fontSize,"
            " getComputedStyle(p.querySelector('.bracket-holders')).fontSize]"
        )
        assert float(sizes[1].removesuffix("px")) < float(sizes[0].removesuffix("px"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"public-draft-{language}.png"), full_page=True)
    assert page.outside_requests == []
