"""Delegations added from a pasted list (issue 21, item 17): countries by name or ISO code in
English or Russian, organizations by name or acronym; all of them, or none with each refusal."""

import pytest

from conference.enums import OrganizationKind
from conference.setup import BulkAddRefused, LineRefusal, pasted_lines
from participants.accreditation.services import delegations_add
from participants.enums import DelegationCategory
from participants.models import Delegation
from tests.factories import ConferenceFactory, DelegationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

S = DelegationCategory


def test_countries_and_organizations_are_matched_by_name_or_code():
    conference = ConferenceFactory(country="TJ")
    osce = OrganizationFactory(name="Organization for Security and Co-operation in Europe",
                               acronym="OSCE", kind=OrganizationKind.REGIONAL)  # fmt: skip
    unodc = OrganizationFactory(name="United Nations Office on Drugs and Crime", acronym="UNODC",
                                kind=OrganizationKind.UN_ENTITY)  # fmt: skip
    added = delegations_add(
        conference=conference,
        lines=pasted_lines("Kazakhstan\nkgz\nUZ\nРоссийская Федерация\nTajikistan\nosce\n"
                           "United Nations Office on Drugs and Crime\n"),
        state_category=S.PARTNER_STATE,
    )  # fmt: skip
    assert [(d.country.code, d.organization, d.category) for d in added] == [
        ("KZ", None, S.PARTNER_STATE),
        ("KG", None, S.PARTNER_STATE),
        ("UZ", None, S.PARTNER_STATE),
        ("RU", None, S.PARTNER_STATE),
        ("TJ", None, S.HOST),
        ("", osce, S.ORGANIZATION),
        ("", unodc, S.UN_ENTITY),
    ]
    assert list(conference.delegations.order_by("pk").values_list("name", flat=True)) == [
        "Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Russian Federation", "Tajikistan", "OSCE",
        "UNODC",
    ]  # fmt: skip


def test_an_unknown_name_or_a_duplicate_refuses_the_whole_list():
    conference = ConferenceFactory()
    DelegationFactory(conference=conference, country="KZ")
    DelegationFactory(country="UZ")  # another conference's delegation is no duplicate
    osce = OrganizationFactory(acronym="OSCE")
    DelegationFactory(conference=conference, country="", organization=osce,
                      category=S.ORGANIZATION)  # fmt: skip
    with pytest.raises(BulkAddRefused) as refused:
        delegations_add(
            conference=conference,
            lines=pasted_lines("Uzbekistan\nKAZ\nNarnia\nuzb\nOSCE\n"),
            state_category=S.PARTICIPATING_STATE,
        )
    assert refused.value.refusals == [
        LineRefusal(2, "KAZ", "KAZ: this conference already has this delegation."),
        LineRefusal(3, "Narnia", "Narnia: no country has this name or code, and no organization "
                                 "(add the organization under Organizations first)."),
        LineRefusal(4, "uzb", "uzb: the same delegation as line 1."),
        LineRefusal(5, "OSCE", "OSCE: this conference already has this delegation."),
    ]  # fmt: skip
    assert Delegation.objects.filter(conference=conference).count() == 2
