"""The silence procedure end to end: circulation by mail, the focal point's break through the
portal, refusals that write nothing, extension, and the deadline task ending it once."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conference.mail.models import OutboxMessage
from documents import selectors, services
from documents.enums import (
    AdoptionMethod,
    DocumentStatus,
    ParagraphKind,
    SilenceOutcome,
)
from documents.models import DocumentEvent, OutcomeDocument, SilenceBreak, SilenceProcedure
from tests.factories import ConferenceFactory, DelegationFactory, OutcomeDocumentFactory

DUSHANBE = zoneinfo.ZoneInfo("Asia/Dushanbe")
# 2 June 2031, 18:00 in Dushanbe (13:00 UTC).
DEADLINE = dt.datetime(2031, 6, 2, 18, 0, tzinfo=DUSHANBE)


def negotiated_document(officer):
    document = OutcomeDocumentFactory(
        title_en="Dushanbe Declaration", title_ru="Душанбинская декларация"
    )
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.", text_ru="Приветствует."
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    kazakhstan = DelegationFactory(
        conference=document.conference, country="KZ", focal_point_email="fp@kz.example"
    )
    turkmenistan = DelegationFactory(
        conference=document.conference,
        country="TM",
        focal_point_email="fp@tm.example",
        correspondence_language="ru",
    )
    DelegationFactory(conference=document.conference, country="DE", focal_point_email="")
    return document, kazakhstan, turkmenistan


@pytest.fixture
def under_silence(officer):
    document, kazakhstan, turkmenistan = negotiated_document(officer)
    document = services.document_start_silence(document=document, deadline=DEADLINE, by=officer)
    return document, kazakhstan, turkmenistan


def portal_url(document, delegation):
    procedure = selectors.running_silence(document=document)
    token = selectors.silence_token(procedure=procedure, delegation=delegation)
    return reverse("silence_portal:break", args=[token])


@pytest.mark.django_db
def test_every_focal_point_gets_one_circulation_mail_in_their_language(under_silence):
    document, kazakhstan, turkmenistan = under_silence
    rows = OutboxMessage.objects.filter(kind="silence_circulation").order_by("recipient")
    assert [(m.recipient, m.language) for m in rows] == [
        ("fp@kz.example", "en"),
        ("fp@tm.example", "ru"),
    ]
    english, russian = rows
    assert english.subject == (
        f"{document.conference.short_title}: Dushanbe Declaration (Zero draft) under silence "
        "until 2 June 2031, 18:00 +05"
    )
    assert portal_url(document, kazakhstan) in english.body_text
    assert "1. Welcomes." in english.body_text
    assert russian.subject.endswith(
        "«Душанбинская декларация» (Нулевой проект) — умолчание до 2 июня 2031, 18:00 +05"
    )
    assert portal_url(document, turkmenistan) in russian.body_text
    assert "1. Приветствует." in russian.body_text


@pytest.mark.django_db
def test_a_break_through_the_portal_returns_to_negotiation_with_one_receipt(client, under_silence):
    document, kazakhstan, _turkmenistan = under_silence
    url = portal_url(document, kazakhstan)
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Under silence until 2 June 2031, 18:00 +05 (Dushanbe (GMT+05:00))" in page.content.decode()
    )
    with timezone.override(DUSHANBE):
        response = client.post(url, {"text": "Operative 1 needs consultation with the capital."})
    assert response.status_code == 200
    assert 'id="silence-broken"' in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.silence_deadline) == (DocumentStatus.UNDER_NEGOTIATION, None)
    [broken] = SilenceBreak.objects.all()
    assert (broken.delegation, broken.through_portal) == (kazakhstan, True)
    [receipt] = OutboxMessage.objects.filter(kind="silence_break_receipt")
    assert receipt.recipient == "fp@kz.example"
    assert "Operative 1 needs consultation with the capital." in receipt.body_text
    outcome = OutboxMessage.objects.filter(kind="silence_outcome").order_by("recipient")
    assert [(m.recipient, m.language) for m in outcome] == [
        ("fp@kz.example", "en"),
        ("fp@tm.example", "ru"),
    ]
    assert SilenceProcedure.objects.get().outcome == SilenceOutcome.BROKEN


def _written():
    return (
        SilenceBreak.objects.count(),
        OutboxMessage.objects.count(),
        DocumentEvent.objects.count(),
    )


@pytest.mark.django_db
def test_refusals_write_nothing(client, under_silence, officer):
    document, kazakhstan, turkmenistan = under_silence
    before = _written()
    # Revoked: the delegation's portal link was rotated.
    url = portal_url(document, kazakhstan)
    kazakhstan.nomination_nonce = __import__("uuid").uuid4()
    kazakhstan.save()
    revoked = client.post(url, {"text": "No."})
    assert revoked.status_code == 403
    assert "This link has been revoked" in revoked.content.decode()
    # Another conference's delegation, even with a validly signed token: no such page.
    procedure = selectors.running_silence(document=document)
    foreign = DelegationFactory(conference=ConferenceFactory(), country="KZ")
    token = selectors.silence_token(procedure=procedure, delegation=foreign)
    assert (
        client.post(reverse("silence_portal:break", args=[token]), {"text": "No."}).status_code
        == 404
    )
    with pytest.raises(services.DocumentError) as refused:
        services.silence_break(document=document, delegation=foreign, text="No.", by=officer)
    assert refused.value.code == "foreign_delegation"
    # Forged.
    assert client.get(reverse("silence_portal:break", args=["forged:token"])).status_code == 404
    assert _written() == before
    # Twice: the first break ends the procedure; the second finds it over.
    url = portal_url(document, turkmenistan)
    assert client.post(url, {"text": "Первый раз."}).status_code == 200
    after_first = _written()
    again = client.post(url, {"text": "Второй раз."})
    assert again.status_code == 403
    assert _written() == after_first


@pytest.mark.django_db
def test_a_break_after_the_deadline_is_refused(under_silence, officer, client):
    document, kazakhstan, _turkmenistan = under_silence
    url = portal_url(document, kazakhstan)
    OutcomeDocument.objects.filter(pk=document.pk).update(
        silence_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    SilenceProcedure.objects.update(
        deadline=timezone.now() - dt.timedelta(minutes=1),
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    before = _written()
    with pytest.raises(services.DocumentError) as refused:
        services.silence_break_by_token(token=url.split("/")[-2], text="Late.")
    assert refused.value.code == "silence_over"
    assert _written() == before


@pytest.mark.django_db
def test_extending_is_audited_and_recirculates(under_silence, officer):
    document, _kazakhstan, _turkmenistan = under_silence
    later = DEADLINE + dt.timedelta(days=1)
    services.silence_extend(document=document, deadline=later, by=officer)
    assert DocumentEvent.objects.last().note == (
        "Silence deadline extended from 2 June 2031, 18:00 +05 to 3 June 2031, 18:00 +05."
    )
    assert OutboxMessage.objects.filter(kind="silence_circulation").count() == 4
    assert SilenceProcedure.objects.get().deadline == later
    with pytest.raises(services.DocumentError) as refused:
        services.silence_extend(document=document, deadline=DEADLINE, by=officer)
    assert refused.value.code == "deadline_not_later"


@pytest.mark.django_db
def test_the_task_does_nothing_before_the_deadline_or_after_an_extension(under_silence, officer):
    document, _kz, _tm = under_silence
    assert services.silence_close_due(now=DEADLINE - dt.timedelta(seconds=1)) == {}
    services.silence_extend(
        document=document, deadline=DEADLINE + dt.timedelta(hours=1), by=officer
    )
    assert services.silence_close_due(now=DEADLINE + dt.timedelta(minutes=1)) == {}
    assert OutcomeDocument.objects.get(pk=document.pk).status == DocumentStatus.SILENCE_PROCEDURE


@pytest.mark.django_db
def test_the_task_finds_an_adopted_document_and_does_nothing(under_silence, officer):
    document, _kz, _tm = under_silence
    assert services.silence_close_due(now=DEADLINE + dt.timedelta(minutes=1)) == {"adopted": 1}
    events = DocumentEvent.objects.count()
    mails = OutboxMessage.objects.count()
    assert services.silence_close_due(now=DEADLINE + dt.timedelta(minutes=2)) == {}
    assert (DocumentEvent.objects.count(), OutboxMessage.objects.count()) == (events, mails)
    document = OutcomeDocument.objects.get(pk=document.pk)
    assert (document.status, document.adoption_method, document.adopted_on) == (
        DocumentStatus.PUBLISHED,
        AdoptionMethod.SILENCE_PROCEDURE,
        dt.date(2031, 6, 2),
    )
    told = OutboxMessage.objects.filter(kind="silence_outcome").order_by("recipient")
    assert [(m.recipient, m.language) for m in told] == [
        ("fp@kz.example", "en"),
        ("fp@tm.example", "ru"),
    ]
    assert "is adopted by the silence procedure" in told[0].body_text


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_adopt_exactly_once():
    document, _kz, _tm = negotiated_document(None)
    services.document_start_silence(document=document, deadline=DEADLINE, by=None)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.silence_close_due(now=DEADLINE + dt.timedelta(minutes=1)))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results, key=len) == [{}, {"adopted": 1}]
    assert (
        DocumentEvent.objects.filter(document=document, to_status=DocumentStatus.ADOPTED).count()
        == 1
    )
    assert OutboxMessage.objects.filter(kind="silence_outcome").count() == 2
    assert OutcomeDocument.objects.get(pk=document.pk).status == DocumentStatus.PUBLISHED


@pytest.mark.django_db
def test_the_document_page_shows_the_countdown_and_the_register(under_silence, organizer):
    document, kazakhstan, _turkmenistan = under_silence
    url = reverse("admin:documents_outcomedocument_change", args=[document.pk])
    html = organizer.get(url).content.decode()
    assert 'id="silence-countdown"' in html
    assert 'data-deadline="2031-06-02T13:00:00+00:00"' in html or "data-deadline=" in html
    services.silence_break(document=document, delegation=kazakhstan, text="Not yet.", by=None)
    html = organizer.get(url).content.decode()
    assert 'id="silence-countdown"' not in html
    assert "Not yet." in html


@pytest.mark.django_db
def test_the_portal_page_speaks_the_focal_points_language(client, under_silence):
    document, _kazakhstan, turkmenistan = under_silence
    html = client.get(portal_url(document, turkmenistan)).content.decode()
    assert "Процедура умолчания до 2 июня 2031, 18:00 +05 (Душанбе (GMT+05:00))." in html
    assert "Нарушить молчание" in html


@pytest.mark.django_db
def test_the_task_finds_a_document_an_officer_already_adopted_and_does_nothing(
    under_silence, officer
):
    document, _kz, _tm = under_silence
    services.document_adopt(
        document=document,
        method=AdoptionMethod.SILENCE_PROCEDURE,
        adopted_on=dt.date(2031, 6, 2),
        by=officer,
        now=DEADLINE + dt.timedelta(seconds=1),
    )
    assert SilenceProcedure.objects.get().outcome == SilenceOutcome.ADOPTED
    written = (DocumentEvent.objects.count(), OutboxMessage.objects.count())
    assert services.silence_close_due(now=DEADLINE + dt.timedelta(minutes=1)) == {}
    assert (DocumentEvent.objects.count(), OutboxMessage.objects.count()) == written
    assert OutcomeDocument.objects.get(pk=document.pk).status == DocumentStatus.ADOPTED
