"""#23 item 3 over the real Redis channel layer: a pick reaches a connected projector, in the
projector's language, and clearing the screen takes the paragraph off it."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from conference.asgi import application
from documents import services
from documents.enums import ParagraphKind
from tests.factories import DelegationFactory, OutcomeDocumentFactory, SessionFactory, UserFactory
from tests.sessions.test_floor_live import ORIGIN, REDIS, TIMEOUT, _layer, _path


@pytest.fixture
def screen(transactional_db, settings):
    settings.CHANNEL_LAYERS = _layer(REDIS)
    officer = UserFactory()
    document = OutcomeDocumentFactory(conference__is_public=True)
    zero = services.version_create_zero_draft(document=document, by=officer)
    paragraph = services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text="Encourages regional co-operation.",
        text_ru="Поощряет региональное сотрудничество.",
    )
    services.bracket_add(
        paragraph=paragraph,
        words="regional",
        words_ru="региональное",
        holders=[DelegationFactory(conference=document.conference, country="UZ")],
        by=officer,
    )
    session = SessionFactory(conference=document.conference)
    return session, paragraph, officer


def test_a_pick_reaches_a_connected_projector(screen):
    session, paragraph, officer = screen
    received = {}

    async def scenario():
        russian = WebsocketCommunicator(application, _path(session, "ru"), headers=ORIGIN)
        assert (await russian.connect())[0]
        received["initial"] = await russian.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(services.document_pick_paragraph)(
            paragraph=paragraph, session=session, by=officer
        )
        received["picked"] = await russian.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(services.document_clear_screen)(session=session, by=officer)
        received["cleared"] = await russian.receive_json_from(timeout=TIMEOUT)
        await russian.disconnect()

    async_to_sync(scenario)()
    assert received["initial"]["sections"] == {"paragraph": None}
    shown = received["picked"]["sections"]["paragraph"]
    assert shown["paragraph"]["id"] == paragraph.pk
    assert shown["paragraph"]["text"] == [
        {"text": "Поощряет ", "bracketed": False, "options": [], "holders": []},
        {"text": "региональное", "bracketed": True, "options": [], "holders": ["Узбекистан"]},
        {"text": " сотрудничество.", "bracketed": False, "options": [], "holders": []},
    ]
    assert shown["labels"]["operative"] == "Пункт постановляющей части"
    assert received["cleared"]["sections"] == {"paragraph": None}
