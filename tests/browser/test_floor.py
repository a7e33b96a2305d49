"""The floor end to end: the console runs three speakers with a pause, a right of reply and a
point of order, and the projector (a second browser context) shows each change.

The test server is WSGI, so the projector's WebSocket cannot open here: it follows by polling
floor.json, the fallback a real room falls back to when Redis or the ASGI server is away (the
WebSocket path itself is tested with the real Redis layer in tests/sessions/test_floor_live.py).
Screenshots go to var/screenshots/ (not committed): console at 1366 and 390 px, projector at
1920×1080.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from conference.models import Conference
from demo.accounts import DEFAULT_PASSWORD, USERNAME
from participants.enums import AccreditationState
from participants.models import Participant
from sessions.enums import SessionKind
from sessions.models import FloorEvent, Session, Statement
from sessions.services import statement_inscribe
from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WAIT = 10_000  # ms: the projector polls every two seconds


def _session() -> tuple[Session, list[Statement]]:
    conference = Conference.objects.get(slug="dushanbe-2019")
    start = dt.datetime(2019, 5, 17, 18, 0, tzinfo=conference.tz)
    session = Session.objects.create(
        conference=conference,
        title="Floor walk",
        kind=SessionKind.PLENARY,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        speaking_minutes_state=3,
        speaking_minutes_reply=1,
    )
    heads = (
        Participant.objects.filter(
            conference=conference,
            delegation__country__in=["KZ", "KG", "UZ"],
            role="head",
        )
        .in_state(AccreditationState.BADGE_COLLECTED)
        .select_related("delegation")
        .order_by("delegation__country")
    )
    statements = [
        statement_inscribe(statement=Statement(session=session, speaker=h)) for h in heads
    ]
    assert len(statements) == 3
    return session, sorted(statements, key=lambda s: s.order)


def test_the_console_runs_the_floor_and_the_projector_follows(demo_site, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect

    session, statements = _session()
    names = [s.delegation.local_name for s in statements]
    reply_by = Participant.objects.get(family_name="Lajčák").delegation
    base = demo_site.url
    console = browser_page
    console.set_viewport_size({"width": 1366, "height": 900})
    admin_sign_in(console, base, User.objects.get(username=USERNAME), DEFAULT_PASSWORD)
    console.goto(f"{base}/{session.conference.slug}/sessions/{session.pk}/console/")

    screen = console.context.browser.new_context(viewport={"width": 1920, "height": 1080})
    projector = screen.new_page()
    projector.goto(f"{base}/{session.conference.slug}/sessions/{session.pk}/projector/")
    floor = projector.locator("[data-floor]")
    delegation = projector.locator('[data-floor-field="delegation"]')
    status = projector.locator('[data-floor-field="status"]')
    expect(projector.locator("[data-floor-next] li")).to_have_count(3, timeout=WAIT)

    current = console.locator("[data-current-id]")

    def press(name: str) -> None:
        console.get_by_role("button", name=name).click()

    # Speaker 1, paused and resumed.
    press("Give the floor to the first speaker")
    expect(current).to_have_attribute("data-current-id", str(statements[0].pk))
    expect(delegation).to_have_text(names[0], timeout=WAIT)
    expect(projector.locator('[data-floor-field="time"]')).to_have_text(
        re.compile(r"^(3:00|2:[0-5]\d)$"), timeout=WAIT
    )
    press("Pause")
    expect(status).to_have_text("Paused", timeout=WAIT)
    press("Resume")
    expect(status).to_have_text("", timeout=WAIT)

    # A right of reply is asked for: it waits after the list.
    console.locator("#reply-delegation").select_option(label=reply_by.local_name)
    press("Queue a right of reply")
    expect(console.locator(".floor-replies li")).to_have_count(1)

    # Speaker 2, interrupted by a point of order, then resumed.
    press("Next speaker")
    expect(current).to_have_attribute("data-current-id", str(statements[1].pk))
    expect(delegation).to_have_text(names[1], timeout=WAIT)
    console.locator("#order-delegation").select_option(label=names[2])
    press("Interrupt for a point of order")
    expect(status).to_have_text(f"Point of order: {names[2]}", timeout=WAIT)
    console.screenshot(path=str(SHOTS / "floor-console-1366.png"), full_page=True)
    projector.screenshot(path=str(SHOTS / "floor-projector-1920.png"))
    press("Close the point of order and resume")
    expect(status).to_have_text("", timeout=WAIT)

    # Speaker 3, then the reply on its own one minute.
    press("Next speaker")
    expect(delegation).to_have_text(names[2], timeout=WAIT)
    expect(projector.locator("[data-floor-next] li")).to_have_text([reply_by.local_name])
    console.set_viewport_size({"width": 390, "height": 844})
    console.screenshot(path=str(SHOTS / "floor-console-390.png"), full_page=True)
    assert console.evaluate("document.scrollingElement.scrollWidth") <= 390
    press("Next speaker")
    expect(projector.locator('[data-floor-field="speaker"]')).to_have_text(
        reply_by.local_name, timeout=WAIT
    )
    expect(projector.locator('[data-floor-field="time"]')).to_have_text(
        re.compile(r"^(1:00|0:[0-5]\d)$"), timeout=WAIT
    )
    projector.screenshot(path=str(SHOTS / "floor-projector-reply-1920.png"))

    assert floor.get_attribute("data-floor-mode") == "polling"
    actions = list(
        FloorEvent.objects.filter(statement__session=session)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "start", "pause", "resume", "reply", "end", "start",
        "order", "order_done", "end", "start", "end", "start",
    ]  # fmt: skip
    assert console.outside_requests == []
    screen.close()
