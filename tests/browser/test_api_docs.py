"""The API's documentation page renders the schema in Chromium under our CSP, from our files."""

import pytest

from tests.browser.test_content_security_policy import visit, watch_violations

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_without_a_policy_violation(demo_site, browser_page):
    page = browser_page
    violations = watch_violations(page)
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(demo_site.url) and not request.url.startswith("data:")
            else None
        ),
    )
    visit(page, demo_site.url + "/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/participants/", timeout=20_000)
    assert page.locator(".opblock").count() >= 14
    assert (violations, outside) == ([], [])
