"""Approval refuses a participant without what the conference requires (#21 item 7)."""

import lxml.html
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation

from conference.mail.models import OutboxMessage
from conference.models import Conference
from participants.accreditation import services
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, IssuedBadge, Participant
from tests.factories import ConferenceFactory, IdentityDocumentFactory, ParticipantFactory
from tests.participants.conftest import image_upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_participant_changelist")


@pytest.fixture
def conference():
    return ConferenceFactory(requires_passport_data=True, requires_photo=True)


def vetted(conference, **fields) -> Participant:
    return ParticipantFactory(delegation__conference=conference, status=S.VETTING, **fields)


def complete(conference, **fields) -> Participant:
    """A participant in vetting with a photo and the passport data a visa check needs."""
    participant = vetted(conference, **fields)
    IdentityDocumentFactory(participant=participant, photo=image_upload())
    return participant


def nothing_written(participant: Participant, conference: Conference) -> bool:
    participant.refresh_from_db()
    conference.refresh_from_db()
    return (
        participant.status == S.VETTING
        and participant.badge_number is None
        and not AccreditationEvent.objects.filter(participant=participant).exists()
        and not IssuedBadge.objects.filter(participant=participant).exists()
        and not OutboxMessage.objects.exists()
        and conference.next_badge_number == 1
    )


def test_a_new_conference_requires_passport_data_and_a_photo():
    conference = Conference()
    assert (conference.requires_passport_data, conference.requires_photo) == (True, True)


def test_approval_without_photo_or_passport_data_is_refused_naming_what_is_missing(conference):
    participant = vetted(conference, given_names="Nodira", family_name="Karimova")

    with pytest.raises(services.AccreditationError) as refusal:
        services.participant_approve(participant=participant, by=None)

    assert refusal.value.code == "requirements_missing"
    assert str(refusal.value) == (
        "Nodira Karimova cannot be approved: missing photo, nationality, date of birth, "
        "passport number, passport expires on, which the conference requires."
    )
    assert nothing_written(participant, conference)


def test_approval_names_only_the_passport_fields_left_empty(conference):
    participant = vetted(conference, given_names="Nodira", family_name="Karimova")
    IdentityDocumentFactory(
        participant=participant, photo=image_upload(), passport_number="", date_of_birth=None
    )

    with pytest.raises(services.AccreditationError) as refusal:
        services.participant_approve(participant=participant, by=None)

    assert str(refusal.value) == (
        "Nodira Karimova cannot be approved: missing date of birth, passport number, "
        "which the conference requires."
    )
    assert nothing_written(participant, conference)


def test_a_photo_alone_is_required_where_passport_data_is_not():
    conference = ConferenceFactory(requires_passport_data=False, requires_photo=True)
    participant = vetted(conference, given_names="Nodira", family_name="Karimova")
    IdentityDocumentFactory(participant=participant, passport_number="")

    with pytest.raises(services.AccreditationError) as refusal:
        services.participant_approve(participant=participant, by=None)

    assert str(refusal.value) == (
        "Nodira Karimova cannot be approved: missing photo, which the conference requires."
    )


def test_a_refusal_reads_in_russian_for_a_russian_speaking_organizer(conference):
    participant = vetted(conference, given_names="Нодира", family_name="Каримова")
    IdentityDocumentFactory(participant=participant, photo=image_upload(), passport_number="")

    with translation.override("ru"), pytest.raises(services.AccreditationError) as refusal:
        services.participant_approve(participant=participant, by=None)

    assert str(refusal.value) == (
        "Нодира Каримова нельзя одобрить: не хватает данных, которых требует конференция: "
        "номер паспорта."
    )


def test_a_participant_with_what_the_conference_requires_is_approved(conference):
    participant = complete(conference)

    approved = services.participant_approve(participant=participant, by=None)

    assert (approved.status, approved.badge_number) == (S.APPROVED, 1)


def test_a_conference_that_requires_nothing_approves_without_identity_data():
    participant = vetted(ConferenceFactory(requires_passport_data=False, requires_photo=False))

    assert services.participant_approve(participant=participant, by=None).status == S.APPROVED


def test_a_bulk_approval_approves_the_others_and_lists_those_skipped_and_why(conference):
    first = complete(conference, family_name="Abdulloev")
    bare = vetted(conference, given_names="Nodira", family_name="Karimova")
    last = complete(conference, family_name="Zoirov")

    done, refused = services.participants_transition(
        name="approve", participants=[first, bare, last], by=None
    )

    assert [p.pk for p in done] == [first.pk, last.pk]
    assert refused == [
        f"{bare}: Nodira Karimova cannot be approved: missing photo, nationality, date of "
        "birth, passport number, passport expires on, which the conference requires."
    ]
    statuses = dict(Participant.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in (first, bare, last)] == [S.APPROVED, S.VETTING, S.APPROVED]
    assert list(IssuedBadge.objects.order_by("number").values_list("participant", "number")) == [
        (first.pk, 1),
        (last.pk, 2),
    ]
    assert not AccreditationEvent.objects.filter(participant=bare).exists()


def act(client, participants, **extra):
    data = {"action": "transition_approve", ACTION_CHECKBOX_NAME: [p.pk for p in participants]}
    return client.post(CHANGELIST, {**data, **extra})


def test_the_approve_confirmation_page_names_those_lacking_what_is_required(organizer, conference):
    ready = complete(conference, family_name="Abdulloev")
    bare = vetted(conference, family_name="Karimova")
    IdentityDocumentFactory(participant=bare, photo=image_upload(), passport_expires_on=None)

    page = act(organizer, [ready, bare])

    assert [(row["allowed"], row["missing"]) for row in page.context["rows"]] == [
        (True, ""),
        (False, "passport expires on"),
    ]
    outcomes = [
        " ".join(cell.text_content().split())
        for cell in lxml.html.fromstring(page.content).xpath("//tbody/tr/td[5]")
    ]
    assert outcomes == [
        "will change",
        "will be refused: missing passport expires on, which the conference requires",
    ]
    assert set(Participant.objects.values_list("status", flat=True)) == {S.VETTING}


def test_confirming_a_bulk_approval_reports_those_skipped(organizer, conference):
    ready = complete(conference, given_names="Aziz", family_name="Abdulloev")
    bare = vetted(conference, given_names="Nodira", family_name="Karimova")

    response = act(organizer, [ready, bare], confirm="yes", reason="")

    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Approve: 1 participant done.",
        "1 refused: Nodira Karimova: Nodira Karimova cannot be approved: missing photo, "
        "nationality, date of birth, passport number, passport expires on, which the "
        "conference requires.",
    ]
    statuses = dict(Participant.objects.values_list("pk", "status"))
    assert (statuses[ready.pk], statuses[bare.pk]) == (S.APPROVED, S.VETTING)


def test_the_participant_page_warns_of_what_approval_will_refuse_for(organizer, conference):
    bare = vetted(conference)
    IdentityDocumentFactory(participant=bare, nationality="")
    ready = complete(conference)

    def warning(participant) -> list[str]:
        page = organizer.get(
            reverse("admin:participants_participant_change", args=[participant.pk])
        )
        return [
            " ".join(node.text_content().split())
            for node in lxml.html.fromstring(page.content).xpath("//*[@id='approval-missing']")
        ]

    assert warning(bare) == [
        "Approval will be refused: missing photo, nationality, which the conference requires."
    ]
    assert warning(ready) == []
