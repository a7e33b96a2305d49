"""The public list of participants: protocol order, heads first, names and titles only, and
only those who agreed to be listed; as a page and a PDF, in English and Russian."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from conference.enums import ConferenceStatus
from conference.models import Conference
from participants.accreditation import selectors, services
from participants.enums import (
    AccreditationState,
    AccreditationStatus,
    DelegationRole,
    DelegationStatus,
)
from participants.letters import selectors as letters_selectors
from participants.models import Participant
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory
from tests.participants.pdfs import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
DUSHANBE = "dushanbe-2019"


def page_url(slug=DUSHANBE) -> str:
    return reverse("delegations:participants", args=[slug])


def pdf_url(slug=DUSHANBE) -> str:
    return reverse("delegations:participants_pdf", args=[slug])


@pytest.fixture
def demo(demo_db, db):
    cache.clear()
    return Conference.objects.get(slug=DUSHANBE)


def test_the_demo_list_follows_the_public_delegations_page(demo, client):
    delegations = letters_selectors.public_participant_list(conference=demo, final=True)
    public = [d.pk for d in selectors.public_delegations(conference=demo)]
    listed = [d.pk for d in delegations]
    assert listed == [pk for pk in public if pk in set(listed)]
    for delegation in delegations:
        roles = [p.role for p in delegation.listed]
        heads = [r for r in roles if r == DelegationRole.HEAD]
        assert roles[: len(heads)] == heads, delegation.name


def test_a_person_who_did_not_consent_is_absent_from_the_page_and_the_pdf(demo, client):
    refused = (
        Participant.objects.filter(conference=demo, consent_public_list=False)
        .in_state(AccreditationState.BADGE_COLLECTED)
        .exclude(delegation=None)
        .first()
    )
    agreed = (
        Participant.objects.filter(
            conference=demo, consent_public_list=True, delegation__status=DelegationStatus.CONFIRMED
        )
        .in_state(AccreditationState.BADGE_COLLECTED)
        .first()
    )
    html = client.get(page_url(), {"edition": "final"}).content.decode()
    text = pdf_text(client.get(pdf_url(), {"edition": "final"}).content)
    for shown in (html, " ".join(text.split())):
        assert agreed.full_name in shown
        assert refused.full_name not in shown
        assert refused.email not in shown


def test_the_pdf_is_in_the_visitors_language(demo, client):
    english = client.get(pdf_url())
    assert english["Content-Type"] == "application/pdf"
    pages = pdf_pages(english.content)
    assert "List of participants" in pages[0] and "Final list" in pages[0]
    client.cookies["django_language"] = "ru"
    russian = pdf_pages(client.get(pdf_url()).content)
    assert "Список участников" in russian[0] and "Окончательный список" in russian[0]
    assert "Таджикистан" in russian[0]
    assert len(russian) == len(pages) > 1
    # Tajikistan, the host, and its head of State first, named in Cyrillic on the Russian list.
    assert pages[0].index("Tajikistan") < pages[0].index("H.E. Mr. Emomali Rahmon")
    assert russian[0].index("Таджикистан") < russian[0].index("Эмомали Рахмон")
    assert "Emomali Rahmon" not in russian[0]


def test_the_page_is_in_the_menu_and_links_its_pdf(demo, client):
    html = client.get(page_url()).content.decode()
    assert f'href="{page_url()}"' in html
    assert f'href="{pdf_url()}?edition=final"' in html
    client.cookies["django_language"] = "ru"
    html = client.get(page_url()).content.decode()
    assert "Список участников" in html and "Окончательный список" in html


@pytest.fixture
def small():
    conference = ConferenceFactory(status=ConferenceStatus.REGISTRATION_OPEN)
    delegation = DelegationFactory(conference=conference, status=DelegationStatus.NOMINATED)
    return conference, delegation


def listed_names(client, conference, edition) -> str:
    return client.get(page_url(conference.slug), {"edition": edition}).content.decode()


def test_the_provisional_list_has_the_nominated_the_final_only_the_accredited(small, client):
    conference, delegation = small
    nominated = ParticipantFactory(delegation=delegation, consent_public_list=True)
    approved = ParticipantFactory(
        delegation=delegation, consent_public_list=True, status=AccreditationStatus.APPROVED
    )
    rejected = ParticipantFactory(
        delegation=delegation, consent_public_list=True, status=AccreditationStatus.REJECTED
    )
    provisional = listed_names(client, conference, "provisional")
    final = listed_names(client, conference, "final")
    assert nominated.full_name in provisional and nominated.full_name not in final
    assert approved.full_name in provisional and approved.full_name in final
    assert rejected.full_name not in provisional + final
    # Before the conference concludes, the list is provisional unless asked otherwise.
    assert "Provisional list" in client.get(page_url(conference.slug)).content.decode()


def test_withdrawing_consent_takes_the_person_off_the_cached_page(small, client):
    conference, delegation = small
    person = ParticipantFactory(
        delegation=delegation, consent_public_list=True, functional_title="Counsellor"
    )
    assert person.full_name in listed_names(client, conference, "provisional")
    person.consent_public_list = False
    person.save()
    services.participant_edit(participant=person, by=None, changed_fields=["consent_public_list"])
    assert person.full_name not in listed_names(client, conference, "provisional")


def test_the_page_reads_no_more_queries_for_more_delegations(
    small, client, django_assert_num_queries
):
    conference, delegation = small
    ParticipantFactory(delegation=delegation, consent_public_list=True)
    cache.clear()
    with django_assert_num_queries(4) as one:
        client.get(page_url(conference.slug))
    for _ in range(2):
        other = DelegationFactory(conference=conference, status=DelegationStatus.NOMINATED)
        ParticipantFactory(delegation=other, consent_public_list=True, role=DelegationRole.HEAD)
        ParticipantFactory(delegation=other, consent_public_list=True)
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(page_url(conference.slug))


def test_the_russian_page_shows_the_russian_title(small, client):
    conference, delegation = small
    ParticipantFactory(
        delegation=delegation,
        consent_public_list=True,
        functional_title_en="Counsellor",
        functional_title_ru="Советник",
    )
    with translation.override("ru"):
        client.cookies["django_language"] = "ru"
        html = listed_names(client, conference, "provisional")
    assert "Советник" in html and "Counsellor" not in html
