"""Seating plans: host and chair first, then the public delegations page's precedence;
audited swaps; more delegations than places; withdrawals; the PDF and the admin table."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.urls import reverse
from pypdf import PdfReader

from conference.enums import PartnerRole
from conference.models import ConferencePartner
from participants.accreditation import selectors as participant_selectors
from participants.enums import AccreditationStatus, DelegationStatus, RepresentationLevel
from sessions import printing, selectors, services
from sessions.enums import SeatingLayout, SessionKind
from sessions.models import SeatingPlan, SeatSwap
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CONFIRMED = DelegationStatus.CONFIRMED


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)), len(reader.pages)


def names(delegations) -> list[str]:
    return [d.name for d in delegations]


@pytest.fixture
def plenary(demo_db, db):
    return SeatingPlan.objects.select_related("conference", "room").get(
        conference__slug="dushanbe-2019", room__name="Plenary Hall"
    )


@pytest.fixture
def small():
    """Five taking-part delegations in a room of three places; the host is not first by
    precedence and the chair of the plenary comes from a third delegation."""
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference, capacity=20)
    made = {
        code: DelegationFactory(conference=conference, country=code, status=CONFIRMED)
        for code in ["AT", "DE", "FR", "JP", "TJ"]
    }
    DelegationFactory(conference=conference, country="KZ")  # invited only: never seated
    ConferencePartner.objects.create(conference=conference, country="TJ", role=PartnerRole.HOST)
    chair = ParticipantFactory(delegation=made["JP"], status=AccreditationStatus.APPROVED)
    SessionFactory(conference=conference, room=room, kind=SessionKind.PLENARY, chair=chair)
    plan = services.seating_plan_save(
        plan=SeatingPlan(conference=conference, room=room, places=3, places_per_row=3)
    )
    return plan, made


def test_the_demo_plan_seats_the_host_first_then_the_public_page_order(plenary):
    seating = selectors.seating_plan_places(plan=plenary)
    public = participant_selectors.public_delegations(conference=plenary.conference)
    assert seating.order[0].name == "Tajikistan"
    host = seating.order[0]
    assert names(seating.order) == names([host] + [d for d in public if d != host])
    # The host is also first by precedence there (a Head of State): the two orders agree.
    assert names(seating.order) == names(public)
    assert len(seating.places) == len(public) == 78
    assert seating.unseated == []
    assert seating.front == frozenset({host.pk})


def test_host_then_chair_then_precedence(small):
    plan, made = small
    seating = selectors.seating_plan_places(plan=plan)
    assert names(seating.order) == ["Tajikistan", "Japan", "Austria", "France", "Germany"]
    assert seating.front == frozenset({made["TJ"].pk, made["JP"].pk})


def test_more_delegations_than_places_are_named_not_squeezed(small, client):
    plan, _made = small
    seating = selectors.seating_plan_places(plan=plan)
    assert [p.number for p in seating.places] == [1, 2, 3]
    assert names(seating.unseated) == ["France", "Germany"]
    assert printing.unseated_message(seating) == (
        "2 delegations have no place: the plan has 3 places."
    )
    text, pages = pdf_text(printing.seating_pdf(seating=seating, language="en"))
    assert "2 delegations have no place: the plan has 3 places." in text
    assert text.index("France") > text.index("Places in order")
    assert pages == 2
    sign_in(client, UserFactory(is_superuser=True))
    page = client.get(reverse("admin:agenda_seatingplan_change", args=[plan.pk]))
    assert "2 delegations have no place: the plan has 3 places." in page.content.decode()


def test_a_swap_records_who_when_why_and_moves_both(small):
    plan, made = small
    officer = UserFactory(username="protocol")
    swap = services.seat_swap(
        plan=plan,
        first=made["TJ"],
        second=made["AT"],
        reason="  Near the interpreters. ",
        by=officer,
    )
    swap.refresh_from_db()
    assert (swap.by, swap.reason, swap.at is not None) == (officer, "Near the interpreters.", True)
    seating = selectors.seating_plan_places(plan=plan)
    assert names(seating.order) == ["Austria", "Japan", "Tajikistan", "France", "Germany"]
    services.seat_swap(plan=plan, first=made["DE"], second=made["AT"], reason="Lot.", by=officer)
    order = names(selectors.seating_plan_places(plan=plan).order)
    assert order == ["Germany", "Japan", "Tajikistan", "France", "Austria"]


@pytest.mark.parametrize(
    ("first", "second", "reason", "field"),
    [
        ("TJ", "AT", " ", "reason"),
        ("TJ", "TJ", "Why not", "second"),
        ("TJ", "KZ", "Invited only", "second"),
    ],
)
def test_a_swap_is_refused_without_reason_or_two_taking_part_delegations(
    small, first, second, reason, field
):
    plan, made = small
    kz = plan.conference.delegations.get(country="KZ")
    pick = {**made, "KZ": kz}
    with pytest.raises(ValidationError) as error:
        services.seat_swap(
            plan=plan, first=pick[first], second=pick[second], reason=reason, by=None
        )
    assert list(error.value.message_dict) == [field]
    assert SeatSwap.objects.count() == 0


def test_a_swap_with_another_conferences_delegation_is_refused(small):
    plan, made = small
    stranger = DelegationFactory(country="TJ", status=CONFIRMED)
    with pytest.raises(ValidationError) as error:
        services.seat_swap(plan=plan, first=made["AT"], second=stranger, reason="x", by=None)
    assert list(error.value.message_dict) == ["second"]


def test_a_withdrawal_updates_the_plan_and_sets_aside_its_swaps(small):
    plan, made = small
    services.seat_swap(plan=plan, first=made["JP"], second=made["FR"], reason="Asked.", by=None)
    made["FR"].status = DelegationStatus.WITHDRAWN
    made["FR"].save()
    seating = selectors.seating_plan_places(plan=plan)
    assert names(seating.order) == ["Tajikistan", "Japan", "Austria", "Germany"]
    assert names(seating.unseated) == ["Germany"]
    assert [str(s) for s in seating.stale_swaps] == ["Japan ⇄ France"]


def test_the_room_must_be_of_the_same_conference_and_hold_the_seats():
    conference = ConferenceFactory()
    other_room = RoomFactory(capacity=500)
    with pytest.raises(ValidationError) as error:
        services.seating_plan_save(
            plan=SeatingPlan(conference=conference, room=other_room, places=10)
        )
    assert "room" in error.value.message_dict
    room = RoomFactory(conference=conference, capacity=10)
    with pytest.raises(ValidationError) as error:
        services.seating_plan_save(
            plan=SeatingPlan(conference=conference, room=room, places=6, seats_per_delegation=2)
        )
    assert error.value.messages == ["6 places of 2 seats need 12 seats; " + f"{room} holds 10."]


def test_the_demo_plenary_plan_pdf_lists_the_places_in_order(plenary):
    seating = selectors.seating_plan_places(plan=plenary)
    text, pages = pdf_text(printing.seating_pdf(seating=seating, language="en"))
    assert pages == 2
    assert "Seating plan — Plenary Hall" in text
    listed = text[text.index("Places in order") :]
    # Three columns of 26, read row by row: 1, 27, 53, 2, 28, 54…
    at = 0
    for row in range(26):
        for place in seating.places[row::26]:
            found = listed.find(f"{place.number} {place.delegation.local_name}", at)
            assert (place.number, found > at) == (place.number, True)
            at = found


def test_the_demo_plan_pdf_in_russian(plenary):
    seating = selectors.seating_plan_places(plan=plenary)
    text, pages = pdf_text(printing.seating_pdf(seating=seating, language="ru"))
    assert pages == 2
    assert "Пленарный зал" in text
    assert "1 Таджикистан" in text
    assert "Tajikistan" not in text


def test_the_demo_horseshoe_has_forty_places_and_says_who_is_left(demo_db, db):
    plan = SeatingPlan.objects.get(room__name="Committee Room A")
    assert plan.layout == SeatingLayout.HORSESHOE
    seating = selectors.seating_plan_places(plan=plan)
    assert (len(seating.places), len(seating.unseated)) == (40, 38)
    text, pages = pdf_text(printing.seating_pdf(seating=seating, language="en"))
    assert "38 delegations have no place: the plan has 40 places." in text
    assert pages == 2


def test_the_swap_page_swaps_and_the_plan_page_shows_the_audit(small, client):
    plan, made = small
    officer = UserFactory(is_superuser=True, username="chief")
    sign_in(client, officer)
    url = reverse("admin:agenda_seatingplan_swap", args=[plan.pk])
    response = client.post(
        url, {"first": made["TJ"].pk, "second": made["FR"].pk, "reason": "Bilateral."}
    )
    assert response.status_code == 302
    swap = SeatSwap.objects.get()
    assert (swap.by, swap.reason) == (officer, "Bilateral.")
    page = client.get(reverse("admin:agenda_seatingplan_change", args=[plan.pk])).content.decode()
    assert "Bilateral." in page
    pdf = client.get(reverse("admin:agenda_seatingplan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text, _pages = pdf_text(b"".join(pdf.streaming_content))
    assert text.index("1 France") < text.index("2 Japan")


def test_the_plan_reads_in_a_fixed_number_of_queries(small, django_assert_max_num_queries):
    plan, made = small
    for code in ["AT", "DE"]:
        made[code].level = RepresentationLevel.AMBASSADOR
        made[code].save()
    plan = SeatingPlan.objects.select_related("conference", "room").get(pk=plan.pk)
    with django_assert_max_num_queries(6):
        selectors.seating_plan_places(plan=plan)


def test_a_room_with_a_plan_stays_until_its_conference_goes():
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference)
    plan = SeatingPlan.objects.create(conference=conference, room=room, places=4)
    with pytest.raises(RestrictedError):
        room.delete()
    conference.delete()
    assert not SeatingPlan.objects.filter(pk=plan.pk).exists()
