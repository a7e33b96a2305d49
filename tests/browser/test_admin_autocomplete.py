"""The room autocomplete of a new session follows the conference chosen in the same form."""

import pytest

from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser


def room_choices(page) -> list[str]:
    with page.expect_response(lambda r: "/admin/autocomplete/" in r.url) as answer:
        page.click("#id_room + .select2 .select2-selection")
    texts = sorted(result["text"] for result in answer.value.json()["results"])
    page.keyboard.press("Escape")
    return texts


def test_the_room_autocomplete_asks_for_the_chosen_conference(
    transactional_db, live_server, browser_page, two_years, superuser
):
    superuser.set_password("correct-horse-battery")
    superuser.save()
    page = browser_page
    admin_sign_in(page, live_server.url, superuser, "correct-horse-battery")
    page.goto(f"{live_server.url}/admin/agenda/session/add/")

    before = room_choices(page)
    # Choosing a conference in its own autocomplete leaves this option selected.
    page.evaluate(
        "pk => document.getElementById('id_conference').add(new Option('2027', pk, true, true))",
        str(two_years.new.conference.pk),
    )
    after = room_choices(page)

    assert before == [
        "Plenary Hall — Dushanbe Conference (2019)",
        "Plenary Hall — Dushanbe Conference (2027)",
    ]
    assert after == ["Plenary Hall"]
    assert page.outside_requests == []


def delegation_choices(page) -> list[str]:
    with page.expect_response(lambda r: "/admin/autocomplete/" in r.url) as answer:
        page.click("#id_delegation + .select2 .select2-selection")
    texts = sorted(result["text"] for result in answer.value.json()["results"])
    page.keyboard.press("Escape")
    return texts


def test_the_participants_delegation_autocomplete_asks_for_the_chosen_conference(
    transactional_db, live_server, browser_page, two_years, superuser
):
    # Issue 21, item 16: the participant admin's own Media had dropped the script.
    superuser.set_password("correct-horse-battery")
    superuser.save()
    page = browser_page
    admin_sign_in(page, live_server.url, superuser, "correct-horse-battery")
    page.goto(f"{live_server.url}/admin/participants/participant/add/")
    page.evaluate(
        "pk => document.getElementById('id_conference').add(new Option('2027', pk, true, true))",
        str(two_years.new.conference.pk),
    )
    assert delegation_choices(page) == [str(two_years.new.delegation)]
    assert page.outside_requests == []
