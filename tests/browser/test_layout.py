"""The page header's layout at a common desktop width, in both languages."""

import pytest

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
