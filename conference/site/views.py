"""The site's own public pages: the list of conferences, a conference's home, the language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from conference.enums import PartnerRole
from conference.models import Conference
from conference.selectors import public_conferences

from .caching import cached_conference_page, cached_site_page

ORGANIZER_ROLES = (PartnerRole.HOST, PartnerRole.CO_ORGANIZER)

# Django's set_language, without a CSRF token: a forged request could only change
# the visitor's language cookie, while a per-visitor token in the switcher would
# make every cached public page personal.
switch_language = csrf_exempt(set_language)


@cached_site_page
def conference_index(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home_index.html", {"conferences": public_conferences()})


@cached_conference_page
def conference_home(request: HttpRequest, conference: Conference) -> HttpResponse:
    partners = list(conference.partners.select_related("organization"))
    context = {
        "conference": conference,
        "organizers": [p for p in partners if p.role in ORGANIZER_ROLES],
        "partners": [p for p in partners if p.role not in ORGANIZER_ROLES],
    }
    return render(request, "site/home.html", context)
