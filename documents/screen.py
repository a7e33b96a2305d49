"""The facilitator's screen page: which paragraph a session's projector shows.

A staff page (the admin's sign-in with its second factor, then the drafting or programme
officer's permission, else 403). It lists the paragraphs of the document's latest version
with their brackets; each button posts one pick or the clearing of the screen to a service
(services.document_pick_paragraph, document_clear_screen) and the page comes back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.two_factor import staff_with
from sessions.models import Session

from . import selectors, services
from .models import OutcomeDocument, Paragraph


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _perform(request: HttpRequest, document: OutcomeDocument) -> Session | None:
    # Any conference's session is looked up, so the service can refuse it by name.
    session = Session.objects.filter(pk=_int(request.POST.get("session"))).first()
    if session is None:
        raise ValidationError(_("Choose the session whose screen shows the paragraph."))
    if request.POST.get("action") == "clear":
        services.document_clear_screen(session=session, by=request.user)
        return session
    paragraph = Paragraph.objects.filter(
        pk=_int(request.POST.get("paragraph")), version__document=document
    ).first()
    if paragraph is None:
        raise ValidationError(_("This paragraph is not in this document."))
    services.document_pick_paragraph(paragraph=paragraph, session=session, by=request.user)
    return session


@staff_with(selectors.can_pick_paragraph)
def screen(request: HttpRequest, conference_slug: str, document_slug: str) -> HttpResponse:
    document = get_object_or_404(
        OutcomeDocument.objects.select_related("conference"),
        conference__slug=conference_slug,
        slug=document_slug,
    )
    url = reverse("documents:screen", args=[conference_slug, document_slug])
    if request.method == "POST":
        try:
            session = _perform(request, document)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            session = None
        query = f"?session={session.pk}" if session else ""
        return redirect(url + query)
    sessions, on_floor = selectors.screen_sessions(conference=document.conference)
    wanted = _int(request.GET.get("session"))
    session = next((s for s in sessions if s.pk == wanted), None) or on_floor
    if session is None and sessions:
        session = sessions[0]
    version = document.versions.order_by("-sequence").first()
    shown = getattr(session, "screen_paragraph", None) if session else None
    context = {
        "conference": document.conference,
        "document": document,
        "version": version,
        "paragraphs": selectors.version_paragraphs(version=version) if version else [],
        "sessions": sessions,
        "session": session,
        "on_floor": on_floor,
        "shown": shown,
    }
    with timezone.override(document.conference.tz):
        return render(request, "documents/screen.html", context)
