"""Delegation precedence: States before organizations, then level, English or French alphabet,
and an alphabet that starts at a letter or a delegation drawn by lot."""

import pytest

from conference.enums import PrecedenceAlphabet
from participants.accreditation.selectors import delegations_in_precedence
from participants.enums import DelegationCategory, RepresentationLevel
from tests.factories import ConferenceFactory, DelegationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
MINISTER = RepresentationLevel.MINISTER


def make(conference, *codes, level=MINISTER):
    return [DelegationFactory(conference=conference, country=code, level=level) for code in codes]


def order(conference):
    return [d.name for d in delegations_in_precedence(conference=conference)]


def test_level_first_then_english_alphabet():
    conference = ConferenceFactory()
    make(conference, "TJ", level=RepresentationLevel.HEAD_OF_STATE)
    make(conference, "DE", "EG", "AT")
    make(conference, "AF", level=RepresentationLevel.AMBASSADOR)

    assert order(conference) == ["Tajikistan", "Austria", "Egypt", "Germany", "Afghanistan"]


def test_french_alphabet_ignores_accents():
    conference = ConferenceFactory(precedence_alphabet=PrecedenceAlphabet.FRENCH)
    make(conference, "DE", "EG", "AT", "US")

    # Allemagne, Autriche, Égypte, États-Unis
    assert order(conference) == ["Germany", "Austria", "Egypt", "United States of America"]


def test_organizations_after_every_state_then_by_level():
    conference = ConferenceFactory()
    DelegationFactory(
        conference=conference,
        country="",
        organization=OrganizationFactory(name="African Union", acronym="AU"),
        category=DelegationCategory.ORGANIZATION,
        level=MINISTER,
    )
    DelegationFactory(
        conference=conference,
        country="",
        organization=OrganizationFactory(name="Arab League", acronym="LAS"),
        category=DelegationCategory.ORGANIZATION,
        level=RepresentationLevel.HEAD_OF_GOVERNMENT,
    )
    make(conference, "UZ")
    make(conference, "KZ", level=RepresentationLevel.AMBASSADOR)

    assert order(conference) == ["Uzbekistan", "Kazakhstan", "LAS", "AU"]


def test_drawn_letter_starts_the_alphabet_and_wraps_round():
    conference = ConferenceFactory(precedence_start="K")
    make(conference, "AT", "DE", "KZ", "UZ", "JP")
    make(conference, "BE", "TM", level=RepresentationLevel.AMBASSADOR)

    assert order(conference) == [
        "Kazakhstan",
        "Uzbekistan",
        "Austria",
        "Germany",
        "Japan",
        "Turkmenistan",
        "Belgium",
    ]


def test_drawn_delegation_named_in_english_starts_a_french_alphabet():
    conference = ConferenceFactory(
        precedence_alphabet=PrecedenceAlphabet.FRENCH, precedence_start="Germany"
    )
    make(conference, "AT", "DE", "JP", "AF")

    # Afghanistan, [Allemagne], Autriche, Japon: the list starts at Allemagne.
    assert order(conference) == ["Germany", "Austria", "Japan", "Afghanistan"]


def test_drawn_delegation_in_the_middle_of_an_english_alphabet():
    conference = ConferenceFactory(precedence_start="japan")
    make(conference, "AT", "DE", "JP", "UZ")

    assert order(conference) == ["Japan", "Uzbekistan", "Austria", "Germany"]


def test_ties_on_name_fall_back_to_creation_order():
    conference = ConferenceFactory()
    first = DelegationFactory(
        conference=conference,
        country="",
        organization=OrganizationFactory(name="Org One", acronym="ORG"),
        category=DelegationCategory.ORGANIZATION,
    )
    second = DelegationFactory(
        conference=conference,
        country="",
        organization=OrganizationFactory(name="Org Two", acronym="ORG"),
        category=DelegationCategory.ORGANIZATION,
    )

    assert delegations_in_precedence(conference=conference) == [first, second]
