"""Issue 14: the participant search matches the start of names, e-mails and delegations."""

import pytest
from django.urls import reverse

from tests.factories import DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _found(client, term: str) -> list[str]:
    response = client.get(reverse("admin:participants_participant_changelist"), {"q": term})
    assert response.status_code == 200
    return sorted(p.family_name for p in response.context["cl"].result_list)


def test_each_word_matches_the_start_of_a_name_an_email_or_the_delegation(organizer):
    kazakhstan = DelegationFactory(country="KZ")
    kyrgyzstan = DelegationFactory(conference=kazakhstan.conference, country="KG")
    ParticipantFactory(delegation=kazakhstan, family_name="Karin", email="yk@mfa.kz")
    ParticipantFactory(delegation=kyrgyzstan, family_name="Abdyldaev", email="ka@mfa.kg")
    ParticipantFactory(delegation=kyrgyzstan, family_name="Makarin", email="m@mfa.kg")
    assert _found(organizer, "kar") == ["Karin"]
    assert _found(organizer, "ka") == ["Abdyldaev", "Karin"]
    assert _found(organizer, "Kyrgyz") == ["Abdyldaev", "Makarin"]
    assert _found(organizer, "kyrgyz mak") == ["Makarin"]
    assert _found(organizer, '"') == ["Abdyldaev", "Karin", "Makarin"]
