"""Under the Content-Security-Policy the public site, the portal and the admin still work:
Chromium reports no violation on any of their pages."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from participants.accreditation.selectors import nomination_token
from participants.models import Delegation, Participant
from sessions.models import Session
from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser


def watch_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return violations


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, url
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_no_page_breaks_the_policy(demo_site, browser_page):
    page = browser_page
    violations = watch_violations(page)
    base = demo_site.url
    session = Session.objects.public().filter(conference__slug="dushanbe-2019").first()
    for path in (
        "/",
        "/dushanbe-2019/",
        "/dushanbe-2019/agenda/",
        "/dushanbe-2019/agenda/print/",
        f"/dushanbe-2019/sessions/{session.pk}/",
        "/dushanbe-2019/speakers/",
        "/dushanbe-2019/delegations/",
        "/dushanbe-2019/documents/",
        "/dushanbe-2019/documents/dushanbe-declaration/",
    ):
        visit(page, base + path)

    delegation = Delegation.objects.filter(conference__slug="dushanbe-2019").first()
    token = nomination_token(delegation=delegation)
    visit(page, f"{base}/nominate/{token}/")

    organizer = get_user_model().objects.get(username="organizer")
    admin_sign_in(page, base, organizer, "plenary-demo-2019")
    for model in admin.site._registry:
        opts = model._meta
        visit(page, base + reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    participant = Participant.objects.filter(delegation=delegation).first()
    visit(page, base + reverse("admin:participants_participant_change", args=[participant.pk]))
    visit(page, base + reverse("admin:agenda_session_change", args=[session.pk]))
    visit(page, base + reverse("admin:participants_delegation_change", args=[delegation.pk]))
    visit(page, base + reverse("admin:conference_exports", args=[delegation.conference_id]))
    visit(page, base + reverse("admin:participants_participant_dashboard_latest"))
    assert violations == []
