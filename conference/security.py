"""Request and response security: the client's address, the Permissions-Policy header.

Who is asking: the client address the login throttle and the portal's rate limit count by.

Behind a reverse proxy every request comes from the proxy's address, so a limit per address
would lock out everyone at once. With ``TRUSTED_PROXY_COUNT`` set to the number of proxies in
front (each appends the address it saw to ``X-Forwarded-For``), the client is the entry that
many places from the right; entries further left are whatever the client chose to send.
"""

from functools import wraps

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
