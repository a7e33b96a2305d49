"""Issue 21, item 15: the statement form, the swap log and the silence messages read in
the conference's zone, and Django's "N hours behind server time" never shows."""

import datetime as dt
import zoneinfo

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from documents.enums import AdoptionMethod, DocumentStatus
from documents.services import DocumentError, document_adopt, silence_break
from sessions import services
from sessions.models import SeatingPlan, Statement
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    OutcomeDocumentFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DUSHANBE = zoneinfo.ZoneInfo("Asia/Dushanbe")


@pytest.fixture
def session():
    conference = ConferenceFactory()
    start = dt.datetime(2019, 5, 16, 10, tzinfo=DUSHANBE)
    return SessionFactory(
        conference=conference,
        room=RoomFactory(conference=conference),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def _inputs(response, name: str) -> list[str]:
    page = lxml.html.fromstring(response.content.decode())
    return [i.get("value") or "" for i in page.xpath(f'//input[starts-with(@name, "{name}_")]')]


def test_a_new_statement_without_a_session_is_not_prefilled_with_the_utc_clock(organizer):
    response = organizer.get(reverse("admin:agenda_statement_add"))
    assert _inputs(response, "inscribed_at") == ["", ""]


def test_from_the_sessions_link_it_is_prefilled_with_the_conference_clock(organizer, session):
    response = organizer.get(reverse("admin:agenda_statement_add"), {"session": session.pk})
    date, time = _inputs(response, "inscribed_at")
    shown = dt.datetime.fromisoformat(f"{date} {time}").replace(tzinfo=DUSHANBE)
    assert abs(shown - timezone.now()) < dt.timedelta(minutes=1)


def _inscribe(organizer, session, date="", time=""):
    speaker = ParticipantFactory(delegation=DelegationFactory(conference=session.conference))
    return organizer.post(
        reverse("admin:agenda_statement_add"),
        {
            "session": session.pk,
            "speaker": speaker.pk,
            "mode": "in_person",
            "status": "scheduled",
            "paused_seconds": 0,
            "allotted_minutes": 5,
            "inscribed_at_0": date,
            "inscribed_at_1": time,
            "title_en": "",
            "title_ru": "",
            "on_behalf_of": "",
            "delegation": speaker.delegation_id,
            "moves-TOTAL_FORMS": 0,
            "moves-INITIAL_FORMS": 0,
            "inscription_events-TOTAL_FORMS": 0,
            "inscription_events-INITIAL_FORMS": 0,
        },
    )


def test_an_empty_inscription_time_is_the_moment_of_saving(organizer, session):
    before = timezone.now()
    response = _inscribe(organizer, session)
    assert response.status_code == 302
    inscribed = Statement.objects.get().inscribed_at
    assert before <= inscribed <= timezone.now()


def test_a_typed_inscription_time_is_conference_time(organizer, session):
    response = _inscribe(organizer, session, "2019-05-16", "09:30")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Statement.objects.get().inscribed_at == dt.datetime(2019, 5, 16, 4, 30, tzinfo=dt.UTC)


def test_the_swap_log_reads_in_conference_time(organizer):
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference, capacity=10)
    first, second = (
        DelegationFactory(conference=conference, country=code, status="confirmed")
        for code in ("AT", "DE")
    )
    plan = services.seating_plan_save(
        plan=SeatingPlan(conference=conference, room=room, places=2, places_per_row=2)
    )
    swap = services.seat_swap(plan=plan, first=first, second=second, reason="Booth.", by=None)
    type(swap).objects.filter(pk=swap.pk).update(at=dt.datetime(2019, 5, 16, 7, 15, tzinfo=dt.UTC))
    page = organizer.get(reverse("admin:agenda_seatingplan_change", args=[plan.pk]))
    (row,) = lxml.html.fromstring(page.content.decode()).xpath(
        '//tr[contains(@class, "dynamic-") or contains(@id, "-0")][.//td[contains(., "Booth.")]]'
    )
    text = " ".join(row.text_content().split())
    assert "16 May 2019, 12:15 +05" in text
    assert "07:15" not in text


@pytest.fixture
def under_silence():
    document = OutcomeDocumentFactory()
    deadline = dt.datetime(2099, 5, 17, 13, 0, tzinfo=dt.UTC)
    type(document).objects.filter(pk=document.pk).update(
        status=DocumentStatus.SILENCE_PROCEDURE, silence_deadline=deadline
    )
    document.refresh_from_db()
    return document


def test_adoption_before_the_silence_deadline_names_it_in_conference_time(under_silence):
    with pytest.raises(DocumentError) as refused:
        document_adopt(
            document=under_silence,
            method=AdoptionMethod.SILENCE_PROCEDURE,
            adopted_on=dt.date(2099, 5, 17),
            by=UserFactory(),
        )
    assert refused.value.message == "The silence procedure runs until 17 May 2099, 18:00 +05."


def test_breaking_an_ended_silence_names_the_deadline_in_conference_time(under_silence):
    type(under_silence).objects.filter(pk=under_silence.pk).update(
        silence_deadline=dt.datetime(2019, 5, 17, 13, 0, tzinfo=dt.UTC)
    )
    under_silence.refresh_from_db()
    with pytest.raises(DocumentError) as refused:
        silence_break(
            document=under_silence,
            delegation=DelegationFactory(conference=under_silence.conference),
            text="Too late.",
            by=UserFactory(),
        )
    assert refused.value.message == (
        "The silence procedure ended at 17 May 2019, 18:00 +05; it can no longer be broken."
    )
