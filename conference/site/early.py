"""The early answer for cached public pages: a middleware placed right after WhiteNoise.

An anonymous visitor's request for a cached public page (or feed) needs none of the
session, authentication, CSRF, second-factor, messages or lockout middleware: the page is
the same for everyone. This middleware resolves the path; when the view is one of the site's
cached views (``conference.site.caching``) and its page is in the cache, it answers at once.
Everything else goes the full path: a request with a session cookie, a method other than GET
or HEAD, a path of another view, and a page not yet cached (the full path renders it).

The middleware above it (security, Content-Security-Policy, Permissions-Policy) wrap this one
as they wrap the rest, so those headers are theirs either way. Of the middleware it skips,
three touch a public page's response, and their ``process_response`` runs here in the order
the full stack would run it: X-Frame-Options, Content-Length (CommonMiddleware) and the
language (LocaleMiddleware: Content-Language, Vary). The body and the headers are then the
same both ways; tests/site/test_early_cache.py compares them.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, get_resolver


def _unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("the early path calls only process_request/process_response")


class CachedPublicPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.locale = LocaleMiddleware(_unused)
        # Innermost first, as the full stack runs their process_response.
        self.on_response = (
            XFrameOptionsMiddleware(_unused),
            CommonMiddleware(_unused),
            self.locale,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.early_response(request)
        return self.get_response(request) if response is None else response

    def early_response(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            match = get_resolver().resolve(request.path_info)
        except Resolver404:
            return None
        cached_response = getattr(match.func, "cached_response", None)
        if cached_response is None or getattr(cached_response, "view", None) is not match.func:
            return None
        self.locale.process_request(request)
        response = cached_response(request, *match.args, **match.kwargs)
        if response is None:
            return None
        for middleware in self.on_response:
            response = middleware.process_response(request, response)
        # The WSGI layer in front (conference.site.ready) may keep a copy of this answer.
        response.answered_early = True
        return response
