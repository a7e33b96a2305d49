"""Each step of the import's row planning, seen through the public dry run.

``participants_import_plan`` plans every row in turn (participants/imports/services.py,
``_Planning.row``): the shifted-row check, the e-mail, the delegation, a person registered
elsewhere, the cells, the nationality, the model's validation, the one head, the delegation's
limits, and what the row adds to the plan.
"""

import pytest

from participants.enums import AccreditationStatus, DelegationRole
from participants.imports.services import RowError, participants_import_plan
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

HEADER = "email,given_names,family_name,role,delegation,nationality\n"


@pytest.fixture
def kazakhstan():
    return DelegationFactory(conference=ConferenceFactory(), country="KZ", hospitality_quota=1)


def plan_of(delegation, *rows: str, header: str = HEADER):
    return participants_import_plan(conference=delegation.conference, text=header + "".join(rows))


def test_a_row_with_a_cell_too_many_is_refused_whole(kazakhstan):
    plan = plan_of(kazakhstan, "a@mfa.kz,Aliya,Nur,expert,KZ,KZ,extra\n")
    assert plan.errors == [
        RowError(
            2,
            "column 7",
            "This row has 7 cells but the header has 6 columns. "
            "Put quotes around a value that contains the delimiter.",
        )
    ]
    assert plan.created == []


def test_the_e_mail_must_be_valid_and_once_in_the_file(kazakhstan):
    plan = plan_of(
        kazakhstan,
        "not-an-email,Aliya,Nur,expert,KZ,\n",
        "a@mfa.kz,Aliya,Nur,expert,KZ,\n",
        "A@mfa.kz,Dana,Sar,expert,KZ,\n",
    )
    assert plan.errors == [
        RowError(2, "email", "“not-an-email” is not an e-mail address."),
        RowError(4, "email", "The same e-mail is on row 3."),
    ]
    assert [p.email for p in plan.created] == ["a@mfa.kz"]


def test_the_delegation_must_be_one_of_the_conference(kazakhstan):
    plan = plan_of(kazakhstan, "a@mfa.kz,Aliya,Nur,expert,Atlantis,\n")
    assert plan.errors == [
        RowError(
            2,
            "delegation",
            "Unknown country or organization “Atlantis”; use an ISO code such as KZ or the name.",
        )
    ]


def test_a_registered_person_stays_in_their_delegation(kazakhstan):
    DelegationFactory(conference=kazakhstan.conference, country="KG")
    ParticipantFactory(delegation=kazakhstan, email="known@mfa.kz")
    plan = plan_of(kazakhstan, "known@mfa.kz,Aliya,Nur,expert,KG,\n")
    assert plan.errors == [
        RowError(2, "delegation", "known@mfa.kz is already registered with Kazakhstan.")
    ]


def test_a_cell_with_an_unknown_choice_names_the_allowed_ones(kazakhstan):
    plan = plan_of(kazakhstan, "a@mfa.kz,Aliya,Nur,astronaut,KZ,\n")
    ((row, column, message),) = [(e.row, e.column, e.message) for e in plan.errors]
    assert (row, column) == (2, "role")
    assert message.startswith("Unknown value “astronaut”; use one of: ")


def test_the_nationality_must_name_a_country(kazakhstan):
    plan = plan_of(kazakhstan, "a@mfa.kz,Aliya,Nur,expert,KZ,Atlantis\n")
    assert plan.errors == [
        RowError(
            2,
            "nationality",
            "Unknown nationality “Atlantis”; use an ISO code such as KZ or the country's name "
            "in English or Russian.",
        )
    ]


def test_the_model_s_own_validation_speaks_for_the_rest(kazakhstan):
    plan = plan_of(kazakhstan, "a@mfa.kz,,Nur,expert,KZ,\n")
    assert plan.errors == [RowError(2, "given_names", "This field cannot be blank.")]


def test_a_second_active_head_is_refused_by_the_one_head_rule(kazakhstan):
    ParticipantFactory(
        delegation=kazakhstan,
        role=DelegationRole.HEAD,
        status=AccreditationStatus.APPROVED,
        given_names="Yerlan",
        family_name="Karin",
    )
    plan = plan_of(kazakhstan, "b@mfa.kz,Dana,Sar,head,KZ,\n")
    assert [(e.row, e.column) for e in plan.errors] == [(2, "role")]


def test_the_delegation_s_size_counts_the_rows_so_far(kazakhstan):
    kazakhstan.max_size = 2
    kazakhstan.save()
    plan = plan_of(
        kazakhstan,
        "a@mfa.kz,Aliya,Nur,expert,KZ,\n",
        "b@mfa.kz,Dana,Sar,expert,KZ,\n",
        "c@mfa.kz,Erik,Osp,expert,KZ,\n",
    )
    assert plan.errors == [
        RowError(4, "delegation", "Kazakhstan may have at most 2 members; this would make 3.")
    ]
    assert [p.email for p in plan.created] == ["a@mfa.kz", "b@mfa.kz"]


def test_a_good_row_creates_or_updates_and_carries_its_nationality(kazakhstan):
    known = ParticipantFactory(delegation=kazakhstan, email="known@mfa.kz", given_names="Old")
    plan = plan_of(
        kazakhstan,
        "known@mfa.kz,Aliya,Nur,expert,KZ,\n",
        "new@mfa.kz,Dana,Sar,expert,KZ,Kazakhstan\n",
    )
    assert plan.errors == []
    assert [(p.pk, p.given_names) for p in plan.updated] == [(known.pk, "Aliya")]
    assert plan.saved[known.pk].given_names == "Old"
    assert [p.email for p in plan.created] == ["new@mfa.kz"]
    assert [(p.email, code) for p, code in plan.nationalities] == [("new@mfa.kz", "KZ")]
