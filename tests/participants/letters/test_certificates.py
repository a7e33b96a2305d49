"""Certificates of attendance: only for those who collected a badge, after the conference,
in protocol order, each in the recipient's language or the organizer's choice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conference.enums import ConferenceStatus
from conference.models import Conference
from participants.enums import AccreditationStatus, DelegationRole
from participants.letters import printing as letters
from participants.letters import selectors as letters_selectors
from participants.models import IssuedBadge, Participant
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory
from tests.participants.pdfs import pdf_pages

pytestmark = pytest.mark.django_db


def attendee(conference, *, collected=True, **fields) -> Participant:
    participant = ParticipantFactory(
        delegation__conference=conference, status=AccreditationStatus.APPROVED, **fields
    )
    number = conference.issued_badges.count() + 1
    IssuedBadge.objects.create(
        conference=conference,
        number=number,
        participant=participant,
        collected_at=timezone.now() if collected else None,
    )
    return participant


@pytest.fixture
def concluded():
    return ConferenceFactory(
        status=ConferenceStatus.CONCLUDED,
        signatory_name="Jamshed Nazarzoda",
        signatory_name_ru="Джамшед Назарзода",
        signatory_title="Head of the Secretariat",
        signatory_title_ru="Руководитель секретариата",
    )


def test_a_certificate_names_the_person_the_conference_and_the_signatory(concluded):
    person = attendee(concluded, honorific="Ms.", given_names="Nadia", family_name="Rahimi")
    (page,) = pdf_pages(letters.certificates_pdf([person], conference=concluded, language="en"))
    text = " ".join(page.split())
    assert "Certificate of attendance" in text
    assert "Ms. Nadia Rahimi" in text
    assert concluded.title in text
    assert "from 16 May 2019 to 17 May 2019" in text
    assert "Jamshed Nazarzoda" in text and "Head of the Secretariat" in text


def test_each_certificate_is_in_its_recipients_language(concluded):
    english = attendee(concluded, preferred_language="en")
    russian = attendee(concluded, preferred_language="ru", name_cyrillic="Надия Рахими")
    pages = pdf_pages(letters.certificates_pdf([english, russian], conference=concluded))
    assert len(pages) == 2
    assert "Certificate of attendance" in pages[0] and "Jamshed Nazarzoda" in pages[0]
    assert "Сертификат участия" in pages[1]
    assert "Надия Рахими" in pages[1] and "Джамшед Назарзода" in pages[1]
    # The organizer's choice overrides each recipient's.
    chosen = pdf_pages(letters.certificates_pdf([english], conference=concluded, language="ru"))
    assert "Сертификат участия" in chosen[0]


def test_someone_who_never_collected_a_badge_is_refused_by_name(concluded):
    person = attendee(concluded, collected=False, given_names="Timur", family_name="Absent")
    assert (
        letters_selectors.certificate_refusal(participant=person)
        == "Timur Absent never collected a badge."
    )
    nobody = ParticipantFactory(
        delegation__conference=concluded, given_names="Ivan", family_name="Nobadge"
    )
    assert (
        letters_selectors.certificate_refusal(participant=nobody)
        == "Ivan Nobadge never collected a badge."
    )


def test_no_certificate_before_the_conference_has_concluded():
    conference = ConferenceFactory(status=ConferenceStatus.IN_SESSION, short_title="DHLC")
    person = attendee(conference)
    assert letters_selectors.certificate_refusal(participant=person) == (
        "Certificates of attendance are printed once DHLC has concluded."
    )


def test_a_batch_is_in_protocol_order_and_names_who_was_left_out(concluded, organizer):
    first = DelegationFactory(conference=concluded, country="AF")
    second = DelegationFactory(conference=concluded, country="DE")
    member = attendee(concluded, delegation=second, family_name="Berger")
    head = attendee(concluded, delegation=second, family_name="Zimmer", role=DelegationRole.HEAD)
    afghan = attendee(concluded, delegation=first, family_name="Karimi")
    absent = attendee(concluded, delegation=first, family_name="Absent", collected=False)
    given, never = letters_selectors.certificates_in_protocol_order(
        conference=concluded, participants=concluded.participants.all()
    )
    assert given == [afghan, head, member]
    assert never == [absent]

    response = organizer.post(
        reverse("admin:participants_participant_changelist"),
        {
            "action": "print_certificates",
            "_selected_action": [p.pk for p in (member, head, afghan, absent)],
        },
    )
    pages = pdf_pages(b"".join(response.streaming_content))
    assert [p.family_name in page for p, page in zip(given, pages, strict=True)] == [True] * 3
    assert len(pages) == 3
    listed = organizer.get(reverse("admin:participants_participant_changelist"))
    assert f"{absent.full_name} never collected a badge." in listed.content.decode()


def test_the_participant_page_certificate_and_its_refusal(concluded, organizer):
    person = attendee(concluded)
    response = organizer.get(
        reverse("admin:participants_participant_certificate", args=[person.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    absent = attendee(concluded, collected=False)
    refused = organizer.get(
        reverse("admin:participants_participant_certificate", args=[absent.pk]), follow=True
    )
    assert f"{absent.full_name} never collected a badge." in refused.content.decode()


def test_the_demo_certificates(demo_db, db, organizer):
    conference = Conference.objects.get(slug="dushanbe-2019")
    response = organizer.get(
        reverse("admin:participants_participant_certificates", args=[conference.pk]),
        {"language": "ru"},
    )
    given, never = letters_selectors.certificates_in_protocol_order(
        conference=conference, participants=conference.participants.all()
    )
    assert given and never
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) == len(given)
    assert "Сертификат участия" in pages[0]
    # The host's head of State first: protocol order.
    assert "Эмомали Рахмон" in pages[0]
    assert not [p for p in never if p.full_name in " ".join(pages)]


def test_the_russian_certificate_agrees_with_the_recipient(concluded):
    woman = attendee(concluded, gender="female", preferred_language="ru")
    man = attendee(concluded, gender="male", preferred_language="ru")
    unknown = attendee(concluded, gender="", preferred_language="ru")
    pages = pdf_pages(letters.certificates_pdf([woman, man, unknown], conference=concluded))
    assert ["приняла участие" in pages[0], "принял участие" in pages[1]] == [True, True]
    assert "принял(а) участие" in pages[2]
