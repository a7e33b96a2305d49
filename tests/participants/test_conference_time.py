"""Arrival and departure mean the conference's wall time, whichever way they come in."""

import datetime as dt

import lxml.html
import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conference.models import Conference
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, Participant
from tests.exports.conftest import download_url, parse
from tests.factories import DUSHANBE, ParticipantFactory
from tests.imports.helpers import confirm_import, upload_import
from tests.participants.conftest import Portal

pytestmark = pytest.mark.django_db

# 14:30 on the 15th to 20:00 on the 17th in Dushanbe (UTC+5): two hotel nights.
ARRIVAL, DEPARTURE = "2019-05-15T14:30", "2019-05-17T20:00"


def enter_through_the_portal(client, delegation) -> None:
    response = Portal(client, delegation).nominate(
        email="portal@mfa.kz", hotel="Hyatt", departure_at=DEPARTURE
    )
    assert response.status_code == 302


def enter_through_the_admin(client, delegation) -> None:
    response = client.post(
        reverse("admin:participants_participant_add"),
        {
            "conference": delegation.conference.pk,
            "delegation": delegation.pk,
            "given_names": "Admin",
            "family_name": "Entered",
            "email": "admin@mfa.kz",
            "role": "adviser",
            "preferred_language": "en",
            "hotel": "Hyatt",
            "arrival_at_0": "2019-05-15",
            "arrival_at_1": "14:30",
            "departure_at_0": "2019-05-17",
            "departure_at_1": "20:00",
            "identity-TOTAL_FORMS": "0",
            "identity-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def enter_through_the_import(client, delegation) -> None:
    content = (
        "email,given_names,family_name,role,hotel,arrival_at,departure_at\n"
        f"import@mfa.kz,Csv,Imported,adviser,Hyatt,{ARRIVAL},{DEPARTURE}\n"
    ).encode()
    url = reverse("admin:conference_import_participants", args=[delegation.conference.pk])
    preview = upload_import(
        client,
        url,
        {"file": SimpleUploadedFile("d.csv", content), "delegation": delegation.pk},
    )
    assert preview.context["errors"] == []
    confirm_import(client, url, preview.context["job"])


def export(client, conference, identifier: str, columns: tuple[str, ...]) -> dict:
    header, *rows = parse(client.get(download_url(conference, identifier)))
    by_email_or_name = {}
    for row in rows:
        record = dict(zip(header, row, strict=True))
        by_email_or_name[record["family_name"]] = tuple(record[c] for c in columns)
    return by_email_or_name


def test_the_same_stay_entered_three_ways_exports_the_same(client, organizer, delegation):
    enter_through_the_portal(client, delegation)
    enter_through_the_admin(organizer, delegation)
    enter_through_the_import(organizer, delegation)
    assert Participant.objects.count() == 3

    travel = export(organizer, delegation.conference, "travel", ("arrival_at", "departure_at"))
    rooming = export(
        organizer, delegation.conference, "rooming-list", ("check_in", "check_out", "nights")
    )
    stay = ("2019-05-15T14:30+05:00", "2019-05-17T20:00+05:00")
    assert travel == {"Exampleov": stay, "Entered": stay, "Imported": stay}
    nights = ("2019-05-15", "2019-05-17", "2")
    assert rooming == {"Exampleov": nights, "Entered": nights, "Imported": nights}
    stored = set(Participant.objects.values_list("departure_at", flat=True))
    assert stored == {dt.datetime(2019, 5, 17, 15, 0, tzinfo=dt.UTC)}


def datetime_widget(page, name: str):
    (container,) = lxml.html.fromstring(page.content).xpath(
        f'//p[@class="datetime"][.//input[@name="{name}_0"]]'
    )
    return container


def test_the_admin_reads_a_stay_in_conference_time_without_the_server_time_note(
    organizer, delegation
):
    member = ParticipantFactory(
        delegation=delegation,
        arrival_at=dt.datetime(2019, 5, 15, 14, 30, tzinfo=DUSHANBE),
    )
    page = organizer.get(reverse("admin:participants_participant_change", args=[member.pk]))
    widget = datetime_widget(page, "arrival_at")
    assert widget.xpath('.//input[@name="arrival_at_1"]/@value') == ["14:30:00"]
    # Django's calendar script adds "You are N hours ahead of server time" unless the
    # container already holds a .timezonewarning: this note is that element.
    (note,) = widget.xpath('.//*[contains(@class, "timezonewarning")]')
    assert note.text_content() == "Times are in the conference's time zone, Dushanbe (GMT+05:00)."


def test_the_conference_time_zone_is_chosen_from_the_iana_zones(organizer):
    page = lxml.html.fromstring(organizer.get(reverse("admin:conference_conference_add")).content)
    (select,) = page.xpath('//select[@name="time_zone"]')
    zones = select.xpath("./option/@value")
    assert {"Asia/Dushanbe", "Europe/Vienna", "UTC"} <= set(zones)
    assert "Dushanbe" not in zones


def test_the_conference_deadlines_are_entered_in_the_chosen_time_zone(organizer):
    add = reverse("admin:conference_conference_add")
    page = lxml.html.fromstring(organizer.get(add).content)
    form = next(f for f in page.forms if f.get("id") == "conference_form")
    data = dict(form.form_values())
    data.update(
        title_en="Vienna Conference",
        short_title_en="Vienna 2027",
        slug="vienna-2027",
        city_en="Vienna",
        country="AT",
        start_date="2027-03-17",
        end_date="2027-03-18",
        time_zone="Europe/Vienna",
        registration_deadline_0="2027-03-01",
        registration_deadline_1="18:00",
    )
    response = organizer.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    conference = Conference.objects.get(slug="vienna-2027")
    assert conference.registration_deadline == dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def logged(delegation):
    """An accreditation event at 23:35 in Dushanbe (18:35 UTC) and a vetting deadline."""
    member = ParticipantFactory(delegation=delegation)
    event = AccreditationEvent.objects.create(participant=member, to_status=S.NOMINATED)
    AccreditationEvent.objects.filter(pk=event.pk).update(
        at=dt.datetime(2019, 5, 1, 18, 35, tzinfo=dt.UTC)
    )
    type(delegation.conference).objects.filter(pk=delegation.conference_id).update(
        vetting_deadline=dt.datetime(2019, 5, 10, 13, 0, tzinfo=dt.UTC)
    )
    return delegation


@pytest.mark.parametrize(
    ("language", "event_at", "deadline"),
    [
        ("en", "1 May 2019, 23:35 +05", "10 May 2019, 18:00 +05"),
        ("ru", "1 мая 2019, 23:35 +05", "10 мая 2019, 18:00 +05"),
    ],
)
def test_admin_date_times_share_one_format_in_conference_time(
    organizer, logged, language, event_at, deadline
):
    organizer.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    events = organizer.get(reverse("admin:participants_accreditationevent_changelist"))
    page = lxml.html.fromstring(events.content.decode())
    assert page.xpath('//td[contains(@class, "field-local_at")]/text()') == [event_at]

    change = organizer.get(reverse("admin:participants_delegation_change", args=[logged.pk]))
    history = lxml.html.fromstring(change.content.decode()).xpath(
        '//div[@id="audit-history"]//td[1]'
    )
    assert [td.text_content() for td in history] == [event_at]

    dashboard = organizer.get(
        reverse("admin:participants_participant_dashboard", args=[logged.conference_id])
    ).content.decode()
    assert deadline in dashboard


def test_the_nomination_link_mail_gives_the_expiry_in_conference_time(
    organizer, delegation, django_capture_on_commit_callbacks
):
    # A new link lasts until the registration deadline, here 20:00 UTC: 01:00 in Dushanbe.
    Conference.objects.filter(pk=delegation.conference_id).update(
        registration_deadline=timezone.now().replace(
            hour=20, minute=0, second=0, microsecond=0, tzinfo=dt.UTC
        )
        + dt.timedelta(days=60)
    )
    with django_capture_on_commit_callbacks(execute=True):
        organizer.post(
            reverse("admin:participants_delegation_nomination_link", args=[delegation.pk, "send"])
        )
    delegation.refresh_from_db()
    local = delegation.conference.local(delegation.nomination_link_expires_at)
    assert local.hour == 1
    assert f"The link works until {local.day} {local:%B %Y}, 01:00 +05." in mail.outbox[0].body
