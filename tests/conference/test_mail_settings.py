"""Mail in production: SMTP from the environment, no silent console, a banner if nothing is sent."""

import lxml.html
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from conference.mailconfig import CONSOLE, FILE, SMTP, mail_settings
from tests.conference.test_settings import run_manage
from tests.factories import DelegationFactory, ParticipantFactory

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "plenary.example"}
SHOW_MAIL = (
    "shell",
    "-c",
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)",
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://plenary:p%40ss@mail.example:587?tls=1",
            (SMTP, "mail.example", 587, "plenary", "p@ss", True, False),
        ),
        ("submission://u:p@mail.example", (SMTP, "mail.example", 587, "u", "p", True, False)),
        ("smtps://u:p@mail.example", (SMTP, "mail.example", 465, "u", "p", False, True)),
        ("smtp://relay.internal", (SMTP, "relay.internal", 25, "", "", False, False)),
    ],
)
def test_email_url_names_the_whole_smtp_connection(url, expected):
    found = mail_settings({"EMAIL_URL": url}, debug=False)
    keys = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER"]
    keys += ["EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"]
    assert tuple(found[key] for key in keys) == expected
    assert found["EMAIL_TIMEOUT"] == 30


def test_the_usual_variables_work_too():
    env = {
        "EMAIL_HOST": "smtp.mfa.example",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "plenary",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": "1",
    }
    found = mail_settings(env, debug=False)
    assert found == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "smtp.mfa.example",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "plenary",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30,
    }


def test_console_and_file_are_chosen_explicitly():
    assert mail_settings({"EMAIL_URL": "console:"}, debug=False) == {"EMAIL_BACKEND": CONSOLE}
    assert mail_settings({"EMAIL_URL": "file:///var/mail/p"}, debug=False) == {
        "EMAIL_BACKEND": FILE,
        "EMAIL_FILE_PATH": "/var/mail/p",
    }
    assert mail_settings({"EMAIL_BACKEND": CONSOLE}, debug=False) == {"EMAIL_BACKEND": CONSOLE}
    assert mail_settings({}, debug=True) == {"EMAIL_BACKEND": CONSOLE}


@pytest.mark.parametrize("url", ["ftp://mail.example", "smtp://", "smtp://h:notaport"])
def test_a_bad_email_url_is_refused_naming_the_problem(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mail_settings({"EMAIL_URL": url}, debug=False)


def test_production_without_mail_configuration_refuses_to_start():
    result = run_manage("check", **PRODUCTION)
    assert result.returncode == 1
    assert "Mail is not configured" in result.stderr
    assert "EMAIL_URL" in result.stderr


def test_production_reads_smtp_from_email_url():
    result = run_manage(
        *SHOW_MAIL, **PRODUCTION, EMAIL_URL="smtp://plenary:s3cret@mx.example:587?tls=1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        SMTP,
        "mx.example",
        "587",
        "plenary",
        "s3cret",
        "True",
        "False",
        "30",
    ]


def test_production_may_print_mail_when_told_to():
    result = run_manage(*SHOW_MAIL, **PRODUCTION, EMAIL_BACKEND=CONSOLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split()[0] == CONSOLE


def test_development_defaults_to_the_console():
    result = run_manage(*SHOW_MAIL, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split()[0] == CONSOLE


BANNER = "Mail is not delivered: this server prints every message to its console"


def _banner(response) -> str:
    page = lxml.html.fromstring(response.content.decode())
    return " ".join(page.xpath('string(//*[@id="mail-not-delivered"])').split())


@pytest.fixture
def pages(organizer):
    delegation = DelegationFactory()
    participant = ParticipantFactory(delegation=delegation, conference=delegation.conference)
    return {
        "outbox": lambda: organizer.get(reverse("admin:mail_outboxmessage_changelist")),
        "circular": lambda: organizer.get(reverse("admin:participants_delegation_circular")),
        "delegations": lambda: organizer.get(reverse("admin:participants_delegation_changelist")),
        "delegation": lambda: organizer.get(
            reverse("admin:participants_delegation_change", args=[delegation.pk])
        ),
        "approve": lambda: organizer.post(
            reverse("admin:participants_participant_changelist"),
            {"action": "transition_approve", "_selected_action": [participant.pk]},
        ),
    }


@pytest.mark.parametrize("page", ["outbox", "circular", "delegations", "delegation", "approve"])
def test_the_console_backend_shows_a_banner_on_every_page_that_sends(pages, settings, page):
    settings.EMAIL_BACKEND = CONSOLE
    response = pages[page]()
    assert response.status_code == 200
    assert _banner(response) == (
        BANNER + " (the console backend) and marks it sent. Set EMAIL_URL to send mail."
    )


@pytest.mark.parametrize("page", ["outbox", "circular", "delegation", "approve"])
def test_real_smtp_shows_no_banner(pages, settings, page):
    settings.EMAIL_BACKEND = SMTP
    response = pages[page]()
    assert response.status_code == 200
    assert _banner(response) == ""
