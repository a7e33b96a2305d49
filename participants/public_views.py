"""The public list of a conference's delegations, in protocol precedence."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conference.models import Conference
from conference.site.caching import cached_conference_page

from .selectors import public_delegations


@cached_conference_page
def delegation_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    context = {"conference": conference, "delegations": public_delegations(conference=conference)}
    return render(request, "participants/delegations.html", context)
