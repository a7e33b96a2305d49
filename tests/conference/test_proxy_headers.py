"""Who is asking, behind or without a proxy: X-Forwarded-For is the client's to write.

Only the hops our own proxies appended (the right-most ones, from a TRUSTED_PROXIES address)
are believed; a spoofed header defeats neither the login lockout nor the portal's 429. And a
nomination token never reaches a log line: the access log and Django's own name its digest.
"""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import RequestFactory

from conference.security import RedactTokensFilter, client_ip, redact_tokens, token_digest
from tests.factories import UserFactory
from tests.participants.conftest import Portal, delegation, open_conference  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
RIGHT = "correct-horse-battery"


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # TRUSTED_PROXY_COUNT=1 but nothing in front: the header is the client's invention.
        (1, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # One proxy on this machine: the address it appended, never the left-most one.
        (1, "127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        # Two proxies: the load balancer's hop (10.0.0.5) is trusted, the client's is the next.
        (2, "127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
        # The second hop is not one of ours: what it claims is not believed.
        (2, "127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "not-an-address, 203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_is_the_right_most_untrusted_hop(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_PROXIES = ["127.0.0.1/8", "::1", "10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.fixture
def portal(client, delegation):  # noqa: F811
    return Portal(client, delegation)


@pytest.fixture
def staff(db):
    user = UserFactory(username="protocol-officer", is_staff=True)
    user.set_password(RIGHT)
    user.save()
    return user


def sign_in(client, password, **meta):
    data = {"username": "protocol-officer", "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, **meta)


def test_a_fresh_forwarded_address_per_try_does_not_defeat_the_lockout_without_a_proxy(
    client, staff, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [
        sign_in(
            client,
            f"wrong-{n}",
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(8)
    ]
    assert answers == [200] * 4 + [429] * 4
    refused = sign_in(client, RIGHT, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert refused.status_code == 429


def test_behind_the_proxy_a_spoofed_left_most_address_does_not_defeat_the_lockout(
    client, staff, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    answers = [
        sign_in(
            client, f"wrong-{n}", **proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
        ).status_code
        for n in range(8)
    ]
    assert answers == [200] * 4 + [429] * 4
    # Another client behind the same proxy is not locked out by the guesser.
    other = sign_in(client, RIGHT, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20")
    assert other.status_code == 302


@pytest.mark.parametrize("behind_proxy", [False, True], ids=["no-proxy", "proxy"])
def test_a_spoofed_forwarded_address_does_not_defeat_the_portals_429(
    portal, settings, behind_proxy
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_UNKNOWN_TOKEN_LIMIT = 5

    def guess(n):
        if behind_proxy:
            meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"10.9.{n}.1, 203.0.113.9"}
        else:
            meta = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": f"10.9.{n}.1"}
        return portal.client.get(f"/nominate/{portal.token}{n}/", **meta).status_code

    assert [guess(n) for n in range(8)] == [404] * 5 + [429] * 3


def test_redacting_keeps_the_path_and_replaces_the_token_by_its_digest():
    token = "eyJkIjo0Mn0:1tq2Xb:abcDEF"
    line = f'GET /nominate/{token}/members/add/?x=1 HTTP/1.1" 200 "https://p.example/nominate/{token}/"'
    redacted = redact_tokens(line)
    assert token not in redacted
    digest = token_digest(token)
    assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 12
    assert redacted == line.replace(token, digest)
    assert redact_tokens("GET /admin/ HTTP/1.1") == "GET /admin/ HTTP/1.1"


def test_djangos_not_found_line_names_the_digest_not_the_token(portal):
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    forged = f"{portal.token}x"
    try:
        assert portal.client.get(f"/nominate/{forged}/").status_code == 404
        assert portal.client.get(f"/nominate/{portal.token}/").status_code == 200
    finally:
        handler.setStream(previous)
    written = stream.getvalue()
    assert f"Not Found: /nominate/{token_digest(forged)}/" in written
    assert forged not in written and portal.token not in written


def test_the_gunicorn_access_log_names_the_digest_not_the_token(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "conference.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access_log),
        ],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = "eyJkIjo0Mn0:1tq2Xb:SecretPart"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nominate/{token}/")
                break
            except urllib.error.HTTPError:
                break  # answered (no tables in this database): the line is written
            except OSError:
                time.sleep(0.1)
        for _attempt in range(50):
            if access_log.exists() and "/nominate/" in access_log.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    written = access_log.read_text()
    assert f"GET /nominate/{token_digest(token)}/ HTTP/1.1" in written
    assert "SecretPart" not in written
