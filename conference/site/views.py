"""Public conference pages: the list of conferences, a conference's home and its delegations."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from sessions.caching import cached_conference_page, cached_site_page
from sessions.selectors import public_conferences, public_delegations

from .enums import PartnerRole
from .models import Conference

ORGANIZER_ROLES = (PartnerRole.HOST, PartnerRole.CO_ORGANIZER)

# Django's set_language, without a CSRF token: a forged request could only change
# the visitor's language cookie, while a per-visitor token in the switcher would
# make every cached public page personal.
switch_language = csrf_exempt(set_language)


@cached_site_page
def conference_index(request: HttpRequest) -> HttpResponse:
    return render(request, "conference/home_index.html", {"conferences": public_conferences()})


@cached_conference_page
def conference_home(request: HttpRequest, conference: Conference) -> HttpResponse:
    partners = list(conference.partners.select_related("organization"))
    context = {
        "conference": conference,
        "organizers": [p for p in partners if p.role in ORGANIZER_ROLES],
        "partners": [p for p in partners if p.role not in ORGANIZER_ROLES],
    }
    return render(request, "conference/home.html", context)


@cached_conference_page
def delegation_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    context = {"conference": conference, "delegations": public_delegations(conference=conference)}
    return render(request, "conference/home_delegations.html", context)
