"""The programme officer's admin: manual moves with a reason, protocol order, saving."""

import datetime as dt

import pytest
from django.urls import reverse

from sessions.models import Session, Statement, StatementMove
from sessions.services import statement_inscribe, statement_move
from tests.admin_forms import submit_change_form
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


def test_move_needs_a_reason_and_records_it(organizer):
    _, sessions = build_agenda(scale=1)
    session = sessions[0]
    first, second = session.statements.all()
    url = reverse("admin:agenda_statement_move", args=[second.pk])

    page = organizer.get(url)
    assert page.status_code == 200
    assert (
        reverse("admin:agenda_statement_move", args=[second.pk])
        in organizer.get(
            reverse("admin:agenda_statement_change", args=[second.pk])
        ).content.decode()
    )

    refused = organizer.post(url, {"to_position": 1, "reason": "   "})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert StatementMove.objects.count() == 0

    moved = organizer.post(url, {"to_position": 1, "reason": "Head of delegation leaves at noon"})
    assert moved.status_code == 302
    assert list(session.statements.values_list("pk", flat=True)) == [second.pk, first.pk]
    move = StatementMove.objects.get()
    assert (move.from_position, move.to_position, move.reason, move.by_id) == (
        2,
        1,
        "Head of delegation leaves at noon",
        organizer.user.pk,
    )


def test_action_puts_lists_back_into_protocol_order(organizer):
    _, sessions = build_agenda(scale=1)
    session = sessions[0]
    first, second = session.statements.all()
    session.statements.filter(pk=first.pk).update(order=9)
    assert list(session.statements.values_list("pk", flat=True)) == [second.pk, first.pk]

    response = organizer.post(
        reverse("admin:agenda_session_changelist"),
        {"action": "apply_protocol_order", "_selected_action": [session.pk], "confirm": "yes"},
    )

    assert response.status_code == 302
    statements = Session.objects.get(pk=session.pk).statements.values_list("pk", "order")
    assert list(statements) == [(first.pk, 1), (second.pk, 2)]


def test_session_times_are_read_and_entered_in_the_conference_time_zone(organizer):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]  # 09:00–09:30 in Dushanbe, stored as 04:00 UTC
    url = reverse("admin:agenda_session_change", args=[session.pk])

    page = organizer.get(url).content.decode()
    assert 'name="starts_at_1" value="09:00:00"' in page
    assert "Times are in the conference&#x27;s time zone, Dushanbe (GMT+05:00)." in page

    submit_change_form(organizer, url, starts_at_1="10:00:00", ends_at_1="10:45:00")
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2019, 5, 16, 5, 0, tzinfo=dt.UTC)
    assert session.ends_at == dt.datetime(2019, 5, 16, 5, 45, tzinfo=dt.UTC)

    listing = organizer.get(reverse("admin:agenda_session_changelist")).content.decode()
    assert "16 May 10:00–10:45" in listing


def test_a_session_added_in_the_admin_takes_the_conference_time_zone(organizer):
    conference, _ = build_agenda(scale=1)
    response = organizer.post(
        reverse("admin:agenda_session_add"),
        {
            "conference": conference.pk,
            "title_en": "Closing session",
            "kind": "closing",
            "starts_at_0": "2019-05-17",
            "starts_at_1": "17:15",
            "ends_at_0": "2019-05-17",
            "ends_at_1": "18:00",
            "is_public": "on",
            "order": 0,
            "statements-TOTAL_FORMS": 0,
            "statements-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    session = Session.objects.get(title="Closing session")
    assert session.starts_at == dt.datetime(2019, 5, 17, 12, 15, tzinfo=dt.UTC)


def moved_by_hand(session):
    """Two statements in protocol order, the second moved by hand to the top."""
    first, second = session.statements.all()
    statement_move(statement=second, to_position=1, reason="Minister leaves at noon", by=None)
    return first, second


def test_protocol_order_action_lists_the_manual_moves_and_asks_first(organizer):
    _, sessions = build_agenda(scale=1)
    session = sessions[0]
    first, second = moved_by_hand(session)
    changelist = reverse("admin:agenda_session_changelist")
    chosen = {"action": "apply_protocol_order", "_selected_action": [session.pk, sessions[1].pk]}

    page = organizer.post(changelist, chosen)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Minister leaves at noon" in html
    assert f"{second.speaker}: from position 1 to 2" in html
    assert html.count('name="_selected_action"') == 2
    assert list(session.statements.values_list("pk", flat=True)) == [second.pk, first.pk]

    done = organizer.post(changelist, {**chosen, "confirm": "yes"})

    assert done.status_code == 302
    assert list(session.statements.values_list("pk", "order")) == [(first.pk, 1), (second.pk, 2)]


def test_a_statement_deleted_on_the_session_page_leaves_no_gap(organizer):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    delegation = conference.delegations.get(country="TM")
    statement_inscribe(statement=Statement(session=session, delegation=delegation))
    assert list(session.statements.values_list("order", flat=True)) == [1, 2, 3]
    url = reverse("admin:agenda_session_change", args=[session.pk])

    submit_change_form(organizer, url, **{"statements-0-DELETE": "on"})

    assert list(session.statements.values_list("order", flat=True)) == [1, 2]
    last = session.statements.last()
    move_page = organizer.get(reverse("admin:agenda_statement_move", args=[last.pk]))
    assert move_page.context["form"]["to_position"].value() == 2
