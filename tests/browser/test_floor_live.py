"""The floor's whole path over the real WebSocket (issue 22, acceptance 2).

A focal point inscribes the delegation through its signed link on a phone, the secretariat
confirms the request in the admin, and the console runs three speakers with a pause and a
resume, a right of reply and a point of order, while the projector in a second browser
context follows every change over its WebSocket: daphne serves conference.asgi from this
process (tests/browser/conftest.py) with the Redis channel layer. Each change must arrive as
a WebSocket message, not from the polling fallback (tests/browser/test_floor.py covers that).
Screenshots go to var/screenshots/ (not committed).
"""

import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from participants.accreditation.selectors import nomination_token
from participants.enums import AccreditationStatus, RepresentationLevel
from sessions.enums import SessionKind
from sessions.models import FloorEvent, Statement
from sessions.services import statement_inscribe
from tests.browser.conftest import admin_sign_in
from tests.factories import (
    DelegationFactory,
    InscribableSessionFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WAIT = 10_000  # ms: a loaded machine, not a target
PHONE = {"width": 390, "height": 844}


def _speaker(session, country: str, given: str, family: str):
    return ParticipantFactory(
        delegation=DelegationFactory(
            conference=session.conference, country=country, level=RepresentationLevel.MINISTER
        ),
        given_names=given,
        family_name=family,
        functional_title="Minister of Foreign Affairs",
        status=AccreditationStatus.APPROVED,
    )


class Frames:
    """The floor states the projector's WebSocket received, in order."""

    def __init__(self, page):
        self.page = page
        self.states: list[dict] = []
        self.sockets: list[str] = []
        page.on("websocket", self._opened)

    def _opened(self, socket):
        self.sockets.append(socket.url)
        socket.on("framereceived", lambda payload: self.states.append(json.loads(payload)))

    def wait_for(self, description: str, test, *, since: int) -> dict:
        """The first state received after the first ``since`` that passes ``test``."""
        start = since
        deadline = time.monotonic() + WAIT / 1000
        while time.monotonic() < deadline:
            for state in self.states[start:]:
                if test(state):
                    return state
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frames
        raise AssertionError(f"no WebSocket message with {description}: {self.states[start:]}")


def _current(state: dict) -> dict:
    return state["current"] or {}


def test_inscription_to_projector_over_the_websocket(asgi_live_server, browser_page):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = asgi_live_server
    session = InscribableSessionFactory(
        title="General debate",
        kind=SessionKind.PLENARY,
        speaking_minutes_state=3,
        speaking_minutes_reply=1,
    )
    aliya = _speaker(session, "KZ", "Aliya", "Abenova")
    for country, given, family in (("KG", "Bakyt", "Asanov"), ("UZ", "Dilshod", "Karimov")):
        statement_inscribe(
            statement=Statement(session=session, speaker=_speaker(session, country, given, family))
        )
    replier = DelegationFactory(conference=session.conference, country="AT")
    organizer = UserFactory(username="organizer", is_superuser=True)
    token = nomination_token(delegation=aliya.delegation)
    browser = browser_page.context.browser
    slug = session.conference.slug

    # The focal point asks for the floor on a phone.
    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(f"{base}/nominate/{token}/")
    phone.get_by_role("link", name="Speakers' lists: ask for the floor").click()
    phone.get_by_label("Session").select_option(label="General debate")
    phone.get_by_label("Who speaks").select_option(label="Aliya Abenova, Representative")
    phone.get_by_role("button", name="Inscribe the delegation").click()
    expect(phone.locator("main")).to_contain_text(
        "Your request for the floor in “General debate” is on the list."
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "floor-live-portal-390.png"), full_page=True)
    phone_context.close()

    # The secretariat confirms it.
    console = browser_page
    console.set_viewport_size({"width": 1366, "height": 900})
    admin_sign_in(console, base, organizer, "correct-horse-battery")
    console.goto(f"{base}/admin/agenda/statement/?status__exact=requested")
    console.locator("input.action-select").first.check()
    console.locator("select[name=action]").select_option("confirm_requests")
    console.get_by_role("button", name="Go").click()
    expect(console.locator("ul.messagelist")).to_contain_text("1 request(s) confirmed.")
    statements = list(Statement.objects.filter(session=session).order_by("order"))
    names = [s.delegation.local_name for s in statements]
    assert len(statements) == 3 and "Kazakhstan" in names

    # The room's screen, in a context of its own, opens its WebSocket.
    screen = browser.new_context(viewport={"width": 1920, "height": 1080})
    projector = screen.new_page()
    frames = Frames(projector)
    projector.goto(f"{base}/{slug}/sessions/{session.pk}/projector/")
    floor = projector.locator("[data-floor]")
    expect(floor).to_have_attribute("data-floor-mode", "live", timeout=WAIT)
    assert frames.sockets == [
        f"{base.replace('http', 'ws')}/ws/{slug}/sessions/{session.pk}/floor/?lang=en"
    ]
    greeting = frames.wait_for("the list", lambda s: len(s["next"]) == 3, since=0)
    assert greeting["current"] is None
    delegation = projector.locator('[data-floor-field="delegation"]')
    status = projector.locator('[data-floor-field="status"]')
    clock = projector.locator('[data-floor-field="time"]')

    console.goto(f"{base}/{slug}/sessions/{session.pk}/console/")
    current = console.locator("[data-current-id]")

    def press(name: str, description: str, test) -> dict:
        since = len(frames.states)
        console.get_by_role("button", name=name).click()
        return frames.wait_for(description, test, since=since)

    # Speaker 1, paused and resumed.
    press(
        "Give the floor to the first speaker",
        "speaker 1",
        lambda s: _current(s).get("id") == statements[0].pk,
    )
    expect(current).to_have_attribute("data-current-id", str(statements[0].pk))
    expect(delegation).to_have_text(names[0], timeout=WAIT)
    expect(clock).to_have_text(re.compile(r"^(3:00|2:[0-5]\d)$"), timeout=WAIT)
    press("Pause", "the pause", lambda s: _current(s).get("paused_at") is not None)
    expect(status).to_have_text("Paused", timeout=WAIT)
    press("Resume", "the resumption", lambda s: _current(s).get("paused_at") is None)
    expect(status).to_have_text("", timeout=WAIT)

    # A right of reply is asked for: it waits after the list.
    console.locator("#reply-delegation").select_option(label=replier.local_name)
    press("Queue a right of reply", "the reply", lambda s: s["waiting"] == 3)
    expect(console.locator(".floor-replies li")).to_have_count(1)

    # Speaker 2, interrupted by a point of order, then resumed.
    press("Next speaker", "speaker 2", lambda s: _current(s).get("id") == statements[1].pk)
    expect(delegation).to_have_text(names[1], timeout=WAIT)
    console.locator("#order-delegation").select_option(label=names[2])
    press("Interrupt for a point of order", "the point of order", lambda s: s["point_of_order"])
    expect(status).to_have_text(f"Point of order: {names[2]}", timeout=WAIT)
    console.screenshot(path=str(SHOTS / "floor-live-console-1366.png"), full_page=True)
    projector.screenshot(path=str(SHOTS / "floor-live-projector-1920.png"))
    press(
        "Close the point of order and resume",
        "the closed point of order",
        lambda s: s["point_of_order"] is None and _current(s).get("paused_at") is None,
    )
    expect(status).to_have_text("", timeout=WAIT)

    # Speaker 3, then the reply on its own minute.
    press("Next speaker", "speaker 3", lambda s: _current(s).get("id") == statements[2].pk)
    expect(delegation).to_have_text(names[2], timeout=WAIT)
    expect(projector.locator("[data-floor-next] li")).to_have_text([replier.local_name])
    console.set_viewport_size(PHONE)
    console.screenshot(path=str(SHOTS / "floor-live-console-390.png"), full_page=True)
    assert console.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    reply = press("Next speaker", "the reply", lambda s: _current(s).get("kind") == "reply")
    assert reply["current"]["delegation"] == replier.local_name
    assert reply["current"]["allotted_seconds"] == 60
    expect(projector.locator('[data-floor-field="speaker"]')).to_have_text(
        replier.local_name, timeout=WAIT
    )
    expect(clock).to_have_text(re.compile(r"^(1:00|0:[0-5]\d)$"), timeout=WAIT)
    projector.screenshot(path=str(SHOTS / "floor-live-projector-reply-1920.png"))

    # Still on the WebSocket: it never fell back to polling.
    assert floor.get_attribute("data-floor-mode") == "live"
    assert len(frames.sockets) == 1
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
