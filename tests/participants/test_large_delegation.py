"""Issue 14: a delegation of hundreds shows its first members and links to the rest."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.admin import MEMBERS_SHOWN
from participants.models import Participant
from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db


def _members(delegation, numbers: range) -> None:
    Participant.objects.bulk_create(
        Participant(
            conference=delegation.conference,
            delegation=delegation,
            given_names="Member",
            family_name=f"Family {n:04d}",
            email=f"m{n}@mfa.example",
        )
        for n in numbers
    )


def _page(client, delegation):
    url = reverse("admin:participants_delegation_change", args=[delegation.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_change_page_lists_the_first_members_and_links_to_all(organizer):
    delegation = DelegationFactory(max_size=1000)
    _members(delegation, range(10))
    _page(organizer, delegation)  # the first request also reads what the process keeps
    _html, few_queries = _page(organizer, delegation)
    _members(delegation, range(10, 300))
    html, queries = _page(organizer, delegation)
    assert 'name="members-TOTAL_FORMS" value="50"' in html
    assert "Family 0049" in html and "Family 0050" not in html
    assert "300 members; the first 50 are listed below." in html
    changelist = reverse("admin:participants_participant_changelist")
    assert f'href="{changelist}?delegation__id__exact={delegation.pk}"' in html
    assert queries == few_queries
    assert MEMBERS_SHOWN == 50
