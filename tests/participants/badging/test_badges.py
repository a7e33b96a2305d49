"""The badge PDF read back: text, page size, and a QR code the desk accepts."""

import io

import pytest
import zxingcpp
from pypdf import PdfReader

from conference.models import Conference
from participants.accreditation import services
from participants.badging import printing as badges
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.enums import AccreditationStatus, ScanAction, ScanResult
from participants.models import Participant

pytestmark = pytest.mark.django_db

POINTS_PER_MM = 72 / 25.4


def render(issued, *, layout=badges.Layout.CARDS) -> PdfReader:
    output = io.BytesIO()
    badges.render_badges(issued, conference=issued[0].conference, layout=layout, output=output)
    return PdfReader(io.BytesIO(output.getvalue()))


def decoded_qr(page) -> str:
    """The text of the one QR image on the page, scaled up so the reader has room."""
    # The photo is 3:4; the QR code is the square image.
    (image,) = [image.image for image in page.images if image.image.width == image.image.height]
    big = image.convert("L").resize((image.width * 4, image.height * 4))
    (found,) = zxingcpp.read_barcodes(big)
    return found.text


def current_badge(participant):
    return participant.issued_badges.get(voided_at__isnull=True)


def test_a_demo_badge_with_a_cyrillic_name_reads_back_and_its_qr_passes_the_desk(
    demo_db, db, superuser
):
    rahmon = Participant.objects.select_related("conference").get(family_name="Rahmon")
    badge = current_badge(rahmon)
    page = render([badge]).pages[0]
    text = page.extract_text()
    assert "H.E. Mr. Emomali RAHMON" in text
    assert "Эмомали Рахмон" in text
    assert "Tajikistan" in text
    assert badge.printed_number == "DUS-0001"
    assert "DUS-0001" in text
    assert "ГЛАВА ДЕЛЕГАЦИИ" in text
    width, height = (float(v) for v in page.mediabox.upper_right)
    assert (round(width / POINTS_PER_MM), round(height / POINTS_PER_MM)) == (54, 86)

    token = decoded_qr(page)
    assert token == badging_selectors.badge_token(badge=badge)
    assert "Rahmon" not in token
    outcome = badging_services.badge_scan(
        conference=rahmon.conference,
        code=token,
        checkpoint=badging_services.Checkpoint.parse("P:entry", conference=rahmon.conference),
        by=superuser,
    )
    assert (outcome.result, outcome.green, outcome.badge) == (ScanResult.VALID, True, badge)


def test_a6_is_the_conference_s_choice_and_sheets_carry_nine_cr80_cards(demo_db, db):
    conference = Conference.objects.get(slug="dushanbe-2019")
    issued = badging_selectors.badges_in_protocol_order(
        conference=conference, badges=conference.issued_badges.filter(voided_at__isnull=True)
    )[:10]
    sheets = render(issued, layout=badges.Layout.SHEETS)
    assert len(sheets.pages) == 2
    assert [round(float(v) / POINTS_PER_MM) for v in sheets.pages[0].mediabox.upper_right] == [
        210,
        297,
    ]
    Conference.objects.filter(pk=conference.pk).update(badge_format="a6")
    for badge in issued:
        badge.conference.refresh_from_db()
    cards = render(issued[:2])
    assert len(cards.pages) == 2
    assert [round(float(v) / POINTS_PER_MM) for v in cards.pages[0].mediabox.upper_right] == [
        105,
        148,
    ]


def test_the_batch_comes_in_protocol_order_heads_first(demo_db, db):
    conference = Conference.objects.get(slug="dushanbe-2019")
    issued = badging_selectors.badges_in_protocol_order(
        conference=conference, badges=conference.issued_badges.filter(voided_at__isnull=True)
    )
    # The President of the host country sits first; people without a delegation come last.
    assert issued[0].participant.family_name == "Rahmon"
    assert issued[-1].participant.delegation_id is None
    assert len(issued) == conference.issued_badges.filter(voided_at__isnull=True).count()


def test_printing_records_the_badge_and_a_reprint_voids_the_old_qr(db, superuser):
    from tests.factories import ParticipantFactory

    participant = ParticipantFactory(status=AccreditationStatus.VETTING, name_cyrillic="Тест")
    services.participant_approve(participant=participant, by=superuser)
    issued, refused = badging_services.badges_print(participants=[participant], by=superuser)
    assert refused == []
    (first,) = issued
    assert first.printed_at is not None
    old_token = badging_selectors.badge_token(badge=first)
    second = badging_services.badge_void_and_reissue(
        participant=participant, by=superuser, reason="Lost"
    )
    first.refresh_from_db()
    assert (first.void_reason, second.number, second.printed_at is not None) == ("Lost", 2, True)
    desk = badging_services.Checkpoint(action=ScanAction.LOOKUP)
    conference = participant.conference
    assert (
        badging_services.badge_scan(
            conference=conference, code=old_token, checkpoint=desk, by=superuser
        )
    ).result == ScanResult.VOIDED
    new_token = decoded_qr(render([second]).pages[0])
    assert (
        badging_services.badge_scan(
            conference=conference, code=new_token, checkpoint=desk, by=superuser
        )
    ).result == ScanResult.VALID
