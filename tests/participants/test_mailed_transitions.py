"""Fewer steps and fewer mails (#21 item 18).

A conference chooses which accreditation transitions are mailed to the focal point (the
decisions by default), and without security vetting an organizer approves from review in one
step.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conference.enums import AccreditationTransition
from conference.mail.models import OutboxMessage
from conference.models import Conference
from participants.accreditation import services
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, Participant
from tests.admin_forms import submit_change_form
from tests.factories import ConferenceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_participant_changelist")


def member(status: str, **conference) -> Participant:
    return ParticipantFactory(
        status=status,
        delegation__focal_point_email="focal@mfa.example",
        delegation__correspondence_language="ru",
        **{f"delegation__conference__{name}": value for name, value in conference.items()},
    )


def test_the_transition_names_are_those_of_the_transition_table():
    assert set(AccreditationTransition.values) == set(services.TRANSITIONS)


def test_a_conference_mails_the_decisions_only_unless_it_chooses_otherwise():
    assert Conference().mailed_transitions == [
        "approve",
        "reprint_badge",
        "reject",
        "cancel",
        "revoke",
        "return_to_review",
    ]


@pytest.mark.parametrize(
    ("name", "status"),
    [("review", S.NOMINATED), ("send_to_vetting", S.UNDER_REVIEW), ("print_badge", S.APPROVED)],
)
def test_a_step_that_is_not_a_decision_writes_no_mail(name, status):
    participant = member(status)

    done, refused = services.participants_transition(name=name, participants=[participant], by=None)

    assert (len(done), refused) == (1, [])
    assert AccreditationEvent.objects.filter(participant=participant).count() == 1
    assert not OutboxMessage.objects.exists()


def test_a_decision_writes_one_mail_in_the_focal_points_language():
    participant = member(S.VETTING)

    services.participant_approve(participant=participant, by=None)

    (row,) = OutboxMessage.objects.all()
    assert (row.recipient, row.language) == ("focal@mfa.example", "ru")
    assert f"- {participant.display_name}: Одобрена" in row.body_text


def test_a_conference_that_chooses_a_step_mails_it_and_not_an_unchosen_decision():
    chosen = member(S.NOMINATED, mailed_transitions=["review"])
    services.participant_review(participant=chosen, by=None)
    assert OutboxMessage.objects.get().recipient == "focal@mfa.example"

    unmailed = member(S.VETTING, mailed_transitions=["review"])
    services.participant_approve(participant=unmailed, by=None)
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_transition_name_is_refused():
    conference = ConferenceFactory.build(mailed_transitions=["approve", "teleport"])

    with pytest.raises(ValidationError) as error:
        conference.full_clean(exclude=["slug"])

    assert error.value.message_dict == {
        "mailed_transitions": ["Choose accreditation transitions from the list."]
    }


def test_the_conference_form_offers_the_transitions_as_check_boxes_in_russian():
    field = Conference._meta.get_field("mailed_transitions").formfield()
    with translation.override("ru"):
        assert str(field.label) == "Изменения, о которых пишут контактному лицу"
        assert [str(label) for _value, label in field.choices][:3] == [
            "Принята к рассмотрению",
            "Направлена на проверку службой безопасности",
            "Одобрена",
        ]


def test_an_organizer_picks_the_mailed_transitions_on_the_conference_page(organizer):
    conference = ConferenceFactory()
    url = reverse("admin:conference_conference_change", args=[conference.pk])

    submit_change_form(organizer, url, mailed_transitions=["review", "approve"])

    conference.refresh_from_db()
    assert conference.mailed_transitions == ["review", "approve"]


# One-step approval without vetting.


def test_without_vetting_an_organizer_approves_from_review_in_one_step():
    participant = member(S.UNDER_REVIEW, security_vetting=False)

    approved = services.participant_approve(participant=participant, by=None)

    assert (approved.status, approved.badge_number) == (S.APPROVED, 1)
    assert list(
        AccreditationEvent.objects.filter(participant=participant).values_list(
            "from_status", "to_status"
        )
    ) == [(S.UNDER_REVIEW, S.APPROVED)]


def test_with_vetting_approval_from_review_is_refused():
    participant = member(S.UNDER_REVIEW, security_vetting=True)

    with pytest.raises(services.AccreditationError) as refusal:
        services.participant_approve(participant=participant, by=None)

    assert refusal.value.code == "illegal_from_under_review"
    assert Participant.objects.get(pk=participant.pk).status == S.UNDER_REVIEW
    assert not AccreditationEvent.objects.exists()


def test_without_vetting_a_nominee_still_goes_through_review_first():
    participant = member(S.NOMINATED, security_vetting=False)

    with pytest.raises(services.AccreditationError):
        services.participant_approve(participant=participant, by=None)


@pytest.mark.parametrize(("vetting", "allowed"), [(False, True), (True, False)])
def test_the_approve_action_confirms_from_review_only_without_vetting(organizer, vetting, allowed):
    participant = member(S.UNDER_REVIEW, security_vetting=vetting)
    data = {"action": "transition_approve", ACTION_CHECKBOX_NAME: [participant.pk]}

    page = organizer.post(CHANGELIST, data)
    assert [row["allowed"] for row in page.context["rows"]] == [allowed]

    organizer.post(CHANGELIST, {**data, "confirm": "yes", "reason": ""})
    assert Participant.objects.get(pk=participant.pk).status == (
        S.APPROVED if allowed else S.UNDER_REVIEW
    )
