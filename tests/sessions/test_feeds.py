"""iCalendar, JSON and frab schedule XML; ETag, Last-Modified and 304s."""

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from icalendar import Calendar
from lxml import etree

from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db
DUSHANBE = zoneinfo.ZoneInfo("Asia/Dushanbe")
SHARED_XSD = Path("/work/shared/schemas/frab-schedule.xsd")


@pytest.fixture
def agenda():
    return build_agenda(scale=2)


def test_ical_feed_has_the_local_times_and_a_vtimezone(client, agenda):
    conference, sessions = agenda
    response = client.get(reverse("agenda:agenda_ics", args=[conference.slug]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{conference.slug}.ics"'
    calendar = Calendar.from_ical(response.content)
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Asia/Dushanbe"
    events = calendar.walk("VEVENT")
    assert len(events) == len(sessions)
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2019, 5, 16, 9, 0, tzinfo=DUSHANBE)
    assert start.utcoffset() == dt.timedelta(hours=5)
    assert (start.hour, start.minute) == (9, 0)
    assert first["DTSTART"].params["TZID"] == "Asia/Dushanbe"
    assert b"DTSTART;TZID=Asia/Dushanbe:20190516T090000" in response.content
    assert first.decoded("DTEND") == dt.datetime(2019, 5, 16, 9, 30, tzinfo=DUSHANBE)
    assert {str(e["UID"]) for e in events} == {
        f"{conference.slug}-session-{s.pk}@plenary" for s in sessions
    }


def test_session_ical_has_one_event(client, agenda):
    conference, sessions = agenda
    session = sessions[0]
    response = client.get(reverse("agenda:session_ics", args=[conference.slug, session.pk]))

    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == session.title
    assert str(event["LOCATION"]) == f"{session.room.name}, Kokhi Somon"
    assert event.decoded("DTSTART") == dt.datetime(2019, 5, 16, 9, 0, tzinfo=DUSHANBE)


def test_json_round_trips(client, agenda):
    conference, sessions = agenda
    response = client.get(reverse("agenda:agenda_json", args=[conference.slug]))

    data = json.loads(response.content)
    assert json.loads(json.dumps(data)) == data
    assert data["conference"]["slug"] == conference.slug
    assert data["conference"]["time_zone"] == "Asia/Dushanbe"
    assert [s["id"] for s in data["sessions"]] == [s.pk for s in sessions]
    first = data["sessions"][0]
    session = sessions[0]
    assert dt.datetime.fromisoformat(first["starts_at"]) == session.starts_at
    assert first["starts_at"] == "2019-05-16T09:00:00+05:00"
    assert first["chair"]["name"] == session.chair.display_name
    assert [s["name"] for s in first["speakers"]] == [
        st.speaker.display_name for st in session.statements.all()
    ]
    assert first["speakers"][0] == {
        "position": 1,
        "name": session.statements.first().speaker.display_name,
        "title": "Counsellor",
        "delegation": "Kazakhstan",
        "on_behalf_of": "",
        "mode": "in_person",
        "mode_label": "In person",
        "allotted_minutes": 5,
        "is_right_of_reply": False,
    }


def schedule(client, conference):
    response = client.get(reverse("agenda:schedule_xml", args=[conference.slug]))
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content)


EVENT_CHILDREN = {
    "room", "title", "type", "date", "start", "duration", "abstract", "slug", "subtitle",
    "track", "persons", "language", "description", "links",
}  # fmt: skip


def test_schedule_xml_has_the_frab_structure(client, agenda):
    conference, sessions = agenda
    root = schedule(client, conference)

    assert root.tag == "schedule"
    assert [child.tag for child in root][:2] == ["version", "conference"]
    head = root.find("conference")
    assert {c.tag for c in head} == {
        "title",
        "acronym",
        "start",
        "end",
        "days",
        "timeslot_duration",
    }
    assert head.findtext("start") == "2019-05-16"
    days = root.findall("day")
    assert [(d.get("date"), d.get("index")) for d in days] == [
        ("2019-05-16", "1"),
        ("2019-05-17", "2"),
    ]
    events = root.findall("day/room/event")
    assert len(events) == len(sessions)
    ids = [e.get("id") for e in events]
    assert len(set(ids)) == len(ids) and all(i.isdigit() and int(i) > 0 for i in ids)
    assert len({e.get("guid") for e in events}) == len(events)
    assert len({e.findtext("slug") for e in events}) == len(events)
    for event in events:
        assert {c.tag for c in event} == EVENT_CHILDREN
        assert event.findtext("room") == event.getparent().get("name")
        dt.datetime.fromisoformat(event.findtext("date"))
    first = root.find("day/room/event")
    assert (first.findtext("start"), first.findtext("duration")) == ("09:00", "00:30")
    assert first.findtext("date") == "2019-05-16T09:00:00+05:00"
    persons = [p.text for p in first.find("persons")]
    assert persons[0] == sessions[0].chair.display_name


@pytest.mark.skipif(not SHARED_XSD.exists(), reason="the frab XSD is not on this machine")
def test_schedule_xml_validates_against_the_frab_xsd(client, agenda):
    schema = etree.XMLSchema(etree.parse(str(SHARED_XSD)))
    root = schedule(client, agenda[0])
    assert schema.validate(root), schema.error_log


@pytest.mark.parametrize("name", ["agenda_ics", "agenda_json", "schedule_xml", "agenda"])
def test_etag_last_modified_and_304(client, agenda, name):
    conference, _ = agenda
    url = reverse(f"agenda:{name}", args=[conference.slug])
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
