"""Mail settings from the environment (read by conference/settings.py; no Django imports).

``EMAIL_URL`` names the whole SMTP connection in one variable::

    smtp://user:password@mail.example:587?tls=1   STARTTLS (submission, port 587)
    smtps://user:password@mail.example:465        implicit TLS
    smtp://relay.internal:25                      no TLS (a relay on the private network)
    console:                                      print to the console (development)
    file:///var/spool/plenary-mail                write files into that directory

User and password are percent-decoded (a ``@`` in a password is ``%40``); ``?timeout=20``
sets the connection timeout. Without ``EMAIL_URL`` the usual variables do: ``EMAIL_HOST``,
``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
``EMAIL_USE_SSL``, ``EMAIL_TIMEOUT``; ``EMAIL_BACKEND`` (a dotted path) chooses any backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
# Backends that do not deliver: the admin warns on every page that sends (conference/mail).
NOT_DELIVERED = {
    CONSOLE: "console",
    FILE: "file",
    "django.core.mail.backends.dummy.EmailBackend": "dummy",
}
TRUE = {"1", "true", "yes", "on"}
DEFAULT_TIMEOUT = 30


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE


def _from_url(url: str) -> dict:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a directory: file:///var/mail/x")
        return {"EMAIL_BACKEND": FILE, "EMAIL_FILE_PATH": unquote(parts.path)}
    if scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {scheme!r}; use smtp://, smtps://, console: or file://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host: smtp://user:password@host:587")
    use_ssl = scheme == "smtps" or _flag(query.get("ssl"))
    use_tls = not use_ssl and (scheme == "submission" or _flag(query.get("tls")))
    try:
        port = parts.port or (465 if use_ssl else 587 if use_tls else 25)
        timeout = int(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL: {error}") from error
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def _from_variables(env: Mapping[str, str]) -> dict:
    use_ssl = _flag(env.get("EMAIL_USE_SSL"))
    use_tls = not use_ssl and _flag(env.get("EMAIL_USE_TLS"))
    try:
        port = int(env.get("EMAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25))
        timeout = int(env.get("EMAIL_TIMEOUT") or DEFAULT_TIMEOUT)
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_PORT / EMAIL_TIMEOUT: {error}") from error
    return {
        "EMAIL_BACKEND": env.get("EMAIL_BACKEND") or SMTP,
        "EMAIL_HOST": env["EMAIL_HOST"],
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": env.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": env.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def mail_settings(env: Mapping[str, str], *, debug: bool) -> dict:
    """The EMAIL_* settings ``env`` describes; refuses to guess when DEBUG is off."""
    if env.get("EMAIL_URL"):
        return _from_url(env["EMAIL_URL"])
    if env.get("EMAIL_HOST"):
        return _from_variables(env)
    if env.get("EMAIL_BACKEND"):
        settings = {"EMAIL_BACKEND": env["EMAIL_BACKEND"]}
        if env.get("EMAIL_FILE_PATH"):
            settings["EMAIL_FILE_PATH"] = env["EMAIL_FILE_PATH"]
        return settings
    if debug:
        return {"EMAIL_BACKEND": CONSOLE}
    raise ImproperlyConfigured(
        "Mail is not configured. With DEBUG off Plenary refuses to start rather than print "
        "every message to the console and mark it sent: set EMAIL_URL (e.g. "
        "smtp://user:password@mail.example:587?tls=1) or EMAIL_HOST, EMAIL_PORT, "
        "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS. To print mail on purpose set "
        "EMAIL_URL=console: (or EMAIL_BACKEND to the console or file backend)."
    )


def not_delivered(backend: str) -> str:
    """ "console", "file" or "dummy" when ``backend`` delivers nothing, else ""."""
    return NOT_DELIVERED.get(backend, "")
