import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from conference.models import ConferencePartner
from participants.enums import DelegationRole
from participants.models import Delegation, Participant
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


def test_second_head_of_delegation_is_refused_by_the_database():
    head = ParticipantFactory(role=DelegationRole.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(delegation=head.delegation, role=DelegationRole.HEAD)
    assert Participant.objects.filter(delegation=head.delegation).count() == 1


def test_second_head_of_delegation_fails_validation_with_a_clear_message():
    head = ParticipantFactory(role=DelegationRole.HEAD)
    second = ParticipantFactory.build(
        delegation=head.delegation, conference=head.conference, role=DelegationRole.HEAD
    )
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "This delegation already has a head of delegation." in str(excinfo.value)


def test_heads_of_different_delegations_coexist():
    conference = ConferenceFactory()
    ParticipantFactory(delegation__conference=conference, role=DelegationRole.HEAD)
    ParticipantFactory(delegation__conference=conference, role=DelegationRole.HEAD)
    assert Participant.objects.filter(role=DelegationRole.HEAD).count() == 2


@pytest.mark.parametrize("with_country,with_organization", [(True, True), (False, False)])
def test_delegation_represents_a_country_xor_an_organization(with_country, with_organization):
    conference = ConferenceFactory()
    organization = OrganizationFactory() if with_organization else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(
            conference=conference,
            country="KZ" if with_country else "",
            organization=organization,
            category="participating_state",
        )


def test_partner_is_a_country_xor_an_organization():
    conference = ConferenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferencePartner.objects.create(
            conference=conference, country="TJ", organization=OrganizationFactory(), role="host"
        )


def test_one_delegation_per_country_and_conference():
    first = DelegationFactory(country="UZ")
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(conference=first.conference, country="UZ")
    DelegationFactory(country="UZ")  # another conference may host Uzbekistan too
    assert Delegation.objects.filter(country="UZ").count() == 2


def test_one_delegation_per_organization_and_conference():
    first = DelegationFactory(country="", organization=OrganizationFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(conference=first.conference, country="", organization=first.organization)


def test_badge_number_is_unique_within_a_conference():
    holder = ParticipantFactory(badge_number=7)
    other = ParticipantFactory(delegation__conference=holder.conference)
    other.badge_number = 7
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    ParticipantFactory(badge_number=7)  # badge 7 of another conference
    assert Participant.objects.filter(badge_number=7).count() == 2


def test_email_is_unique_per_conference_ignoring_case():
    first = ParticipantFactory(email="Aziza.Example@mfa.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(
            delegation__conference=first.conference, email="aziza.example@MFA.example"
        )


def test_delegation_name_follows_country_or_organization():
    by_country = DelegationFactory(country="TJ")
    by_organization = DelegationFactory(
        country="", organization=OrganizationFactory(name="United Nations", acronym="UN")
    )
    assert (by_country.name, by_organization.name) == ("Tajikistan", "UN")


def test_delegation_name_is_stored_in_english_whatever_the_language_of_the_save():
    with translation.override("ru"):
        delegation = DelegationFactory(country="KZ")
    delegation.refresh_from_db()
    assert delegation.name == "Kazakhstan"


@pytest.mark.parametrize(
    ("with_country", "with_organization", "message"),
    [
        (False, False, "Choose a country or an organization."),
        (
            True,
            True,
            "A delegation represents either a country or an organization, not both.",
        ),
    ],
    ids=["neither", "both"],
)
def test_a_delegation_without_or_with_both_says_which(with_country, with_organization, message):
    delegation = Delegation(
        conference=ConferenceFactory(),
        country="KZ" if with_country else "",
        organization=OrganizationFactory() if with_organization else None,
        category="participating_state",
    )
    with pytest.raises(ValidationError) as excinfo:
        delegation.full_clean()
    assert excinfo.value.messages == [message]


@pytest.mark.parametrize(
    ("with_country", "with_organization", "message"),
    [
        (False, False, "Choose a country or an organization."),
        (True, True, "Choose either a country or an organization, not both."),
    ],
    ids=["neither", "both"],
)
def test_a_partner_without_or_with_both_says_which(with_country, with_organization, message):
    partner = ConferencePartner(
        conference=ConferenceFactory(),
        country="TJ" if with_country else "",
        organization=OrganizationFactory() if with_organization else None,
        role="host",
    )
    with pytest.raises(ValidationError) as excinfo:
        partner.full_clean()
    assert excinfo.value.messages == [message]
