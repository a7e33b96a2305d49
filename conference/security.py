"""Who is asking: the client address the login throttle and the portal's rate limit count by.

Behind a reverse proxy every request comes from the proxy's address, so a limit per address
would lock out everyone at once. With ``TRUSTED_PROXY_COUNT`` set to the number of proxies in
front (each appends the address it saw to ``X-Forwarded-For``), the client is the entry that
many places from the right; entries further left are whatever the client chose to send.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
