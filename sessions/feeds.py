"""The agenda for calendar and conference apps: iCalendar, JSON and frab schedule XML."""

import uuid
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from conference.models import Conference
from conference.site.caching import cached_conference_page

from .models import Session, Statement
from .selectors import public_sessions

PRODID = "-//Plenary//Conference agenda//EN"
GUID_NAMESPACE = uuid.UUID("6f1c3bd4-5c1e-4a0b-9d87-4f1f0c1f9b2a")


def _session_url(request: HttpRequest, conference: Conference, session: Session) -> str:
    return request.build_absolute_uri(reverse("agenda:session", args=[conference.slug, session.pk]))


def _speaker_line(statement: Statement) -> str:
    speaker = statement.public_speaker
    parts = [
        speaker.display_name if speaker else _("Speaker to be confirmed"),
        (statement.delegation.local_name if statement.delegation else ""),
    ]
    if statement.on_behalf_of:
        parts.append(statement.on_behalf_of)
    return " — ".join(part for part in parts if part)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# iCalendar -------------------------------------------------------------------


def _calendar(request: HttpRequest, conference: Conference, sessions) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", conference.short_title)
    calendar.add("x-wr-timezone", conference.time_zone)
    # Titles, rooms and descriptions are in the request's language (English where the
    # Russian value is empty); LANGUAGE tells the calendar which.
    text = {"LANGUAGE": get_language()}
    for session in sessions:
        event = Event()
        event.add("uid", f"{conference.slug}-session-{session.pk}@plenary")
        event.add("summary", session.title, parameters=text)
        event.add("dtstart", conference.local(session.starts_at))
        event.add("dtend", conference.local(session.ends_at))
        event.add("dtstamp", session.updated_at)
        where = [session.room.name if session.room else "", conference.venue_name]
        event.add("location", ", ".join(filter(None, where)), parameters=text)
        event.add("categories", [session.get_kind_display()])
        event.add("url", _session_url(request, conference, session))
        lines = [session.description] if session.description else []
        if session.public_chair:
            lines.append(_("Chair: %(name)s") % {"name": session.public_chair.display_name})
        lines += [_speaker_line(s) for s in session.statements.all()]
        if lines:
            event.add("description", "\n".join(lines), parameters=text)
        calendar.add_component(event)
    # VTIMEZONE blocks from the tz database, so calendars place events in local time.
    calendar.add_missing_timezones()
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


@cached_conference_page
def agenda_ics(request: HttpRequest, conference: Conference) -> HttpResponse:
    response = _calendar(request, conference, public_sessions(conference=conference))
    return _attachment(response, f"{conference.slug}.ics")


@cached_conference_page
def session_ics(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    session = get_object_or_404(public_sessions(conference=conference), pk=pk)
    response = _calendar(request, conference, [session])
    return _attachment(response, f"{conference.slug}-session-{session.pk}.ics")


# JSON ------------------------------------------------------------------------


def _person(participant) -> dict | None:
    if participant is None:
        return None
    return {
        "name": participant.display_name,
        "title": participant.functional_title,
        "delegation": (participant.delegation.local_name if participant.delegation else ""),
    }


def _session_record(request: HttpRequest, conference: Conference, session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "kind_label": str(session.get_kind_display()),
        "description": session.description,
        "starts_at": conference.local(session.starts_at).isoformat(),
        "ends_at": conference.local(session.ends_at).isoformat(),
        "room": session.room.name if session.room else None,
        "chair": _person(session.public_chair),
        "url": _session_url(request, conference, session),
        "speakers": [
            {
                "position": position,
                # null until the speaker is named and accredited
                "name": s.public_speaker.display_name if s.public_speaker else None,
                "title": s.public_speaker.functional_title if s.public_speaker else None,
                "delegation": (s.delegation.local_name if s.delegation else ""),
                "on_behalf_of": s.on_behalf_of,
                "mode": s.mode,
                "mode_label": str(s.get_mode_display()),
                "allotted_minutes": s.allotted_minutes,
                "is_right_of_reply": s.is_right_of_reply,
            }
            for position, s in enumerate(session.statements.all(), start=1)
        ],
    }


@cached_conference_page
def agenda_json(request: HttpRequest, conference: Conference) -> HttpResponse:
    data = {
        "conference": {
            "slug": conference.slug,
            "language": get_language(),
            "title": conference.title,
            "short_title": conference.short_title,
            "start_date": conference.start_date.isoformat(),
            "end_date": conference.end_date.isoformat(),
            "time_zone": conference.time_zone,
            "venue": conference.venue_name,
            "version": conference.published_version,
        },
        "sessions": [
            _session_record(request, conference, session)
            for session in public_sessions(conference=conference)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


# frab / pentabarf schedule XML -----------------------------------------------


def _hours_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _text(parent: ET.Element, tag: str, text: str = "", **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    element.text = text
    return element


def _event(request, conference: Conference, session: Session, room_name: str) -> ET.Element:
    start: datetime = conference.local(session.starts_at)
    event = ET.Element(
        "event",
        id=str(session.pk),
        guid=str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/{session.pk}")),
    )
    _text(event, "date", start.isoformat())
    _text(event, "start", f"{start:%H:%M}")
    _text(event, "duration", _hours_minutes(session.duration_minutes))
    _text(event, "room", room_name)
    _text(event, "slug", f"{conference.slug}-{session.pk}-{slugify(session.title)[:50]}")
    _text(event, "title", session.title)
    _text(event, "subtitle")
    _text(event, "track", str(session.get_kind_display()))
    _text(event, "type", session.kind)
    _text(event, "language", get_language())
    _text(event, "abstract", session.description)
    _text(event, "description", session.description)
    persons = _text(event, "persons")
    people = [session.public_chair, *(s.public_speaker for s in session.statements.all())]
    for person in dict.fromkeys(filter(None, people)):
        _text(persons, "person", person.display_name, id=person.pk)
    links = _text(event, "links")
    _text(links, "link", session.title, href=_session_url(request, conference, session))
    return event


@cached_conference_page
def schedule_xml(request: HttpRequest, conference: Conference) -> HttpResponse:
    sessions = list(public_sessions(conference=conference))
    schedule = ET.Element("schedule")
    _text(schedule, "version", str(conference.published_version))
    head = _text(schedule, "conference")
    _text(head, "acronym", conference.slug)
    _text(head, "title", conference.title)
    _text(head, "start", conference.start_date.isoformat())
    _text(head, "end", conference.end_date.isoformat())
    _text(head, "days", str(len(conference.days)))
    _text(head, "timeslot_duration", "00:15")
    for index, day in enumerate(conference.days, start=1):
        todays = [s for s in sessions if conference.local(s.starts_at).date() == day]
        attributes = {"date": day.isoformat(), "index": str(index)}
        if todays:
            attributes["start"] = conference.local(todays[0].starts_at).isoformat()
            attributes["end"] = conference.local(max(s.ends_at for s in todays)).isoformat()
        day_element = ET.SubElement(schedule, "day", attributes)
        room_names = dict.fromkeys(str(s.room or conference.venue_name) for s in todays)
        for room_name in room_names:
            room = ET.SubElement(day_element, "room", name=room_name)
            for session in todays:
                if str(session.room or conference.venue_name) == room_name:
                    room.append(_event(request, conference, session, room_name))
    body = ET.tostring(schedule, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
