"""The admins that wrote rows themselves now hand them to services: zones, categories, partners.

Each test watches the service (a spy that calls the real one) and reads the row it wrote; the
validation the service does is what the admin form shows.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conference import services as conference_services
from conference.enums import PartnerRole
from conference.models import ConferencePartner
from participants.badging import services as badging_services
from participants.models import AccessZone
from tests.admin_forms import change_form_data
from tests.factories import BadgeCategoryFactory, ConferenceFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def spy(monkeypatch, module, name: str) -> list[dict]:
    """The calls of ``module.name``; each row argument recorded as its pk (a deleted row's
    pk as it was, a new row's once saved)."""
    calls = []
    real = getattr(module, name)

    def watched(**kwargs):
        before = {key: getattr(value, "pk", value) for key, value in kwargs.items()}
        result = real(**kwargs)
        calls.append(
            {key: getattr(value, "pk", None) or before[key] for key, value in kwargs.items()}
        )
        return result

    monkeypatch.setattr(module, name, watched)
    return calls


def test_an_access_zone_is_saved_and_deleted_by_its_service(organizer, monkeypatch):
    conference = ConferenceFactory()
    saved = spy(monkeypatch, badging_services, "access_zone_save")
    deleted = spy(monkeypatch, badging_services, "access_zone_delete")
    response = organizer.post(
        reverse("admin:participants_accesszone_add"),
        {
            "conference": conference.pk,
            "code": "P",
            "name_en": "Plenary hall",
            "name_ru": "Пленарный зал",
            "openings-TOTAL_FORMS": 0,
            "openings-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    zone = AccessZone.objects.get(conference=conference)
    assert (zone.code, zone.name) == ("P", "Plenary hall")
    assert [call["zone"] for call in saved] == [zone.pk]

    response = organizer.post(
        reverse("admin:participants_accesszone_delete", args=[zone.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert [call["zone"] for call in deleted] == [zone.pk]
    assert not AccessZone.objects.filter(pk=zone.pk).exists()


def test_a_badge_category_and_its_zones_are_saved_by_its_service(organizer, monkeypatch):
    category = BadgeCategoryFactory(code="D", name="Delegate")
    plenary = AccessZone.objects.create(conference=category.conference, code="P", name="Plenary")
    saved = spy(monkeypatch, badging_services, "badge_category_save")
    url = reverse("admin:participants_badgecategory_change", args=[category.pk])
    data = change_form_data(organizer, url, zones=[str(plenary.pk)], name_en="Delegate")
    response = organizer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(saved) == 1
    assert saved[0]["category"] == category.pk
    assert list(saved[0]["zones"]) == [plenary]
    assert list(category.zones.all()) == [plenary]


def test_zones_of_another_conference_are_refused_by_the_service_and_shown_by_the_form(
    organizer,
):
    category = BadgeCategoryFactory(code="M", name="Media")
    plenary = AccessZone.objects.create(conference=category.conference, code="P", name="Plenary")
    category.zones.set([plenary])
    elsewhere = ConferenceFactory()
    url = reverse("admin:participants_badgecategory_change", args=[category.pk])
    # Moved to another conference, the category would keep a zone of the first one.
    data = change_form_data(organizer, url, conference=str(elsewhere.pk))
    response = organizer.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["zones"] == [
        f"{plenary} belong to another conference."
    ]
    category.refresh_from_db()
    assert category.conference_id != elsewhere.pk

    category.conference = elsewhere
    with pytest.raises(ValidationError) as refused:
        badging_services.badge_category_save(category=category, zones=[plenary])
    assert refused.value.message_dict == {"zones": [f"{plenary} belong to another conference."]}
    category.refresh_from_db()
    assert category.conference_id != elsewhere.pk


def test_the_conference_s_partner_rows_go_through_the_partner_services(organizer, monkeypatch):
    conference = ConferenceFactory()
    organization = OrganizationFactory(acronym="OSCE")
    leaving = ConferencePartner.objects.create(
        conference=conference, country="TJ", role=PartnerRole.HOST
    )
    saved = spy(monkeypatch, conference_services, "conference_partner_save")
    deleted = spy(monkeypatch, conference_services, "conference_partner_delete")
    url = reverse("admin:conference_conference_change", args=[conference.pk])
    data = change_form_data(
        organizer,
        url,
        **{
            "partners-TOTAL_FORMS": "2",
            "partners-0-DELETE": "on",
            "partners-1-organization": str(organization.pk),
            "partners-1-role": PartnerRole.CO_ORGANIZER,
            "partners-1-display_order": "1",
            "partners-1-conference": str(conference.pk),
        },
    )
    response = organizer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = ConferencePartner.objects.get(conference=conference)
    assert (added.organization, added.role) == (organization, PartnerRole.CO_ORGANIZER)
    assert [call["partner"] for call in saved] == [added.pk]
    assert [call["partner"] for call in deleted] == [leaving.pk]
