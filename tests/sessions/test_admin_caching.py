"""A change saved through the admin's own forms shows on the next public request.

Each test first fills the public cache, then submits the admin change form as an
organizer would (every field as the page rendered it, with one value changed).
"""

import pytest
from django.urls import reverse

from tests.admin_forms import public_page, submit_change_form
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


def test_a_statement_edited_in_the_session_inline_shows(organizer):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    assert "on behalf of" not in public_page(
        organizer, "agenda:session", conference.slug, session.pk
    )

    submit_change_form(
        organizer,
        reverse("admin:agenda_session_change", args=[session.pk]),
        **{"statements-0-on_behalf_of": "the Group of Friends"},
    )

    html = public_page(organizer, "agenda:session", conference.slug, session.pk)
    assert "on behalf of the Group of Friends" in html


@pytest.mark.parametrize(
    "admin_view, field, renamed, pages",
    [
        ("agenda_room_change", "name", "Kokhi Navruz Hall", ["agenda"]),
        # Not the name: a new name sends an accredited speaker back to review, off the pages.
        (
            "participants_participant_change",
            "functional_title",
            "Deputy Minister of Corrected Spelling",
            ["speakers"],
        ),
    ],
)
def test_a_room_or_participant_renamed_in_the_admin_shows(
    organizer, admin_view, field, renamed, pages
):
    conference, sessions = build_agenda(scale=1)
    statement = sessions[0].statements.first()
    obj = statement.speaker if field == "functional_title" else sessions[0].room
    for page in pages:
        assert getattr(obj, field) in public_page(organizer, f"agenda:{page}", conference.slug)

    # The admin edits each language in its own column; the English one here.
    url = reverse(f"admin:{admin_view}", args=[obj.pk])
    submit_change_form(organizer, url, **{f"{field}_en": renamed})

    for page in pages:
        assert renamed in public_page(organizer, f"agenda:{page}", conference.slug)
