"""One rule names a person on every public page, feed and PDF: accredited and consenting
(#21 item 11, ``participants.models.PUBLICLY_NAMED``)."""

import pytest
from django.urls import reverse

from participants.enums import AccreditationStatus, DelegationRole
from tests.factories import StatementFactory
from tests.participants.pdfs import pdf_text
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db

CASES = {
    "named": {"status": AccreditationStatus.APPROVED, "consent_public_list": True},
    "only nominated": {"status": AccreditationStatus.NOMINATED, "consent_public_list": True},
    "did not consent": {"status": AccreditationStatus.APPROVED, "consent_public_list": False},
}


@pytest.fixture
def heads_speaking(db):
    """Three delegations whose heads speak in a public session, one per case."""
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    heads = {}
    for order, (case, fields) in enumerate(CASES.items(), start=10):
        delegation = conference.delegations.order_by("pk")[order - 10]
        head = delegation.members.get(role=DelegationRole.HEAD)
        for name, value in fields.items():
            setattr(head, name, value)
        head.family_name = f"Head{order}"
        head.save()
        StatementFactory(session=session, speaker=head, delegation=delegation, order=order)
        heads[case] = head
    return conference, session, heads


def pages(client, conference, session) -> dict[str, str]:
    slug = conference.slug
    urls = {
        "delegations": reverse("delegations:list", args=[slug]),
        "agenda": reverse("agenda:agenda", args=[slug]),
        "session": reverse("agenda:session", args=[slug, session.pk]),
        "speakers": reverse("agenda:speakers", args=[slug]),
        "agenda-json": reverse("agenda:agenda_json", args=[slug]),
        "schedule-xml": reverse("agenda:schedule_xml", args=[slug]),
        "agenda-ics": reverse("agenda:agenda_ics", args=[slug]),
        "agenda-print": reverse("agenda:agenda_print", args=[slug]),
        "participants-final": reverse("delegations:participants", args=[slug]) + "?edition=final",
    }
    found = {name: client.get(url).content.decode() for name, url in urls.items()}
    pdf = client.get(reverse("delegations:participants_pdf", args=[slug]), {"edition": "final"})
    found["participants-final-pdf"] = pdf_text(pdf.content)
    return found


def test_every_public_page_names_only_the_accredited_who_consented(client, heads_speaking):
    conference, session, heads = heads_speaking
    shown = {
        page: {case: head.family_name in text for case, head in heads.items()}
        for page, text in pages(client, conference, session).items()
    }
    # The delegations page names heads; the agenda pages name speakers: the same rule.
    expected = {"named": True, "only nominated": False, "did not consent": False}
    assert shown == dict.fromkeys(shown, expected)
