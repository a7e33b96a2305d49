"""End-to-end tests in Debian's headless Chromium through Playwright, with no browser download."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo, committed so the live server's thread sees it; flushed after the test."""
    call_command("load_demo", verbosity=0)
    return live_server


@pytest.fixture
def browser_page(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")  # never a bundled browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, locale="en-GB")
        page = context.new_page()
        page.outside_requests = []

        def only_local(route):
            # The pages must work from our own server alone: no CDN, no fonts, no trackers.
            host = urlsplit(route.request.url).hostname
            if host in ("localhost", "127.0.0.1"):
                route.continue_()
            else:
                page.outside_requests.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        yield page
        browser.close()
        # Inside Playwright's loop the ORM gets a connection of its own (asgiref
        # context); close it here, or PostgreSQL cannot drop the test database.
        connections.close_all()


def admin_fill_new_conference(page, base_url: str) -> None:
    """Open the admin's add form and fill in the conference every walk starts from.

    Almaty 2027, 16-17 March in Asia/Almaty, registration open; the caller sets what its walk
    needs on top and saves.
    """
    page.goto(f"{base_url}/admin/conference/conference/add/")
    page.fill("#id_title_en", "Regional Conference on Border Cooperation")
    page.fill("#id_short_title_en", "Almaty 2027")
    page.fill("#id_city_en", "Almaty")
    page.select_option("#id_country", "KZ")
    page.fill("#id_start_date", "2027-03-16")
    page.fill("#id_end_date", "2027-03-17")
    page.select_option("#id_time_zone", "Asia/Almaty")
    page.select_option("#id_status", "registration_open")


def admin_sign_in(page, base_url: str, user, password: str) -> None:
    """Sign in through the admin's login form with a recovery code, as the demo organizer does.

    The demo's organizer has the codes load_demo prints (demo.accounts.DEMO_CODES);
    any other user gets the same codes here first.
    """
    from django_otp.plugins.otp_static.models import StaticToken

    from conference.services import otp_recovery_codes_issue
    from demo.accounts import DEMO_CODES

    unused = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    codes = [code for code in DEMO_CODES if code in set(unused)]
    if not codes:
        codes = otp_recovery_codes_issue(user=user, codes=DEMO_CODES)
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Code").fill(codes[0])
    # Wait for the answer: a page.goto() right after the click would cancel the sign-in.
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/admin/login/" not in page.url, page.locator("body").inner_text()


class _TestApplication:
    """conference.asgi with the static files, as the test's daphne serves it.

    On SQLite's in-memory test database every thread shares the test's one connection (as
    Django's LiveServerThread does), so requests are answered one at a time.
    """

    def __init__(self):
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from conference.asgi import application

        self.inner = ASGIStaticFilesHandler(application)
        self.one_at_a_time = False
        self._lock = None

    async def __call__(self, scope, receive, send):
        if not (self.one_at_a_time and scope["type"] == "http"):
            return await self.inner(scope, receive, send)
        import asyncio

        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            return await self.inner(scope, receive, send)


@pytest.fixture(scope="session")
def _daphne_server():
    """daphne on conference.asgi in a thread of this process, for the whole run.

    A thread, not a process, so it reads the test database however it is kept (SQLite in
    memory included); Twisted's reactor runs once per process, hence the session scope.
    """
    import threading
    import time

    from daphne.server import Server
    from twisted.internet import reactor

    application = _TestApplication()
    server = Server(
        application,
        endpoints=["tcp:port=0:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.listening_addresses:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("daphne did not start listening")
        time.sleep(0.02)
    host, port = server.listening_addresses[0]
    yield application, f"http://{host}:{port}"
    reactor.callFromThread(reactor.stop)
    thread.join(timeout=10)


@pytest.fixture
def asgi_live_server(transactional_db, settings, monkeypatch, _daphne_server):
    """The base URL of the ASGI application (HTTP and /ws/) with the real Redis channel layer
    at 127.0.0.1:6379 under a prefix of this test's own."""
    import types
    import uuid

    application, url = _daphne_server
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": "redis://127.0.0.1:6379/0", "socket_connect_timeout": 0.5}],
                "prefix": f"test-browser-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    connection = connections["default"]
    # Each request's thread opens its own connection otherwise: closed after the request.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    shared = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if shared:
        connection.ensure_connection()
        connection.inc_thread_sharing()
        monkeypatch.setattr(connections, "_connections", types.SimpleNamespace(default=connection))
    application.one_at_a_time = shared
    yield url
    application.one_at_a_time = False
    if shared:
        connection.dec_thread_sharing()
