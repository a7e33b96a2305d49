"""The secretary's console and the projector page of a session's floor.

The console is a staff page (the admin's sign-in with its second factor, then the
``agenda.change_statement`` permission, else 403). Each button posts one action with the
statement the console showed, so a press that another console already made changes nothing;
every action is a service in sessions/services.py. Without JavaScript the forms post and the
page comes back; with it (static/sessions/console.js) they post in the background and the
console's panel is redrawn from the answer, and polled to follow another console.

The projector is public for public sessions, like floor.json: it shows the floor in large
type and follows it over the WebSocket, polling floor.json when that cannot open.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.site.caching import cached_conference_page
from conference.two_factor import staff_with
from participants.models import Delegation

from . import services
from .live import projector_sections
from .models import PointOfOrder, Session, Statement
from .selectors import (
    can_run_floor,
    floor_delegations,
    public_sessions,
    session_console_state,
    session_floor_state,
)

ACTIONS = ("start", "pause", "resume", "end", "next", "reply", "order", "order_close")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _statement(session: Session, value: str | None) -> Statement:
    statement = Statement.objects.filter(session=session, pk=_int(value)).first()
    if statement is None:
        raise ValidationError(_("This statement is no longer on the speakers' list."))
    statement.session = session  # the service locks the session's list: no query for it
    return statement


def _delegation(value: str | None, *, required: bool) -> Delegation | None:
    # Any conference's delegation is looked up, so the service can refuse it by name.
    delegation = Delegation.objects.filter(pk=_int(value)).first() if _int(value) else None
    if delegation is None and required:
        raise ValidationError(_("Choose a delegation."))
    return delegation


def _perform(request: HttpRequest, session: Session, action: str) -> None:
    post, by = request.POST, request.user
    if action == "next":
        services.speakers_list_next(session=session, seen_current_id=_int(post.get("seen")), by=by)
    elif action == "reply":
        services.right_of_reply_request(
            session=session, delegation=_delegation(post.get("delegation"), required=True), by=by
        )
    elif action == "order":
        services.point_of_order_raise(
            session=session,
            seen_current_id=_int(post.get("seen")),
            delegation=_delegation(post.get("delegation"), required=False),
            by=by,
        )
    elif action == "order_close":
        point = PointOfOrder.objects.filter(session=session, pk=_int(post.get("point"))).first()
        if point is None:
            raise ValidationError(_("This point of order is not in this session."))
        point.session = session
        services.point_of_order_close(point=point, by=by)
    else:
        service = {
            "start": services.statement_floor_start,
            "pause": services.statement_floor_pause,
            "resume": services.statement_floor_resume,
            "end": services.statement_floor_end,
        }[action]
        service(statement=_statement(session, post.get("statement")), by=by)


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@staff_with(can_run_floor)
def console(request: HttpRequest, conference_slug: str, pk: int) -> HttpResponse:
    session = get_object_or_404(
        Session.objects.select_related("conference", "room"),
        conference__slug=conference_slug,
        pk=pk,
    )
    error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action not in ACTIONS:
                raise ValidationError(_("Unknown action."))
            _perform(request, session, action)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
            status = 409
        if not _wants_fragment(request):
            if error:
                messages.error(request, error)
            return redirect(reverse("agenda:console", args=[conference_slug, pk]))
    context = {
        "conference": session.conference,
        "session": session,
        "state": session_console_state(session=session),
        "now": timezone.now(),
        "error": error,
        # The options once, for both pickers: a template loop over 80 delegations, twice,
        # was most of the console's answer.
        "delegation_options": format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((d.pk, d.local_name) for d in floor_delegations(conference=session.conference)),
        ),
    }
    template = "_console_panel" if _wants_fragment(request) else "console"
    with timezone.override(session.conference.tz):
        return render(request, f"sessions/floor/{template}.html", context, status=status)


@cached_conference_page
def projector(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    """The floor in large type for the room's screens: no navigation, the page's language."""
    session = get_object_or_404(public_sessions(conference=conference), pk=pk)
    context = {
        "conference": conference,
        "session": session,
        "state": session_floor_state(session=session),
        "sections": projector_sections(),
    }
    return render(request, "sessions/floor/projector.html", context)
