"""The programme officer's admin: manual moves with a reason, protocol order, saving."""

import pytest
from django.urls import reverse

from sessions.models import Session, StatementMove
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client, superuser):
    client.force_login(type(superuser).objects.get(pk=superuser.pk))
    client.user = superuser
    return client


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
        {"action": "apply_protocol_order", "_selected_action": [session.pk]},
    )

    assert response.status_code == 302
    statements = Session.objects.get(pk=session.pk).statements.values_list("pk", "order")
    assert list(statements) == [(first.pk, 1), (second.pk, 2)]
