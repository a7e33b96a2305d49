"""The published version moves only when something the public sees changes.

Every cached public page is keyed on it, so a needless bump empties the cache of the
whole conference, and a missing one serves a stale page.
"""

import pytest
from django.urls import reverse

from conference.models import Conference
from participants.accreditation.services import participant_edit
from participants.enums import DelegationRole
from participants.imports.services import participants_import
from tests.admin_forms import submit_change_form
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _change_url(participant) -> str:
    return reverse("admin:participants_participant_change", args=[participant.pk])


def _version(conference) -> int:
    return Conference.objects.values_list("published_version", flat=True).get(pk=conference.pk)


def test_importing_twenty_participants_leaves_the_published_version_alone():
    conference = ConferenceFactory(max_delegation_size=20)
    delegation = DelegationFactory(conference=conference, country="KZ")
    rows = "".join(f"member{n}@mfa.kz,Given{n},Family{n},expert\n" for n in range(20))
    before = _version(delegation.conference)

    plan = participants_import(
        conference=delegation.conference,
        text="email,given_names,family_name,role\n" + rows,
        delegation=delegation,
        by=UserFactory(),
    )

    assert len(plan.created) == 20
    assert _version(delegation.conference) == before


def test_an_imported_head_of_delegation_shows_and_bumps_once():
    delegation = DelegationFactory(conference=ConferenceFactory(), country="KZ")
    before = _version(delegation.conference)

    participants_import(
        conference=delegation.conference,
        text="email,given_names,family_name,role\nhead@mfa.kz,Yerlan,Karin,head\n"
        "a@mfa.kz,Dana,Sarsen,expert\n",
        delegation=delegation,
        by=UserFactory(),
    )

    assert _version(delegation.conference) == before + 1


def test_editing_a_hotel_in_the_admin_leaves_the_published_version_alone(organizer):
    participant = ParticipantFactory(hotel="Hyatt Regency Dushanbe")
    before = _version(participant.conference)

    submit_change_form(organizer, _change_url(participant), hotel="Serena Hotel")

    participant.refresh_from_db()
    assert participant.hotel == "Serena Hotel"
    assert _version(participant.conference) == before


def test_renaming_a_speaker_in_the_admin_bumps_the_published_version(organizer):
    participant = ParticipantFactory(role=DelegationRole.EXPERT)
    before = _version(participant.conference)

    submit_change_form(organizer, _change_url(participant), family_name="Corrected-Spelling")

    assert _version(participant.conference) == before + 1


def test_a_logistics_edit_through_the_service_leaves_the_version_alone():
    participant = ParticipantFactory()
    before = _version(participant.conference)
    participant.arrival_flight = "SZ 202"

    participant_edit(participant=participant, by=UserFactory(), changed_fields=["arrival_flight"])

    assert _version(participant.conference) == before
