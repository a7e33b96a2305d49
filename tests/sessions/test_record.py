"""The record of the floor: statements delivered on the session page, in the CSV and the PDF,
and speaking time per delegation and per group; and the composition report."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from participants.enums import (
    AccreditationStatus,
    DelegationCategory,
    DelegationRole,
    Gender,
    RepresentationLevel,
)
from sessions.composition import composition_csv, composition_report
from sessions.enums import StatementStatus
from sessions.record import duration_label, speaking_time
from tests.auth import sign_in
from tests.factories import (
    DUSHANBE,
    ConferenceFactory,
    DelegationFactory,
    OrganizationFactory,
    ParticipantFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OPENED = dt.datetime(2019, 5, 16, 10, 0, tzinfo=DUSHANBE)


def delivered(session, speaker, *, at_minute: int, seconds: int, paused: int = 0, **extra):
    started = OPENED + dt.timedelta(minutes=at_minute)
    return StatementFactory(
        session=session,
        speaker=speaker,
        delegation=speaker.delegation,
        status=StatementStatus.DELIVERED,
        started_at=started,
        ended_at=started + dt.timedelta(seconds=seconds + paused),
        paused_seconds=paused,
        **extra,
    )


@pytest.fixture
def held():
    """A session held: Kazakhstan's minister (female) 4:05 with a 30 s pause, the OSCE's
    head (male) 6:00, Kazakhstan's expert 1:10; Uzbekistan still waiting, a request pending."""
    conference = ConferenceFactory(slug="held")
    session = SessionFactory(conference=conference, title="General debate")
    kazakhstan = DelegationFactory(conference=conference, country="KZ")
    osce = DelegationFactory(
        conference=conference,
        country="",
        organization=OrganizationFactory(
            name="Organization for Security and Co-operation", acronym="OSCE"
        ),
        category=DelegationCategory.ORGANIZATION,
        level=RepresentationLevel.SENIOR_OFFICIAL,
    )
    uzbekistan = DelegationFactory(conference=conference, country="UZ")
    approved = {"status": AccreditationStatus.APPROVED}
    minister = ParticipantFactory(
        delegation=kazakhstan,
        given_names="Aliya",
        family_name="Abenova",
        gender=Gender.FEMALE,
        role=DelegationRole.HEAD,
        **approved,
    )
    expert = ParticipantFactory(
        delegation=kazakhstan, given_names="Daniyar", family_name="Bekov", **approved
    )
    head = ParticipantFactory(
        delegation=osce,
        given_names="Marcel",
        family_name="Pesko",
        gender=Gender.MALE,
        role=DelegationRole.HEAD,
        **approved,
    )
    waiting = ParticipantFactory(delegation=uzbekistan, gender=Gender.MALE, **approved)
    statements = [
        delivered(session, minister, at_minute=0, seconds=245, paused=30, order=1),
        delivered(session, head, at_minute=5, seconds=360, order=2, on_behalf_of="the OSCE"),
        delivered(session, expert, at_minute=12, seconds=70, order=3, is_right_of_reply=True),
    ]
    StatementFactory(session=session, speaker=waiting, order=4)
    requested = ParticipantFactory(
        delegation=DelegationFactory(conference=conference, country="TM"),
        family_name="Requestova",
        **approved,
    )
    StatementFactory(session=session, speaker=requested, order=5, status=StatementStatus.REQUESTED)
    return {"conference": conference, "session": session, "statements": statements}


def test_speaking_time_per_delegation_and_group(held):
    record = speaking_time(conference=held["conference"])
    assert [(t.label, t.statements, t.seconds) for t in record.by_delegation] == [
        ("OSCE", 1, 360),
        ("Kazakhstan", 2, 315),
    ]
    assert [(t.label, t.statements, t.seconds) for t in record.by_group] == [
        ("States", 2, 315),
        ("Organizations", 1, 360),
    ]
    assert record.total_seconds == 675
    assert [duration_label(s) for s in (0, 245, 3725)] == ["0:00", "4:05", "1:02:05"]


def test_the_session_page_lists_the_statements_delivered(client, held):
    session = held["session"]
    page = client.get(reverse("agenda:session", args=[held["conference"].slug, session.pk]))
    body = page.content.decode()
    delivered_part = body.partition("Statements delivered</h2>")[2]
    for text in ("10:00", "Aliya Abenova", "Kazakhstan", "4:05", "on behalf of the OSCE", "6:00"):
        assert text in delivered_part
    assert "1:10" in delivered_part
    # A request not confirmed yet is not announced on the public list.
    assert "Requestova" not in body


