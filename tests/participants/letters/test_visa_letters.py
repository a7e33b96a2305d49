"""Visa-support letters: what they certify, their never-reused references, who may produce them,
the identity access log, and the portal's offer to the focal point."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse

from conference.models import Conference
from participants.accreditation import services
from participants.accreditation.selectors import nomination_token
from participants.enums import AccreditationStatus, DelegationStatus
from participants.letters import printing as letters
from participants.letters import selectors as letters_selectors
from participants.letters import services as letters_services
from participants.models import IdentityAccessLog, IdentityDocument, Participant, VisaLetter
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    IdentityDocumentFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.participants.pdfs import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
CONSULATE = "Consular Section, Embassy of the Republic of Tajikistan in Kabul"


@pytest.fixture
def officer(db):
    user = UserFactory(username="visa-officer")
    user.user_permissions.add(
        Permission.objects.get(codename="view_identity_document"),
        Permission.objects.get(codename="view_participant"),
        Permission.objects.get(codename="view_delegation"),
    )
    return user


def applicant(**participant) -> Participant:
    conference = ConferenceFactory(badge_prefix="DUS")
    fields = {
        "delegation__conference": conference,
        "delegation__country": "AF",
        "passport_name": "AHMADI KARIM",
        "needs_visa_support": True,
        "visa_consulate": CONSULATE,
        "arrival_at": dt.datetime(2019, 5, 15, 9, 45, tzinfo=conference.tz),
    } | participant
    document = IdentityDocumentFactory(
        **{f"participant__{name}": value for name, value in fields.items()},
        nationality="AF",
        passport_number="P0123456",
        passport_issued_on=dt.date(2015, 3, 1),
        passport_expires_on=dt.date(2025, 2, 28),
    )
    return Participant.objects.select_related("conference", "delegation", "identity").get(
        pk=document.participant.pk
    )


def test_a_letter_names_the_passport_the_stay_and_the_consulate(officer):
    participant = applicant()
    (letter,), refused = letters_services.visa_letters_produce(
        participants=[participant], by=officer
    )
    assert refused == []
    assert letter.reference == "DUS/VISA/2019/001"
    pages = pdf_pages(letters.visa_letters_pdf([letter], conference=participant.conference))
    assert len(pages) == 1
    text = " ".join(pages[0].split())
    for expected in (
        "DUS/VISA/2019/001",
        "To: Consular Section, Embassy of the Republic of Tajikistan in Kabul",
        "AHMADI KARIM",
        "Afghanistan",
        "P0123456",
        "Date of birth 14 March 1975",
        "from 1 March 2015 until 28 February 2025",
        "from 15 May 2019 to 17 May 2019",
        "Participation in the Regional Conference on Border Co-operation",
    ):
        assert expected in text


def test_the_letter_is_in_russian_when_the_organizer_chooses_it(officer):
    participant = applicant()
    (letter,), _ = letters_services.visa_letters_produce(
        participants=[participant], by=officer, language="ru"
    )
    text = " ".join(
        pdf_text(letters.visa_letters_pdf([letter], conference=letter.conference)).split()
    )
    assert "Визовая поддержка" in text
    assert "Дата рождения 14 марта 1975" in text
    assert "Афганистан" in text
    assert "с 15 мая 2019 по 17 мая 2019" in text
    assert letter.language == "ru"


def test_each_production_is_written_to_the_identity_access_log(officer):
    participant = applicant()
    letters_services.visa_letters_produce(participants=[participant], by=officer)
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.participant, log.kind, log.export, log.row_count) == (
        officer,
        participant,
        "export",
        "visa letter DUS/VISA/2019/001",
        1,
    )


def test_one_letter_keeps_one_reference_in_every_language_it_is_printed_in(officer):
    participant = applicant()
    (english,), _ = letters_services.visa_letters_produce(participants=[participant], by=officer)
    (russian,), _ = letters_services.visa_letters_produce(
        participants=[participant], by=officer, language="ru"
    )
    assert (english.reference, russian.reference) == ("DUS/VISA/2019/001", "DUS/VISA/2019/001")
    assert russian.language == "ru"
    text = pdf_text(letters.visa_letters_pdf([russian], conference=russian.conference))
    assert "Визовая поддержка" in text and "DUS/VISA/2019/001" in text
    # Each printing is in the identity access log, under the one reference.
    assert list(IdentityAccessLog.objects.values_list("export", flat=True)) == [
        "visa letter DUS/VISA/2019/001",
        "visa letter DUS/VISA/2019/001",
    ]


def test_a_reissue_after_a_change_takes_a_new_reference_and_the_old_one_stays_recorded(
    officer,
):
    participant = applicant()
    letters_services.visa_letters_produce(participants=[participant], by=officer)
    participant.identity.passport_number = "P7654321"
    participant.identity.save()
    letters_services.visa_letters_produce(participants=[participant], by=officer)
    assert list(participant.visa_letters.values_list("reference", flat=True)) == [
        "DUS/VISA/2019/002",
        "DUS/VISA/2019/001",
    ]


def test_a_letter_needs_the_date_of_birth(officer):
    participant = applicant()
    participant.identity.date_of_birth = None
    participant.identity.save()
    letters, refused = letters_services.visa_letters_produce(participants=[participant], by=officer)
    assert letters == []
    assert refused == [f"Date of birth is missing for {participant.full_name}."]


def test_a_deleted_letter_gives_its_reference_back_to_no_one(officer):
    participant = applicant()
    (first,), _ = letters_services.visa_letters_produce(participants=[participant], by=officer)
    first.delete()
    participant.visa_consulate = "Consular Section, Embassy of Tajikistan in Tehran"
    participant.save()
    (second,), _ = letters_services.visa_letters_produce(participants=[participant], by=officer)
    assert second.reference == "DUS/VISA/2019/002"
    # The database, not only the counter, refuses a number twice.
    with pytest.raises(IntegrityError), transaction.atomic():
        VisaLetter.objects.create(
            conference=second.conference,
            number=second.number,
            reference="DUS/VISA/2019/999",
            participant=participant,
            participant_name="x",
            consulate="x",
            language="en",
        )


def test_the_letter_survives_the_deletion_of_its_participant(officer):
    participant = applicant()
    (letter,), _ = letters_services.visa_letters_produce(participants=[participant], by=officer)
    services.participant_delete(participant=participant)
    letter.refresh_from_db()
    assert (letter.participant, letter.participant_name, letter.reference) == (
        None,
        participant.full_name,
        "DUS/VISA/2019/001",
    )


def test_a_participant_without_passport_data_is_refused_naming_what_is_missing(officer):
    participant = applicant()
    IdentityDocument.objects.filter(participant=participant).update(
        passport_number="", passport_expires_on=None
    )
    participant = Participant.objects.select_related("identity").get(pk=participant.pk)
    letters_made, refused = letters_services.visa_letters_produce(
        participants=[participant], by=officer
    )
    assert letters_made == []
    assert refused == [f"Passport number and expiry date are missing for {participant.full_name}."]
    assert VisaLetter.objects.count() == 0
    assert Conference.objects.get(pk=participant.conference_id).next_visa_letter_number == 1


def test_without_any_identity_document_everything_is_named(officer):
    participant = ParticipantFactory(needs_visa_support=True)
    assert letters_selectors.visa_letter_missing(participant=participant) == (
        "The name as in the passport, nationality, date of birth, passport number, expiry date "
        f"and the consular section are missing for {participant.full_name}."
    )


def test_in_russian_the_refusal_is_russian(officer):
    participant = applicant(visa_consulate="")
    from django.utils import translation

    with translation.override("ru"):
        assert letters_selectors.visa_letter_missing(participant=participant) == (
            f"Для {participant.full_name} не указано: Консульский отдел."
        )


def test_without_the_identity_permission_no_letter_is_produced():
    participant = applicant()
    clerk = UserFactory(username="clerk")
    with pytest.raises(letters_services.LetterRefused):
        letters_services.visa_letters_produce(participants=[participant], by=clerk)
    assert VisaLetter.objects.count() == 0


def test_two_letters_for_a_delegation_are_two_lettered_pages(client, officer):
    participant = applicant()
    other = IdentityDocumentFactory(
        participant__delegation=participant.delegation,
        participant__passport_name="RAHIMI NADIA",
        participant__needs_visa_support=True,
        participant__visa_consulate=CONSULATE,
    ).participant
    ParticipantFactory(delegation=participant.delegation, needs_visa_support=False)
    sign_in(client, officer)
    response = client.post(
        reverse("admin:participants_delegation_visa_letters", args=[participant.delegation_id])
    )
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) == 2
    # Alphabetical by family name: Demoyev… (the factory's) before… whichever sorts first.
    expected = sorted([participant, other], key=lambda p: (p.family_name, p.pk))
    names = [p.passport_name for p in expected]
    assert [name in page for name, page in zip(names, pages, strict=True)] == [True, True]
    assert IdentityAccessLog.objects.filter(kind="export").count() == 2


def test_the_participant_page_button_produces_and_a_refusal_is_shown(client, officer):
    participant = applicant(visa_consulate="")
    sign_in(client, officer)
    url = reverse("admin:participants_participant_visa_letter", args=[participant.pk])
    response = client.post(url, follow=True)
    assert "The consular section is missing for" in response.content.decode()
    Participant.objects.filter(pk=participant.pk).update(visa_consulate=CONSULATE)
    response = client.post(url)
    assert response["Content-Type"] == "application/pdf"
    assert "DUS/VISA/2019/001" in pdf_text(b"".join(response.streaming_content))


def test_the_changelist_action_produces_the_selected_letters(client, officer):
    participant = applicant()
    sign_in(client, officer)
    response = client.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "produce_visa_letters", "_selected_action": [participant.pk]},
    )
    assert response["Content-Type"] == "application/pdf"
    assert VisaLetter.objects.get().participant == participant


# The portal ---------------------------------------------------------------------------------


@pytest.fixture
def portal():
    conference = ConferenceFactory(badge_prefix="DUS")
    delegation = DelegationFactory(conference=conference, status=DelegationStatus.NOMINATED)

    def member(status, asked, name):
        return IdentityDocumentFactory(
            participant__delegation=delegation,
            participant__status=status,
            participant__needs_visa_support=asked,
            participant__visa_consulate=CONSULATE if asked else "",
            participant__passport_name=name,
            participant__family_name=name.split()[0].title(),
        ).participant

    return {
        "delegation": delegation,
        "url": f"/nominate/{nomination_token(delegation=delegation)}/",
        "approved": member(AccreditationStatus.APPROVED, True, "APPROVED ASKED"),
        "nominated": member(AccreditationStatus.NOMINATED, True, "NOMINATED ASKED"),
        "silent": member(AccreditationStatus.APPROVED, False, "APPROVED SILENT"),
    }


def letter_url(portal, member) -> str:
    return f"{portal['url']}members/{member.pk}/visa-letter/"


def test_the_portal_offers_the_letter_only_for_approved_members_who_asked(client, portal):
    html = client.get(portal["url"]).content.decode()
    assert letter_url(portal, portal["approved"]) in html
    assert letter_url(portal, portal["nominated"]) not in html
    assert letter_url(portal, portal["silent"]) not in html
    assert client.get(letter_url(portal, portal["nominated"])).status_code == 404
    assert client.get(letter_url(portal, portal["silent"])).status_code == 404
    assert VisaLetter.objects.count() == 0


def test_another_delegations_member_gets_no_letter_through_this_link(client, portal):
    stranger = IdentityDocumentFactory(
        participant__delegation__conference=portal["delegation"].conference,
        participant__status=AccreditationStatus.APPROVED,
        participant__needs_visa_support=True,
        participant__visa_consulate=CONSULATE,
        participant__passport_name="STRANGER",
    ).participant
    assert client.get(letter_url(portal, stranger)).status_code == 404


def test_the_portal_hands_out_the_same_letter_until_something_it_prints_changes(client, portal):
    member = portal["approved"]
    first = client.get(letter_url(portal, member))
    again = client.get(letter_url(portal, member))
    assert first["Content-Type"] == again["Content-Type"] == "application/pdf"
    assert "no-store" in first["Cache-Control"]
    texts = [pdf_text(b"".join(r.streaming_content)) for r in (first, again)]
    assert ["DUS/VISA/2019/001" in text and "APPROVED ASKED" in text for text in texts] == [
        True,
        True,
    ]
    assert VisaLetter.objects.get().actor_label == "focal point"
    assert (
        list(IdentityAccessLog.objects.values_list("user", "export"))
        == [(None, "visa letter DUS/VISA/2019/001 (focal point)")] * 2
    )
    Participant.objects.filter(pk=member.pk).update(visa_consulate="Consular Section, Ankara")
    third = client.get(letter_url(portal, member))
    assert "DUS/VISA/2019/002" in pdf_text(b"".join(third.streaming_content))


def test_the_portal_says_what_is_missing_instead_of_a_link(client, portal):
    IdentityDocument.objects.filter(participant=portal["approved"]).update(passport_number="")
    html = client.get(portal["url"]).content.decode()
    assert letter_url(portal, portal["approved"]) not in html
    assert "Passport number is missing for" in html


def test_the_demo_letters_of_a_delegation(demo_db, db, officer):
    conference = Conference.objects.get(slug="dushanbe-2019")
    delegation = conference.delegations.get(country="AF")
    members = list(letters_selectors.visa_letter_candidates(delegation=delegation))
    assert members, "the demo has Afghans who asked for visa support"
    made, refused = letters_services.visa_letters_produce(
        participants=members, by=officer, language="en"
    )
    assert len(made) + len(refused) == len(members)
    pdf = letters.visa_letters_pdf(made, conference=conference)
    pages = pdf_pages(pdf)
    assert len(pages) == len(made)
    for letter, page in zip(made, pages, strict=True):
        assert letter.reference in page
        assert letter.participant.identity.passport_number in page
    assert [letter.reference for letter in made][:2] == ["DUS/VISA/2019/001", "DUS/VISA/2019/002"]
    assert "Jamshed Nazarzoda" in pages[0]
    assert "Consular Section, Embassy of the Republic of Tajikistan in Kabul" in " ".join(
        pages[0].split()
    )


def test_the_participant_page_offers_the_letter_in_a_language_the_organizer_picks(client, officer):
    participant = applicant(preferred_language="en")
    sign_in(client, officer)
    page = client.get(reverse("admin:participants_participant_change", args=[participant.pk]))
    assert '<select name="language" class="letter-language"' in page.content.decode()
    url = reverse("admin:participants_participant_visa_letter", args=[participant.pk])
    russian = pdf_text(b"".join(client.post(url, {"language": "ru"}).streaming_content))
    assert "Визовая поддержка" in russian
    assert VisaLetter.objects.get().language == "ru"
