"""A printed badge is downloaded again under its number; only a lost one is voided (#21 item 8)."""

import pytest
from django.core import mail
from django.urls import reverse

from conference.models import Conference
from participants.accreditation import services
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.enums import AccreditationStatus
from participants.models import BadgePrinting, IssuedBadge
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(db):
    participant = ParticipantFactory(
        status=AccreditationStatus.VETTING,
        delegation__conference__badge_prefix="DU27",
        delegation__focal_point_email="focal@mfa.example",
        delegation__correspondence_language="ru",
    )
    return services.participant_approve(participant=participant, by=None)


def copies(participant) -> list[tuple[int, int, str]]:
    return [
        (copy.badge.number, copy.copy_number, copy.by.username if copy.by else "")
        for copy in BadgePrinting.objects.filter(badge__participant=participant).order_by("pk")
    ]


def test_the_participant_page_downloads_a_printed_badge_again_under_its_number(organizer, approved):
    url = reverse("admin:participants_participant_print_badge", args=[approved.pk])
    first = organizer.post(url)
    again = organizer.post(url)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Content-Type"] == "application/pdf"
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert "badge-DU27-0001.pdf" in again["Content-Disposition"]
    assert IssuedBadge.objects.filter(participant=approved).count() == 1
    assert copies(approved) == [(1, 1, "chief-organizer"), (1, 2, "chief-organizer")]


def test_the_change_page_offers_download_again_and_void_for_a_printed_badge(organizer, approved):
    badging_services.badges_print(participants=[approved], by=None)
    page = organizer.get(reverse("admin:participants_participant_change", args=[approved.pk]))
    html = page.content.decode()
    assert "Download the badge again (PDF)" in html
    assert "Void badge (lost or stolen)…" in html
    assert "DU27-0001 · copy 1" in html


def test_printing_a_selection_again_downloads_the_printed_ones(organizer, approved):
    badging_services.badges_print(participants=[approved], by=None)
    response = organizer.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "print_badges_cards", "_selected_action": [approved.pk]},
    )
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert copies(approved) == [(1, 1, ""), (1, 2, "chief-organizer")]


def test_download_again_refuses_a_badge_never_printed(approved):
    issued, refused = badging_services.badges_download_again(participants=[approved], by=None)
    assert (issued, refused) == (
        [],
        [f"{approved.full_name} has no printed badge to download again."],
    )
    assert copies(approved) == []


def test_voiding_takes_a_reason_and_tells_the_focal_point_the_new_number_in_their_language(
    organizer, approved, django_capture_on_commit_callbacks
):
    badging_services.badges_print(participants=[approved], by=None)
    url = reverse("admin:participants_participant_reprint_badge", args=[approved.pk])
    refused = organizer.post(url, {"reason": ""})
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(url, {"reason": "Lost at the hotel"})
    assert response.status_code == 200
    assert "badge-DU27-0002.pdf" in response["Content-Disposition"]
    (message,) = mail.outbox
    assert message.to == ["focal@mfa.example"]
    assert "прежний бейдж аннулирован; номер нового бейджа: DU27-0002" in message.body
    assert copies(approved) == [(1, 1, ""), (2, 1, "chief-organizer")]


def test_the_print_mail_names_the_badge_number_and_the_portal_prints_it_alike(
    client, approved, django_capture_on_commit_callbacks
):
    Conference.objects.filter(pk=approved.conference_id).update(mailed_transitions=["print_badge"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        badging_services.badges_print(participants=[approved], by=None)
    (message,) = mail.outbox
    assert "DU27-0001" in message.body
    members = badging_selectors.printed_badges([approved])
    assert [badge.printed_number for badge in members] == ["DU27-0001"]
