"""Inscription by delegations: the portal's requests and withdrawals, the secretariat's
decisions, and every refusal leaving nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants.accreditation.selectors import nomination_token
from participants.enums import (
    AccreditationStatus,
    DelegationCategory,
    DelegationStatus,
    RepresentationLevel,
)
from sessions.enums import InscriptionAction, StatementStatus
from sessions.inscription import (
    inscription_confirm,
    inscription_delegate_token,
    inscription_refuse,
    inscription_request,
    inscription_withdraw,
)
from sessions.models import InscriptionEvent, Statement
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    InscribableSessionFactory,
    OrganizationFactory,
    ParticipantFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTOR = "Focal point Aliya"


@pytest.fixture
def floor():
    conference = ConferenceFactory()
    session = InscribableSessionFactory(conference=conference)
    delegation = DelegationFactory(
        conference=conference, country="KZ", level=RepresentationLevel.AMBASSADOR
    )
    speaker = ParticipantFactory(delegation=delegation, family_name="Abenova")
    return {
        "conference": conference,
        "session": session,
        "delegation": delegation,
        "speaker": speaker,
    }


def request(floor, **overrides):
    arguments = {
        "delegation": floor["delegation"],
        "session": floor["session"],
        "speaker": floor["speaker"],
        "actor_label": ACTOR,
        **overrides,
    }
    return inscription_request(**arguments)


def events():
    return list(InscriptionEvent.objects.values_list("action", "actor_label", "by__username"))


def test_a_request_lands_as_requested_in_protocol_order(floor):
    session = floor["session"]
    minister = StatementFactory(session=session, order=1, speaker__delegation__country="UZ")
    expert = StatementFactory(
        session=session,
        order=2,
        speaker__delegation__country="KG",
        speaker__delegation__level=RepresentationLevel.EXPERT,
    )
    statement = request(floor)
    assert statement.status == StatementStatus.REQUESTED
    assert (statement.speaker, statement.delegation) == (floor["speaker"], floor["delegation"])
    order = list(session.statements.order_by("order").values_list("pk", flat=True))
    assert order == [minister.pk, statement.pk, expert.pk]
    assert events() == [(InscriptionAction.REQUEST, ACTOR, None)]


def test_the_level_of_the_speaker_outranks_the_delegations(floor):
    session = floor["session"]
    minister = StatementFactory(session=session, order=1, speaker__delegation__country="UZ")
    statement = request(floor, level=RepresentationLevel.HEAD_OF_GOVERNMENT)
    assert statement.level == RepresentationLevel.HEAD_OF_GOVERNMENT
    order = list(session.statements.order_by("order").values_list("pk", flat=True))
    assert order == [statement.pk, minister.pk]


def test_a_state_goes_before_an_organization_at_a_higher_level(floor):
    organization = DelegationFactory(
        conference=floor["conference"],
        country="",
        organization=OrganizationFactory(),
        category=DelegationCategory.ORGANIZATION,
        level=RepresentationLevel.HEAD_OF_STATE,
    )
    StatementFactory(session=floor["session"], speaker__delegation=organization, order=1)
    statement = request(floor)
    assert statement.order == 1


def test_confirm_and_refuse_are_audited(floor):
    statement = request(floor)
    secretary = UserFactory(username="secretary")
    inscription_confirm(statement=statement, by=secretary)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SCHEDULED
    other = ParticipantFactory(
        delegation=DelegationFactory(conference=floor["conference"], country="UZ")
    )
    refused = request(floor, delegation=other.delegation, speaker=other, actor_label="Delegate X")
    inscription_refuse(statement=refused, by=secretary, reason="Observers speak at the end.")
    refused.refresh_from_db()
    assert refused.status == StatementStatus.REFUSED
    assert events() == [
        (InscriptionAction.REQUEST, ACTOR, None),
        (InscriptionAction.CONFIRM, "", "secretary"),
        (InscriptionAction.REQUEST, "Delegate X", None),
        (InscriptionAction.REFUSE, "", "secretary"),
    ]
    assert InscriptionEvent.objects.last().reason == "Observers speak at the end."
    # A refused request leaves the list: the scheduled one is first and only.
    assert list(floor["session"].statements.order_by("order").values_list("status", "order")) == [
        ("scheduled", 1),
        ("refused", 2),
    ]


def test_after_a_refusal_the_delegation_may_ask_again(floor):
    statement = request(floor)
    inscription_refuse(statement=statement, by=None, reason="Wrong speaker")
    again = request(floor)
    assert again.status == StatementStatus.REQUESTED


def test_withdrawal_by_the_delegation(floor):
    statement = request(floor)
    inscription_confirm(statement=statement, by=None)
    inscription_withdraw(statement=statement, delegation=floor["delegation"], actor_label=ACTOR)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.WITHDRAWN
    assert [e[0] for e in events()] == ["request", "confirm", "withdraw"]


def _refused(floor, message, **overrides):
    before = (Statement.objects.count(), InscriptionEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        request(floor, **overrides)
    assert " ".join(error.value.messages) == message
    assert (Statement.objects.count(), InscriptionEvent.objects.count()) == before


def test_refused_after_the_inscription_closes(floor):
    session = floor["session"]
    session.inscription_closes_at = dt.datetime(2019, 5, 15, 18, 0, tzinfo=dt.UTC)
    session.save()
    _refused(floor, f"Inscription for “{session}” closed at 15 May 2019, 23:00 +05.")


def test_refused_without_online_inscription(floor):
    session = SessionFactory(conference=floor["conference"])
    _refused(
        floor,
        f"The secretariat does not take online inscriptions for “{session}”.",
        session=session,
    )


def test_refused_for_a_session_of_another_conference(floor):
    elsewhere = InscribableSessionFactory()
    _refused(
        floor,
        "This session belongs to another conference than your delegation.",
        session=elsewhere,
    )


def test_refused_twice(floor):
    request(floor)
    _refused(floor, "Your delegation is already inscribed on this speakers' list.")


def test_refused_for_a_participant_of_another_delegation(floor):
    stranger = ParticipantFactory(
        delegation=DelegationFactory(conference=floor["conference"], country="UZ")
    )
    _refused(floor, "The speaker must be a member of your delegation.", speaker=stranger)


def test_refused_for_a_withdrawn_member(floor):
    floor["speaker"].status = AccreditationStatus.CANCELLED
    floor["speaker"].save()
    name = floor["speaker"].full_name
    _refused(floor, f"{name} cannot speak: their accreditation is cancelled.")


def test_refused_for_a_delegation_that_withdrew(floor):
    floor["delegation"].status = DelegationStatus.WITHDRAWN
    floor["delegation"].save()
    _refused(floor, "Kazakhstan has withdrawn: it cannot ask for the floor.")


def test_the_database_refuses_a_second_pending_statement(floor):
    request(floor)
    duplicate = Statement(
        session=floor["session"],
        delegation=floor["delegation"],
        speaker=floor["speaker"],
        status=StatementStatus.REQUESTED,
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == [
        "This delegation already has a request pending on this speakers' list."
    ]
    # The secretariat may schedule it again, e.g. to speak for a group.
    duplicate.status = StatementStatus.SCHEDULED
    duplicate.on_behalf_of = "the Central Asian States"
    duplicate.full_clean(exclude=["order"])


def test_only_requests_are_decided(floor):
    statement = request(floor)
    inscription_confirm(statement=statement, by=None)
    with pytest.raises(ValidationError) as error:
        inscription_refuse(statement=statement, by=None, reason="Late")
    assert error.value.messages == [
        "Only a requested statement can be decided; this one is scheduled."
    ]
    with pytest.raises(ValidationError) as error:
        inscription_refuse(statement=statement, by=None, reason="  ")
    assert error.value.messages == ["A refusal needs a reason."]
    assert InscriptionEvent.objects.count() == 2


def test_another_delegation_cannot_withdraw_it(floor):
    statement = request(floor)
    other = DelegationFactory(conference=floor["conference"], country="UZ")
    with pytest.raises(ValidationError) as error:
        inscription_withdraw(statement=statement, delegation=other, actor_label="x")
    assert error.value.messages == ["This statement is not your delegation's."]


# The portal pages ----------------------------------------------------------------------------


def _portal(floor) -> str:
    return reverse(
        "inscription:speakers_lists", args=[nomination_token(delegation=floor["delegation"])]
    )


def test_the_portal_inscribes_and_withdraws(client, floor):
    url = _portal(floor)
    page = client.get(url)
    assert page.status_code == 200
    assert floor["session"].title in page.content.decode()
    response = client.post(
        url,
        {"session": floor["session"].pk, "speaker": floor["speaker"].pk, "level": ""},
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    body = response.content.decode()
    assert "Your request for the floor in" in body
    assert "position 1 on the list" in body
    statement = Statement.objects.get()
    assert events() == [(InscriptionAction.REQUEST, "Focal point Focal Point", None)]
    token = nomination_token(delegation=floor["delegation"])
    withdraw = reverse("inscription:withdraw", args=[token, statement.pk])
    assert client.get(withdraw).status_code == 405
    client.post(withdraw)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.WITHDRAWN


def test_the_portal_shows_the_refusal_and_writes_nothing(client, floor):
    request(floor)
    response = client.post(
        _portal(floor), {"session": floor["session"].pk, "speaker": floor["speaker"].pk}
    )
    assert response.status_code == 200
    assert "Your delegation is already inscribed on this speakers&#x27; list." in (
        response.content.decode()
    )
    assert Statement.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "99999999", "-1", ""])
def test_the_portal_survives_any_input(client, floor, value):
    response = client.post(_portal(floor), {"session": value, "speaker": value, "level": value})
    assert response.status_code == 200
    assert Statement.objects.count() == 0


def test_a_named_delegate_inscribes_through_their_own_link(client, floor):
    delegate = ParticipantFactory(
        delegation=floor["delegation"], given_names="Dana", family_name="Seitova"
    )
    page = client.get(_portal(floor), {"delegate": delegate.pk})
    token = inscription_delegate_token(delegation=floor["delegation"], participant=delegate)
    link = reverse("inscription:delegate", args=[token])
    assert link in page.content.decode()
    response = client.post(link, {"session": floor["session"].pk, "speaker": floor["speaker"].pk})
    assert response.status_code == 302
    assert events() == [(InscriptionAction.REQUEST, "Delegate Dana Seitova", None)]
    # The delegate's link never opens the members' pages.
    assert client.get(f"/nominate/{token}/").status_code == 404


def test_rotating_the_focal_points_link_ends_the_delegates(client, floor):
    delegate = ParticipantFactory(delegation=floor["delegation"])
    token = inscription_delegate_token(delegation=floor["delegation"], participant=delegate)
    floor["delegation"].nomination_nonce = __import__("uuid").uuid4()
    floor["delegation"].save()
    assert client.get(reverse("inscription:delegate", args=[token])).status_code == 403


def test_the_secretariat_confirms_in_the_admin(client, floor):
    statement = request(floor)
    user = UserFactory(is_superuser=True)
    sign_in(client, user)
    changelist = reverse("admin:agenda_statement_changelist")
    client.post(changelist, {"action": "confirm_requests", "_selected_action": [statement.pk]})
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SCHEDULED
    other = ParticipantFactory(
        delegation=DelegationFactory(conference=floor["conference"], country="UZ")
    )
    refused = request(floor, delegation=other.delegation, speaker=other)
    url = reverse("admin:agenda_statement_refuse", args=[refused.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Not on the agenda item"})
    refused.refresh_from_db()
    assert refused.status == StatementStatus.REFUSED
    assert [e[0] for e in events()] == ["request", "confirm", "request", "refuse"]


def _portal_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_portal_page_queries_the_same_at_two_sizes(client, floor):
    url = _portal(floor)
    request(floor)
    small = _portal_queries(client, url)
    for index in range(4):
        session = InscribableSessionFactory(
            conference=floor["conference"], title=f"Session {index}"
        )
        speaker = ParticipantFactory(delegation=floor["delegation"])
        request(floor, session=session, speaker=speaker)
    assert _portal_queries(client, url) == small


def test_a_request_is_not_announced_until_confirmed(floor):
    from sessions.selectors import session_floor_state

    statement = request(floor)
    assert session_floor_state(session=floor["session"])["next"] == []
    inscription_confirm(statement=statement, by=None)
    assert [e["id"] for e in session_floor_state(session=floor["session"])["next"]] == [
        statement.pk
    ]


def test_the_speakers_lists_read_in_russian(client, floor):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    body = client.get(_portal(floor)).content.decode()
    for text in ("Списки ораторов", "Попросить слова", "Записать делегацию", "Запись открыта до"):
        assert text in body
    for text in ("Ask for the floor", "Inscribe the delegation", "Inscription open until"):
        assert text not in body


def test_inscription_closes_before_the_session_ends(floor):
    session = floor["session"]
    session.inscription_closes_at = session.ends_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.messages == ["Online inscription must close before the session ends."]


def test_the_portal_shows_why_a_request_was_refused(client, floor):
    statement = request(floor)
    inscription_refuse(statement=statement, by=None, reason="The list is for ministers.")
    body = client.get(_portal(floor)).content.decode()
    assert "The secretariat's reason: The list is for ministers." in body
