"""Login throttling: django-axes refuses a user name and address pair after five failures."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = "/admin/login/"
RIGHT = "correct-horse-battery"


@pytest.fixture
def staff(db):
    user = UserFactory(username="protocol-officer", is_staff=True)
    user.set_password(RIGHT)
    user.save()
    return user


def sign_in(client, password, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": "protocol-officer", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_twenty_wrong_passwords_lock_the_account_out_and_the_right_one_too(
    client, staff, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="axes")
    answers = [sign_in(client, f"wrong-{attempt}").status_code for attempt in range(20)]
    # The first four are the usual "wrong password" form; the fifth failure locks the pair.
    assert answers[:4] == [200] * 4
    assert answers[4:] == [429] * 16
    refused = sign_in(client, RIGHT)
    assert refused.status_code == 429
    assert "Sign-in refused for now" in refused.content.decode()
    assert "refused for 15 minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_another_address_is_not_locked_out_by_the_guesser(client, staff):
    for attempt in range(6):
        sign_in(client, f"wrong-{attempt}")
    response = sign_in(client, RIGHT, address="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_an_organizer_lists_and_clears_lockouts(client, organizer, staff):
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}")
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = organizer.get(changelist)
    assert listing.status_code == 200
    assert "protocol-officer" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="protocol-officer")
    organizer.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert sign_in(client, RIGHT).status_code == 302
