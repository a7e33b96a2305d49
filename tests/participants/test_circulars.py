"""Circulars: a filtered set of focal points or participants, previewed in each language."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from conference.mail.models import OutboxMessage
from participants.accreditation import services
from participants.accreditation.selectors import CircularFilter, circular_recipients
from participants.enums import AccreditationStatus as S
from participants.enums import CircularAudience, DelegationStatus
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    conference = ConferenceFactory()
    with_note = DelegationFactory(
        conference=conference, country="DE", status=DelegationStatus.NOMINATED
    )
    with_note.nomination_file.save("note.pdf", ContentFile(b"%PDF-1.4 note"), save=True)
    english = DelegationFactory(
        conference=conference, country="KZ", status=DelegationStatus.NOMINATED
    )
    russian = DelegationFactory(
        conference=conference,
        country="KG",
        correspondence_language="ru",
        focal_point_name="Айгуль Асанова",
        status=DelegationStatus.NOMINATED,
    )
    silent = DelegationFactory(conference=conference, country="UZ", focal_point_email="")
    return {
        "conference": conference,
        "with_note": with_note,
        "english": english,
        "russian": russian,
        "silent": silent,
    }


def form(world, **extra):
    return {
        "conference": world["conference"].pk,
        "audience": CircularAudience.FOCAL_POINTS,
        "without_note_verbale": "on",
        "subject_en": "{conference}: the note verbale",
        "body_en": "The note verbale of {delegation} has not arrived.",
        "subject_ru": "{conference}: вербальная нота",
        "body_ru": "Вербальная нота ({delegation}) не поступила.",
        "send_id": "c1",
    } | extra


def test_the_recipients_are_the_filtered_focal_points_with_an_address(world):
    which = CircularFilter(audience=CircularAudience.FOCAL_POINTS, without_note_verbale=True)
    found = circular_recipients(conference=world["conference"], which=which)
    assert [(r.email, r.language) for r in found] == [
        (world["english"].focal_point_email, "en"),
        (world["russian"].focal_point_email, "ru"),
    ]


def test_participants_are_written_in_their_own_language(world):
    first = ParticipantFactory(delegation=world["english"], status=S.APPROVED)
    russian = ParticipantFactory(delegation=world["english"], correspondence_language="ru")
    inherits = ParticipantFactory(delegation=world["russian"])
    ParticipantFactory(delegation=world["with_note"])
    which = CircularFilter(audience=CircularAudience.PARTICIPANTS, without_note_verbale=True)
    found = circular_recipients(conference=world["conference"], which=which)
    assert sorted((r.email, r.language) for r in found) == sorted(
        [(first.email, "en"), (russian.email, "ru"), (inherits.email, "ru")]
    )
    approved = CircularFilter(
        audience=CircularAudience.PARTICIPANTS, participant_statuses=("approved",)
    )
    assert [
        r.email for r in circular_recipients(conference=world["conference"], which=approved)
    ] == [first.email]


def test_the_preview_shows_each_language_and_the_count_then_sending_queues_once(
    organizer, world, django_capture_on_commit_callbacks
):
    url = reverse("admin:participants_delegation_circular")
    assert organizer.get(url).status_code == 200
    response = organizer.post(url, form(world, preview="1"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["count"] == 2
    page = response.content.decode()
    title = world["conference"].title
    assert f"{title}: the note verbale" in page
    assert "The note verbale of Kazakhstan has not arrived." in page
    assert "Вербальная нота (Казахстан) не поступила." in page
    assert "Send to 2 recipients" in page
    assert OutboxMessage.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(url, form(world, send="1"))
    assert response.status_code == 302
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (world["english"].focal_point_email, f"{title}: the note verbale"),
            (world["russian"].focal_point_email, f"{title}: вербальная нота"),
        ]
    )
    russian = next(m for m in mail.outbox if m.to == [world["russian"].focal_point_email])
    assert russian.body.startswith("Здравствуйте, Айгуль Асанова!\n\nВербальная нота (Кыргызстан)")
    # The same form sent again (a double click, a reload) writes nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        organizer.post(url, form(world, send="1"))
    assert OutboxMessage.objects.count() == 2 and len(mail.outbox) == 2


def test_a_circular_without_recipients_is_refused(organizer, world):
    url = reverse("admin:participants_delegation_circular")
    world["english"].nomination_file.save("n.pdf", ContentFile(b"%PDF-1.4"), save=True)
    world["russian"].nomination_file.save("n.pdf", ContentFile(b"%PDF-1.4"), save=True)
    for button in ("preview", "send"):
        response = organizer.post(url, form(world, **{button: "1"}))
        assert response.status_code == 200
        assert "No recipient matches these filters: the circular was not sent." in (
            response.content.decode()
        )
    assert OutboxMessage.objects.count() == 0
    with pytest.raises(ValidationError):
        services.circular_send(
            conference=world["conference"],
            which=CircularFilter(audience="focal_points", without_note_verbale=True),
            subject={"en": "x"},
            body={"en": "y"},
            send_id="c2",
        )


def test_an_unknown_placeholder_in_a_circular_is_refused_naming_it(organizer, world):
    url = reverse("admin:participants_delegation_circular")
    response = organizer.post(url, form(world, body_ru="Нота {country} не поступила.", preview="1"))
    assert response.context["preview"] is None
    assert response.context["form"].errors["body_ru"] == [
        "Unknown placeholder: {country}. Allowed: {recipient_name}, {delegation}, {conference}."
    ]
