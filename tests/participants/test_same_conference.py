"""A participant's delegation and badge category are of the participant's conference."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants.accreditation.services import participant_register
from participants.models import Participant
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def refused(target) -> str:
    return f"{target} belongs to Dushanbe Conference (2019), not to Dushanbe Conference (2027)."


def newcomer(conference, **references) -> Participant:
    return Participant(
        conference=conference,
        given_names="Nurlan",
        family_name="Abenov",
        email="nurlan@mfa.example",
        **references,
    )


@pytest.mark.parametrize(
    ("field", "old_target"), [("delegation", "delegation"), ("badge_category", "badge")]
)
def test_a_participant_refuses_a_delegation_or_badge_of_another_conference(
    two_years, superuser, field, old_target
):
    target = getattr(two_years.old, old_target)

    with pytest.raises(ValidationError) as model_refusal:
        newcomer(two_years.new.conference, **{field: target}).full_clean()
    with pytest.raises(ValidationError) as service_refusal:
        participant_register(
            participant=newcomer(two_years.new.conference, **{field: target}), by=superuser
        )

    assert model_refusal.value.message_dict == {field: [refused(target)]}
    assert service_refusal.value.message_dict == {field: [refused(target)]}
    assert not Participant.objects.filter(email="nurlan@mfa.example").exists()


def test_the_participant_form_offers_only_delegations_and_badges_of_its_conference(
    organizer, two_years
):
    old, new = two_years.old, two_years.new
    url = reverse("admin:participants_participant_change", args=[new.person.pk])

    form = organizer.get(url).context["adminform"].form
    added = (
        organizer.get(
            reverse("admin:participants_participant_add") + f"?conference={new.conference.pk}"
        )
        .context["adminform"]
        .form
    )
    posted = organizer.post(
        url, change_form_data(organizer, url, delegation=str(old.delegation.pk))
    )

    assert list(form.fields["delegation"].queryset) == [new.delegation]
    assert list(form.fields["badge_category"].queryset) == [new.badge]
    assert list(added.fields["delegation"].queryset) == [new.delegation]
    assert posted.status_code == 200
    assert posted.context["adminform"].form.errors == {"delegation": [INVALID_CHOICE]}
    assert Participant.objects.get(pk=new.person.pk).delegation == new.delegation


def test_a_new_participant_of_another_conferences_delegation_is_refused_on_the_form(
    organizer, two_years
):
    """On the add page the conference chosen in the same form scopes the choices."""
    old, new = two_years.old, two_years.new
    url = reverse("admin:participants_participant_add")
    data = change_form_data(
        organizer,
        url,
        conference=str(new.conference.pk),
        delegation=str(old.delegation.pk),
        given_names="Nurlan",
        family_name="Abenov",
        email="nurlan@mfa.example",
    )

    posted = organizer.post(url, data)

    assert posted.status_code == 200
    assert posted.context["adminform"].form.errors == {"delegation": [INVALID_CHOICE]}
    assert not Participant.objects.filter(email="nurlan@mfa.example").exists()
