"""The page header's layout at a common desktop width, in both languages; the session
page, the declaration and the admin session page at a phone's and a laptop's width."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from sessions.models import Session
from tests.auth import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ru"])
def test_language_switcher_shares_the_top_row_with_the_conference_title(
    demo_site, browser_page, language
):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": demo_site.url}])
    for path in ("/dushanbe-2019/", "/dushanbe-2019/agenda/"):
        page.goto(demo_site.url + path)
        brand = page.locator("header .navbar-brand").bounding_box()
        switcher = page.locator("header form").bounding_box()
        links = page.locator("header .navbar-nav").bounding_box()
        assert switcher["y"] < brand["y"] + brand["height"], path
        assert brand["y"] < switcher["y"] + switcher["height"], path
        # The conference's own links form one row of their own under the title.
        assert links["y"] >= brand["y"] + brand["height"], path
        assert links["height"] == page.locator("header .nav-link").first.bounding_box()["height"]


def fullest_public_session() -> Session:
    """The demo's public session with the longest speakers' list."""
    sessions = Session.objects.public().filter(conference__slug="dushanbe-2019")
    return sessions.annotate(speakers=Count("statements")).order_by("-speakers", "pk").first()


def overflow(page, selector: str) -> list[str]:
    """The elements matching ``selector`` that stick out to the right of the window."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 30))""",
        selector,
    )


def test_the_session_page_fits_a_phone(demo_site, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    session = fullest_public_session()
    page.goto(f"{demo_site.url}/dushanbe-2019/sessions/{session.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    # Every column of the speakers' list shows, none scrolled out of sight.
    assert page.locator(".speakers-list tbody td").count() == 4 * session.statements.count()
    assert overflow(page, ".speakers-list td, .speakers-list th") == []


def test_the_declaration_fits_a_phone(demo_site, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo_site.url}/dushanbe-2019/documents/dushanbe-declaration/")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert overflow(page, "main *") == []


def test_the_admin_session_page_fits_a_laptop(demo_site, browser_page):
    page = browser_page
    client = Client()
    sign_in(client, get_user_model().objects.get(username="organizer"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo_site.url}]
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{demo_site.url}/admin/agenda/session/{fullest_public_session().pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") == 1366
    assert overflow(page, "#statements-group td") == []
