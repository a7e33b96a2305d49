"""Request and response security: the client's address, the Permissions-Policy header.

Who is asking: the client address the login throttle and the portal's rate limit count by.

Behind a reverse proxy every request comes from the proxy's address, so a limit per address
would lock out everyone at once. With ``TRUSTED_PROXY_COUNT`` set to the number of proxies in
front (each appends the address it saw to ``X-Forwarded-For``), the client is the address the
outermost of them appended: we walk the header from the right, one hop per trusted proxy.

The risk: ``X-Forwarded-For`` is whatever the client sent, with the proxies' entries appended at
its right end. Read from the left, or read at all when no proxy stands in front, it lets a client
choose a fresh address per request and walk past the login lockout and the portal's 429. So a
hop is believed only when it comes from an address in ``TRUSTED_PROXIES`` (the proxies' own
addresses or networks; loopback by default); a request that reaches us from anywhere else is
counted by its connection address, whatever header it carries.
"""

import hashlib
import ipaddress
import logging
import re
from functools import lru_cache, wraps

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The client's address: the right-most hop not appended by one of our trusted proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    # Each trusted proxy appended the address it saw; past TRUSTED_PROXY_COUNT hops (or at a
    # hop that is not one of our proxies) the rest of the header is the client's own invention.
    for _hop in range(settings.TRUSTED_PROXY_COUNT):
        if not forwarded or not _trusted(address):
            break
        address = forwarded.pop()
    return address


# A nomination link is the focal point's key to the delegation: whoever reads it in a log can
# nominate. Log lines name it by a digest (the same for every line of one link, so requests can
# still be followed) and never by the token itself.
_NOMINATION_PATH = re.compile(r"(/nominate/)([^/?#\s\"']+)")


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()[:12]


def redact_tokens(text: str) -> str:
    """``text`` with every nomination token in a /nominate/ path replaced by its digest."""
    if "/nominate/" not in text:
        return text
    return _NOMINATION_PATH.sub(lambda m: m.group(1) + token_digest(m.group(2)), text)


class RedactTokensFilter(logging.Filter):
    """A logging filter: the record's message, arguments included, with tokens digested.

    On the handlers of conference/settings.py LOGGING (Django's "Not Found: /nominate/…" and
    the development server's request lines); gunicorn's access log uses gunicorn.conf.py.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# Browser features no Plenary page uses, refused to every page and to anything it embeds. A
# view that needs one (the check-in desk's camera) says so with @permissions_policy.
DEFAULT_PERMISSIONS = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}


def permissions_policy(**features: str):
    """Override features of the Permissions-Policy for one view: ``camera="(self)"``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.permissions_policy = {**DEFAULT_PERMISSIONS, **features}
            return response

        return wrapper

    return decorator


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header: the defaults, or what the view asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        features = getattr(response, "permissions_policy", DEFAULT_PERMISSIONS)
        response.headers.setdefault(
            "Permissions-Policy", ", ".join(f"{name}={allow}" for name, allow in features.items())
        )
        return response
