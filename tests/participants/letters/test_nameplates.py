"""Nameplates: one folded A4 sheet per delegation present, the name in each working language
on its own half, in protocol order."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from conference.models import Conference
from participants.accreditation import selectors
from participants.enums import AccreditationState, AccreditationStatus, DelegationStatus
from participants.letters import nameplates
from participants.models import Delegation, IssuedBadge, Participant
from tests.auth import sign_in
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(conference, delegations) -> PdfReader:
    output = io.BytesIO()
    plates = nameplates.plates_for(conference=conference, delegations=delegations)
    nameplates.render_nameplates(plates, title="Nameplates", output=output)
    return PdfReader(io.BytesIO(output.getvalue()))


def page_text(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.fixture
def dushanbe(demo_db, db):
    return Conference.objects.get(slug="dushanbe-2019")


def test_present_means_a_collected_badge_once_the_desk_hands_them_over(dushanbe):
    present = selectors.delegations_present(conference=dushanbe)
    collected = set(
        Participant.objects.filter(conference=dushanbe)
        .in_state(AccreditationState.BADGE_COLLECTED)
        .values_list("delegation_id", flat=True)
    )
    taking_part = {d.pk for d in selectors.public_delegations(conference=dushanbe)}
    assert {d.pk for d in present} == collected & taking_part
    # In protocol order, as on the public delegations page.
    order = [d.pk for d in selectors.public_delegations(conference=dushanbe)]
    assert [d.pk for d in present] == [pk for pk in order if pk in collected]


def test_before_any_collection_an_accredited_member_counts():
    conference = ConferenceFactory()
    approved = DelegationFactory(conference=conference, status=DelegationStatus.CONFIRMED)
    ParticipantFactory(delegation=approved, status=AccreditationStatus.APPROVED)
    waiting = DelegationFactory(conference=conference, status=DelegationStatus.CONFIRMED)
    ParticipantFactory(delegation=waiting, status=AccreditationStatus.VETTING)
    withdrawn = DelegationFactory(conference=conference, status=DelegationStatus.WITHDRAWN)
    ParticipantFactory(delegation=withdrawn, status=AccreditationStatus.APPROVED)
    assert selectors.delegations_present(conference=conference) == [approved]
    came = DelegationFactory(conference=conference, status=DelegationStatus.CONFIRMED)
    member = ParticipantFactory(
        delegation=came, status=AccreditationStatus.APPROVED, badge_number=1
    )
    IssuedBadge.objects.create(
        conference=conference, number=1, participant=member, collected_at=timezone.now()
    )
    assert selectors.delegations_present(conference=conference) == [came]


def test_the_demo_nameplates_read_in_english_and_russian_page_by_page(dushanbe):
    present = selectors.delegations_present(conference=dushanbe)
    reader = render(dushanbe, present)
    assert len(reader.pages) == len(present)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    first = page_text(reader.pages[0])
    assert "Tajikistan" in first
    assert "Таджикистан" in first
    uk = present.index(Delegation.objects.get(conference=dushanbe, country="GB"))
    text = page_text(reader.pages[uk])
    assert "United Kingdom of Great Britain and Northern Ireland" in " ".join(text.split())
    assert "Соединенное Королевство" in text
    osce = next(d for d in present if d.organization and d.organization.acronym == "OSCE")
    assert "Organization for Security and Co-operation in Europe" in page_text(
        reader.pages[present.index(osce)]
    )


def test_one_working_language_prints_the_same_name_on_both_halves():
    conference = ConferenceFactory(working_languages="Russian")
    delegation = DelegationFactory(conference=conference, country="KZ")
    text = page_text(render(conference, [delegation]).pages[0])
    assert text.count("Казахстан") == 2
    assert "Kazakhstan" not in text


def test_a_long_name_takes_up_to_three_lines_in_large_type():
    lines, size = nameplates.name_lines("United Kingdom of Great Britain and Northern Ireland")
    assert lines == ["United Kingdom of", "Great Britain and", "Northern Ireland"]
    assert size > 60
    cis = "Антитеррористический центр государств — участников Содружества Независимых Государств"
    lines, size = nameplates.name_lines(cis)
    assert lines == [
        "Антитеррористический",
        "центр государств — участников",
        "Содружества Независимых Государств",
    ]
    widest = max(stringWidth(line, nameplates.BOLD, size) for line in lines)
    assert widest <= nameplates.NAME_W
    assert size > nameplates.SMALLEST


def test_the_button_and_the_action_print_the_plates(dushanbe, client):
    call_command("setup_roles", verbosity=0)
    user = UserFactory(username="protocol")
    user.groups.add(Group.objects.get(name="Protocol officer"))
    sign_in(client, user)
    changelist = reverse("admin:participants_delegation_changelist")
    assert 'id="print-nameplates"' in client.get(changelist).content.decode()
    button = client.get(
        reverse("admin:participants_delegation_nameplates"), {"conference": dushanbe.pk}
    )
    assert button["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(button.streaming_content)))
    assert len(reader.pages) == len(selectors.delegations_present(conference=dushanbe))
    chosen = Delegation.objects.filter(conference=dushanbe, country__in=["KZ", "AF"])
    action = client.post(
        changelist,
        {"action": "print_nameplates", "_selected_action": [d.pk for d in chosen]},
    )
    reader = PdfReader(io.BytesIO(b"".join(action.streaming_content)))
    assert [page_text(p).split(" ")[0] for p in reader.pages] == ["Afghanistan", "Kazakhstan"]
