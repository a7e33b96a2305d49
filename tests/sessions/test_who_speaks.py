"""Who may be inscribed on a speakers' list, and whom the public pages name."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from participants.enums import AccreditationStatus, RepresentationLevel
from sessions.models import Statement
from sessions.services import statement_inscribe
from tests.admin_forms import submit_change_form
from tests.factories import DelegationFactory, ParticipantFactory, SessionFactory
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db
TO_BE_CONFIRMED = "Speaker to be confirmed"


@pytest.mark.parametrize(
    "status",
    [AccreditationStatus.REJECTED, AccreditationStatus.REVOKED, AccreditationStatus.CANCELLED],
)
def test_an_inactive_participant_cannot_be_inscribed(status):
    session = SessionFactory()
    speaker = ParticipantFactory(
        delegation__conference=session.conference, delegation__country="KZ", status=status
    )

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        statement_inscribe(statement=Statement(session=session, speaker=speaker))

    with translation.override("en"):
        label = str(AccreditationStatus(status).label).lower()
    assert refused.value.message_dict == {
        "speaker": [f"{speaker.full_name} cannot speak: their accreditation is {label}."]
    }
    assert Statement.objects.count() == 0


def test_the_model_refuses_an_inactive_speaker_on_an_active_statement_only():
    session = SessionFactory()
    speaker = ParticipantFactory(
        delegation__conference=session.conference, status=AccreditationStatus.REJECTED
    )
    statement = Statement(session=session, speaker=speaker, delegation=speaker.delegation)

    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert list(refused.value.message_dict) == ["speaker"]

    # A withdrawn statement of someone whose accreditation was later rejected stays editable.
    statement.status = "withdrawn"
    statement.full_clean()


def test_the_admin_refuses_to_inscribe_a_rejected_participant(organizer):
    session = SessionFactory()
    speaker = ParticipantFactory(
        delegation__conference=session.conference, status=AccreditationStatus.REJECTED
    )

    response = organizer.post(
        reverse("admin:agenda_statement_add"),
        {
            "session": session.pk,
            "speaker": speaker.pk,
            "mode": "in_person",
            "inscribed_at_0": "2019-05-16",
            "inscribed_at_1": "09:00",
            "allotted_minutes": 5,
            "status": "scheduled",
            "moves-TOTAL_FORMS": 0,
            "moves-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "cannot speak: their accreditation is rejected." in response.content.decode()
    assert Statement.objects.count() == 0


def test_a_statement_names_a_speaker_or_a_delegation():
    with pytest.raises(ValidationError) as refused:
        Statement(session=SessionFactory()).full_clean()
    assert refused.value.messages == [
        "Name the speaker, or at least the delegation that will speak."
    ]


def test_a_delegation_is_inscribed_before_it_names_its_speaker(organizer):
    session = SessionFactory()
    conference = session.conference
    minister = DelegationFactory(
        conference=conference, country="KZ", level=RepresentationLevel.MINISTER
    )
    expert = DelegationFactory(
        conference=conference, country="DE", level=RepresentationLevel.EXPERT
    )
    first = statement_inscribe(
        statement=Statement(session=session, speaker=ParticipantFactory(delegation=expert))
    )

    unnamed = statement_inscribe(statement=Statement(session=session, delegation=minister))

    assert (unnamed.speaker, unnamed.delegation) == (None, minister)
    assert list(session.statements.values_list("pk", "order")) == [(unnamed.pk, 1), (first.pk, 2)]
    assert str(unnamed) == f"Kazakhstan — {session.title}"

    # The speaker is named later in the admin; the statement keeps its place.
    speaker = ParticipantFactory(delegation=minister, status=AccreditationStatus.APPROVED)
    submit_change_form(
        organizer, reverse("admin:agenda_statement_change", args=[unnamed.pk]), speaker=speaker.pk
    )
    unnamed.refresh_from_db()
    assert (unnamed.speaker, unnamed.delegation, unnamed.order) == (speaker, minister, 1)


def test_a_delegation_is_inscribed_from_the_session_page_without_a_speaker(organizer):
    session = SessionFactory()
    delegation = DelegationFactory(conference=session.conference, country="KZ")
    url = reverse("admin:agenda_session_change", args=[session.pk])

    submit_change_form(
        organizer,
        url,
        **{
            "statements-TOTAL_FORMS": "1",
            "statements-0-id": "",
            "statements-0-session": str(session.pk),
            "statements-0-delegation": str(delegation.pk),
            "statements-0-mode": "in_person",
            "statements-0-allotted_minutes": "5",
            "statements-0-status": "scheduled",
        },
    )

    statement = session.statements.get()
    assert (statement.speaker, statement.delegation, statement.order) == (None, delegation, 1)


@pytest.fixture
def mixed_list():
    """A public session whose list has an approved, a nominated and an unnamed speaker."""
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    approved, nominated = (s.speaker for s in session.statements.all())
    approved.status = AccreditationStatus.APPROVED
    approved.save()
    nominated.status = AccreditationStatus.NOMINATED
    nominated.save()
    session.chair.status = AccreditationStatus.UNDER_REVIEW
    session.chair.save()
    statement_inscribe(
        statement=Statement(session=session, delegation=conference.delegations.get(country="TM"))
    )
    return conference, session, approved, nominated


def test_public_pages_name_only_accredited_speakers(client, mixed_list):
    conference, session, approved, nominated = mixed_list
    slug = conference.slug
    # Unfolded: iCalendar folds long lines.
    pages = {
        name: client.get(reverse(f"agenda:{name}", args=[slug, *extra]))
        .content.decode()
        .replace("\r\n ", "")
        for name, extra in [
            ("agenda", []),
            ("agenda_print", []),
            ("session", [session.pk]),
            ("speakers", []),
            ("agenda_ics", []),
            ("session_ics", [session.pk]),
            ("agenda_json", []),
            ("schedule_xml", []),
        ]
    }

    for name, html in pages.items():
        assert approved.family_name in html, name
        assert nominated.family_name not in html, name
        assert session.chair.family_name not in html, name
    for name in ("agenda", "agenda_print", "session", "agenda_ics", "session_ics"):
        assert pages[name].count(TO_BE_CONFIRMED) == 2, name
    assert "Turkmenistan" in pages["session"]
    speakers = next(
        s["speakers"] for s in json.loads(pages["agenda_json"])["sessions"] if s["id"] == session.pk
    )
    assert [s["name"] for s in speakers] == [approved.display_name, None, None]
    assert [s["delegation"] for s in speakers][2] == "Turkmenistan"

    assert client.get(reverse("agenda:speaker", args=[slug, approved.pk])).status_code == 200
    for hidden in (nominated, session.chair):
        assert client.get(reverse("agenda:speaker", args=[slug, hidden.pk])).status_code == 404


def test_unnamed_speakers_are_no_person_conflict(mixed_list):
    from sessions.selectors import agenda_conflicts

    conference, session, _approved, _nominated = mixed_list
    other = SessionFactory(
        conference=conference, starts_at=session.starts_at, ends_at=session.ends_at
    )
    statement_inscribe(
        statement=Statement(session=other, delegation=conference.delegations.get(country="KZ"))
    )

    assert [c.kind for c in agenda_conflicts(conference=conference)] == []
