"""Issue 21, item 9: a nomination through the API keeps the Latin search key of its names."""

import pytest

from participants.models import Participant
from tests.api.test_writes import MEMBER

pytestmark = pytest.mark.django_db


def test_the_api_keeps_the_search_key_on_nomination_and_on_change(api_for, tokens):
    api = api_for(tokens["nominations"])
    response = api.post("nominations/", {**MEMBER, "given_names": "Пётр", "family_name": "Петров"})
    assert response.status_code == 201, response.content
    person = Participant.objects.get(pk=response.json()["id"])
    assert person.search_name == " petr petrov pyotr"
    response = api.patch(f"nominations/{person.pk}/", {"family_name": "Сидоров"})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.search_name == " petr sidorov pyotr"