def test_the_csv_has_exactly_the_statements_delivered(held, client):
    sign_in(client, UserFactory(is_superuser=True))
    url = reverse("admin:agenda_session_record_csv", args=[held["conference"].pk])
    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines() == [
        "session,started_at,ended_at,speaker,functional_title,delegation,group,on_behalf_of,"
        "right_of_reply,allotted_minutes,paused_seconds,spoken_seconds",
        "General debate,2019-05-16T10:00+05:00,2019-05-16T10:04+05:00,Aliya Abenova,Counsellor,"
        "Kazakhstan,States,,no,5,30,245",
        "General debate,2019-05-16T10:05+05:00,2019-05-16T10:11+05:00,Marcel Pesko,Counsellor,"
        "OSCE,Organizations,the OSCE,no,5,0,360",
        "General debate,2019-05-16T10:12+05:00,2019-05-16T10:13+05:00,Daniyar Bekov,Counsellor,"
        "Kazakhstan,States,,yes,5,0,70",
    ]


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Statements delivered", "General debate", "Abenova", "4:05", "States", "11:15"]),
        ("ru", ["Сделанные выступления", "Время выступлений по группам", "Казахстан", "4:05"]),
    ],
)
def test_the_pdf_renders_in_each_language(held, client, language, texts):
    sign_in(client, UserFactory(is_superuser=True))
    url = reverse("admin:agenda_session_record_pdf", args=[held["conference"].pk])
    response = client.get(url, {"language": language, "session": held["session"].pk})
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    for expected in texts:
        assert expected in text


def test_the_composition_report(held):
    composition = composition_report(conference=held["conference"])
    assert composition.delegations == 4
    assert dict(composition.heads) == {"female": 1, "male": 1}
    assert dict(composition.members) == {"female": 1, "male": 2, "not_stated": 2}
    assert dict(composition.statements) == {"female": 1, "male": 1, "not_stated": 1}
    assert dict(composition.seconds) == {"female": 245, "male": 360, "not_stated": 70}
    lines = composition_csv(composition).removeprefix("\ufeff").splitlines()
    assert lines[:5] == [
        "measure,group,category,value",
        "delegations,states,total,3",
        "delegations,organizations,total,1",
        "delegations_by_size,states,1–2,3",
        "delegations_by_size,organizations,1–2,1",
    ]
    assert lines[-8:] == [
        "statements_by_gender,all,female,1",
        "statements_by_gender,all,male,1",
        "statements_by_gender,all,other,0",
        "statements_by_gender,all,not_stated,1",
        "speaking_seconds_by_gender,all,female,245",
        "speaking_seconds_by_gender,all,male,360",
        "speaking_seconds_by_gender,all,other,0",
        "speaking_seconds_by_gender,all,not_stated,70",
    ]
    assert "delegations_by_level,states,Minister,3" in lines
    assert "delegations_by_level,organizations,Senior Official,1" in lines


def test_the_composition_page_draws_svg_charts(organizer, held):
    url = reverse("admin:agenda_session_composition", args=[held["conference"].pk])
    body = organizer.get(url).content.decode()
    assert body.count('src="data:image/svg+xml;base64,') == 3
    assert "<script" not in body.split('id="content"')[1]


@pytest.mark.parametrize("value", ["abc", "0", "99999999999", "-3", "%00"])
def test_no_query_parameter_breaks_the_record(organizer, held, value):
    pk = held["conference"].pk
    for name in ("record", "record_pdf", "record_csv"):
        url = reverse(f"admin:agenda_session_{name}", args=[pk])
        assert organizer.get(url, {"session": value, "language": value}).status_code == 200


def _grow(held, extra: int):
    conference, session = held["conference"], held["session"]
    for index in range(extra):
        delegation = DelegationFactory(conference=conference, country=["DE", "FR", "JP"][index])
        speaker = ParticipantFactory(
            delegation=delegation, status=AccreditationStatus.APPROVED, gender=Gender.FEMALE
        )
        delivered(session, speaker, at_minute=20 + 5 * index, seconds=120, order=10 + index)


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["agenda_session_record", "agenda_session_composition", "agenda_session_record_index"]
)
def test_the_staff_pages_query_the_same_at_two_sizes(organizer, held, name):
    args = [] if name.endswith("index") else [held["conference"].pk]
    url = reverse(f"admin:{name}", args=args)
    small = _queries(organizer, url)
    _grow(held, 3)
    assert _queries(organizer, url) == small


def test_the_public_session_page_queries_the_same_at_two_sizes(client, held):
    url = reverse("agenda:session", args=[held["conference"].slug, held["session"].pk])
    small = _queries(client, url)
    _grow(held, 3)
    assert _queries(client, url) == small


def test_the_record_page_reads_in_conference_time(organizer, held):
    url = reverse("admin:agenda_session_record", args=[held["conference"].pk])
    body = organizer.get(url, {"session": held["session"].pk}).content.decode()
    assert "16 May 10:00:00" in body
    assert "16 May 05:00:00" not in body
    assert "General debate (3)" in body
