"""Speakers' lists in protocol order, manual moves with reasons, and the published version."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conference.models import Conference
from participants.enums import DelegationCategory, RepresentationLevel
from sessions.enums import StatementStatus
from sessions.models import Statement, StatementMove
from sessions.selectors import (
    speakers_list_in_protocol_order,
    speakers_list_protocol_order_changes,
)
from sessions.services import (
    agenda_item_delete,
    agenda_item_save,
    speakers_list_apply_protocol_order,
    statement_inscribe,
    statement_move,
)
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    OrganizationFactory,
    ParticipantFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2019, 5, 1, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def session():
    return SessionFactory(conference=ConferenceFactory())


def state(session, country, level, category=DelegationCategory.PARTICIPATING_STATE):
    return DelegationFactory(
        conference=session.conference, country=country, level=level, category=category
    )


def organization(session, level, category=DelegationCategory.ORGANIZATION):
    return DelegationFactory(
        conference=session.conference,
        country="",
        organization=OrganizationFactory(),
        category=category,
        level=level,
    )


def inscribe(session, delegation, minutes, **extra):
    return StatementFactory(
        session=session, speaker__delegation=delegation, inscribed_at=at(minutes), **extra
    )


def names(statements):
    return [s.delegation.name for s in statements]


def test_states_by_level_and_inscription_time_then_organizations(session):
    minister_late = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 30)
    president = inscribe(session, state(session, "TJ", RepresentationLevel.HEAD_OF_STATE), 50)
    un_minister = inscribe(session, organization(session, RepresentationLevel.MINISTER), 1)
    minister_early = inscribe(session, state(session, "KG", RepresentationLevel.MINISTER), 10)
    expert = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 0)

    ordered = speakers_list_in_protocol_order(Statement.objects.all())

    # Organizations speak after every State, "time permitting", whatever their level.
    assert ordered == [president, minister_early, minister_late, expert, un_minister]


def test_mixed_states_and_organizations_at_each_level(session):
    org_minister = inscribe(session, organization(session, RepresentationLevel.MINISTER), 0)
    host_minister = inscribe(
        session, state(session, "TJ", RepresentationLevel.MINISTER, DelegationCategory.HOST), 20
    )
    partner_ambassador = inscribe(
        session,
        state(session, "AF", RepresentationLevel.AMBASSADOR, DelegationCategory.PARTNER_STATE),
        5,
    )
    un_ambassador = inscribe(
        session,
        organization(session, RepresentationLevel.AMBASSADOR, DelegationCategory.UN_ENTITY),
        1,
    )

    ordered = speakers_list_in_protocol_order(Statement.objects.all())

    assert ordered == [host_minister, partner_ambassador, org_minister, un_ambassador]


def test_ties_on_inscription_time_keep_the_order_they_were_inscribed_in(session):
    first = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 0)
    second = inscribe(session, state(session, "UZ", RepresentationLevel.MINISTER), 0)
    third = inscribe(session, state(session, "KG", RepresentationLevel.MINISTER), 0)

    ordered = speakers_list_in_protocol_order(reversed(list(Statement.objects.all())))

    assert ordered == [first, second, third]


def test_rights_of_reply_after_the_list_and_withdrawn_last(session):
    delegation = state(session, "KZ", RepresentationLevel.HEAD_OF_STATE)
    withdrawn = inscribe(session, delegation, 0, status=StatementStatus.WITHDRAWN)
    reply = inscribe(session, delegation, 1, is_right_of_reply=True)
    expert = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 2)

    ordered = speakers_list_in_protocol_order(Statement.objects.all())

    assert ordered == [expert, reply, withdrawn]


def test_speaker_without_delegation_speaks_after_every_level(session):
    guest = StatementFactory(
        session=session,
        speaker__delegation=None,
        speaker__conference=session.conference,
        delegation=None,
        inscribed_at=at(0),
    )
    expert = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 10)

    assert speakers_list_in_protocol_order(Statement.objects.all()) == [expert, guest]


def test_apply_protocol_order_numbers_the_list_and_bumps_the_version(session):
    expert = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 0, order=1)
    minister = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 5, order=2)
    before = Conference.objects.get(pk=session.conference_id).published_version

    speakers_list_apply_protocol_order(session=session)

    assert list(session.statements.values_list("pk", "order")) == [(minister.pk, 1), (expert.pk, 2)]
    assert Conference.objects.get(pk=session.conference_id).published_version == before + 1


def test_inscription_takes_its_protocol_place_and_keeps_manual_moves(session):
    expert = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 0)
    minister = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 5)
    speakers_list_apply_protocol_order(session=session)
    statement_move(statement=expert, to_position=1, reason="Must leave early", by=None)

    delegation = state(session, "UZ", RepresentationLevel.DEPUTY_MINISTER)
    new = Statement(
        session=session,
        speaker=ParticipantFactory(delegation=delegation),
        inscribed_at=at(60),
    )
    statement_inscribe(statement=new)

    assert new.delegation == delegation
    assert list(session.statements.values_list("pk", flat=True)) == [expert.pk, minister.pk, new.pk]
    assert list(session.statements.values_list("order", flat=True)) == [1, 2, 3]


def test_manual_move_records_reason_position_and_user(session):
    officer = UserFactory()
    a = inscribe(session, state(session, "TJ", RepresentationLevel.HEAD_OF_STATE), 0)
    b = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 1)
    c = inscribe(session, state(session, "DE", RepresentationLevel.EXPERT), 2)
    speakers_list_apply_protocol_order(session=session)
    before = Conference.objects.get(pk=session.conference_id).published_version

    move = statement_move(statement=c, to_position=2, reason="  Flight leaves at noon ", by=officer)

    assert list(session.statements.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    assert (move.statement, move.from_position, move.to_position, move.reason, move.by) == (
        c,
        3,
        2,
        "Flight leaves at noon",
        officer,
    )
    assert Conference.objects.get(pk=session.conference_id).published_version == before + 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_manual_move_without_reason_is_refused(session, reason):
    a = inscribe(session, state(session, "TJ", RepresentationLevel.HEAD_OF_STATE), 0)
    b = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 1)
    speakers_list_apply_protocol_order(session=session)

    with pytest.raises(ValidationError) as error:
        statement_move(statement=b, to_position=1, reason=reason, by=None)

    assert error.value.message_dict == {"reason": ["A manual move needs a reason."]}
    assert list(session.statements.values_list("pk", flat=True)) == [a.pk, b.pk]
    assert StatementMove.objects.count() == 0


def test_manual_move_outside_the_list_is_refused(session):
    a = inscribe(session, state(session, "TJ", RepresentationLevel.HEAD_OF_STATE), 0)
    speakers_list_apply_protocol_order(session=session)

    with pytest.raises(ValidationError) as error:
        statement_move(statement=a, to_position=2, reason="Typo", by=None)

    assert error.value.message_dict == {"to_position": ["Choose a position from 1 to 1."]}


def test_the_database_refuses_a_move_without_reason(session):
    from django.db import IntegrityError

    statement = inscribe(session, state(session, "KZ", RepresentationLevel.MINISTER), 0)
    with pytest.raises(IntegrityError):
        StatementMove.objects.create(statement=statement, from_position=1, to_position=1, reason="")


def positions(session):
    return list(session.statements.values_list("pk", "order"))


@pytest.fixture
def four(session):
    """A speakers' list of four in protocol order, the last moved by hand to second."""
    a, b, c, d = (
        inscribe(session, state(session, country, level), minutes)
        for minutes, (country, level) in enumerate(
            [
                ("TJ", RepresentationLevel.HEAD_OF_STATE),
                ("KZ", RepresentationLevel.MINISTER),
                ("KG", RepresentationLevel.AMBASSADOR),
                ("DE", RepresentationLevel.EXPERT),
            ]
        )
    )
    speakers_list_apply_protocol_order(session=session)
    statement_move(statement=d, to_position=2, reason="Leaves at noon", by=None)
    return a, b, c, d


