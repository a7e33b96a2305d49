"""The public pages of delegations and participants, in protocol precedence."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from conference.models import Conference
from conference.site.caching import cached_conference_page
from participants.accreditation.selectors import public_delegations
from participants.letters import printing as letters
from participants.letters.selectors import participant_list_is_final, public_participant_list


@cached_conference_page
def delegation_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    context = {"conference": conference, "delegations": public_delegations(conference=conference)}
    return render(request, "participants/delegations.html", context)


def _edition(request: HttpRequest, conference: Conference) -> bool:
    return participant_list_is_final(conference=conference, edition=request.GET.get("edition"))


@cached_conference_page(query=("edition",))
def participant_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    final = _edition(request, conference)
    context = {
        "conference": conference,
        "final": final,
        "edition": "final" if final else "provisional",
        "delegations": public_participant_list(conference=conference, final=final),
    }
    return render(request, "participants/participant_list.html", context)


@cached_conference_page(query=("edition",))
def participant_list_pdf(request: HttpRequest, conference: Conference) -> HttpResponse:
    # Public and the same for everyone, so the page cache keeps it (pdf_response is for
    # documents that name people privately and must not be stored).
    final = _edition(request, conference)
    pdf = letters.participant_list_pdf(
        public_participant_list(conference=conference, final=final),
        conference=conference,
        final=final,
        language=translation.get_language(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    edition = "final" if final else "provisional"
    response["Content-Disposition"] = (
        f'inline; filename="participants-{conference.slug}-{edition}.pdf"'
    )
    return response
