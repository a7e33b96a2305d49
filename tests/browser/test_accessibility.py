"""axe-core (bundled with axe-playwright-python, no download) on the main public pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from sessions.models import Session

pytestmark = pytest.mark.browser
PAGES = [
    "/",
    "/dushanbe-2019/",
    "/dushanbe-2019/agenda/",
    "/dushanbe-2019/agenda/?day=2019-05-17",
    "/dushanbe-2019/agenda/print/",
    "/dushanbe-2019/speakers/",
    "/dushanbe-2019/delegations/",
]


def test_no_serious_accessibility_violations(demo_site, browser_page):
    session = Session.objects.public().filter(conference__slug="dushanbe-2019").first()
    speaker = session.statements.first().speaker
    pages = [
        *PAGES,
        f"/dushanbe-2019/sessions/{session.pk}/",
        f"/dushanbe-2019/speakers/{speaker.pk}/",
    ]
    axe = Axe()
    found = {}
    for language in ("en", "ru"):
        browser_page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": demo_site.url}]
        )
        for path in pages:
            browser_page.goto(demo_site.url + path)
            results = axe.run(browser_page)
            serious = [
                f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:120]})"
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                found[f"{language} {path}"] = serious
    assert found == {}
    assert browser_page.outside_requests == []