def test_deleting_a_statement_leaves_no_gap(session, four):
    a, b, c, d = four

    agenda_item_delete(item=d)

    assert positions(session) == [(a.pk, 1), (b.pk, 2), (c.pk, 3)]


def test_a_withdrawn_statement_goes_to_the_end_of_the_list(session, four):
    a, b, c, d = four
    d.refresh_from_db()
    d.status = StatementStatus.WITHDRAWN

    agenda_item_save(item=d)

    assert positions(session) == [(a.pk, 1), (b.pk, 2), (c.pk, 3), (d.pk, 4)]


def test_a_stale_order_on_an_edited_statement_does_not_move_it(session, four):
    a, b, c, d = four
    stale = Statement.objects.get(pk=d.pk)  # second, before the deletion
    agenda_item_delete(item=a)
    stale.allotted_minutes = 7  # an edit made on a form loaded before the deletion

    agenda_item_save(item=stale)

    assert positions(session) == [(d.pk, 1), (b.pk, 2), (c.pk, 3)]


def test_a_statement_moved_to_another_session_takes_its_protocol_place_there(session, four):
    a, b, c, d = four
    other = SessionFactory(conference=session.conference)
    expert = inscribe(other, state(other, "UZ", RepresentationLevel.EXPERT), 0)
    b.refresh_from_db()
    b.session = other

    agenda_item_save(item=b)

    assert positions(session) == [(a.pk, 1), (d.pk, 2), (c.pk, 3)]
    assert positions(other) == [(b.pk, 1), (expert.pk, 2)]


def test_protocol_order_changes_name_the_manual_moves_it_undoes(session, four):
    a, b, c, d = four

    [change] = speakers_list_protocol_order_changes(sessions=[session])

    assert change.session == session
    assert [(s.statement, s.now, s.then) for s in change.shifts] == [
        (d, 2, 4),
        (b, 3, 2),
        (c, 4, 3),
    ]
    assert [m.reason for m in change.moves] == ["Leaves at noon"]
    speakers_list_apply_protocol_order(session=session)
    assert speakers_list_protocol_order_changes(sessions=[session]) == []
