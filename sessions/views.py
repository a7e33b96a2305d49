"""Public agenda pages. Each receives a public conference from the cache decorator."""

from itertools import groupby

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from conference.models import Conference
from conference.site.caching import cached_conference_page

from .forms import AgendaFilterForm
from .live import floor_state
from .models import Session
from .selectors import (
    public_sessions,
    public_speaker_sessions,
    public_speakers,
    session_floor_state,
)


def _by_day(conference: Conference, sessions) -> list[tuple]:
    def local_day(session: Session):
        return conference.local(session.starts_at).date()

    return [(day, list(day_sessions)) for day, day_sessions in groupby(sessions, key=local_day)]


@cached_conference_page(query=tuple(AgendaFilterForm.base_fields))
def agenda(request: HttpRequest, conference: Conference) -> HttpResponse:
    rooms = list(conference.rooms.filter(sessions__is_public=True).distinct().order_by("name"))
    form = AgendaFilterForm(request.GET or None, conference=conference, rooms=rooms)
    filters = form.filters()
    sessions = public_sessions(
        conference=conference,
        day=filters.get("day"),
        room_id=filters.get("room"),
        kind=filters.get("kind", ""),
    )
    context = {
        "conference": conference,
        "form": form,
        "days": _by_day(conference, sessions),
        "is_filtered": bool(filters),
    }
    return render(request, "sessions/agenda.html", context)


@cached_conference_page
def agenda_print(request: HttpRequest, conference: Conference) -> HttpResponse:
    days = _by_day(conference, public_sessions(conference=conference))
    return render(request, "sessions/agenda_print.html", {"conference": conference, "days": days})


@cached_conference_page
def session_detail(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    session = get_object_or_404(public_sessions(conference=conference), pk=pk)
    # The record, from the statements already loaded with the speakers' list.
    delivered = sorted(
        (s for s in session.statements.all() if s.delivered_seconds is not None),
        key=lambda s: (s.started_at, s.pk),
    )
    context = {
        "conference": conference,
        "session": session,
        "delivered": delivered,
        "state": session_floor_state(session=session),
        "floor_started": any(s.started_at for s in session.statements.all()),
    }
    return render(request, "sessions/session.html", context)


@cached_conference_page
def speaker_index(request: HttpRequest, conference: Conference) -> HttpResponse:
    speakers = public_speakers(conference=conference)
    return render(
        request, "sessions/speakers.html", {"conference": conference, "speakers": speakers}
    )


@cached_conference_page
def speaker_detail(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    speaker = get_object_or_404(public_speakers(conference=conference), pk=pk)
    sessions: list[Session] = public_speaker_sessions(conference=conference, speaker=speaker)
    context = {"conference": conference, "speaker": speaker, "sessions": sessions}
    return render(request, "sessions/speaker.html", context)


@cached_conference_page
def session_floor(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    """The floor of a public session as JSON: the projectors' polling fallback (ETag, 304)."""
    session = get_object_or_404(public_sessions(conference=conference), pk=pk)
    return JsonResponse(floor_state(session=session, language=translation.get_language()))
