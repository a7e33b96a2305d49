"""Issue 21, item 16: once a conference is chosen, the admin offers only its rows.

The participant form's delegation autocomplete follows the chosen conference (its script is
on every form of conference.admin_mixins.SameConferenceChoicesMixin), and every list filter
on a relation to a conference-bound model lists the rows of the conference in view.
"""

import pytest
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.urls import reverse

from conference.admin_mixins import SameConferenceChoicesMixin, is_conference_bound
from conference.models import Conference

pytestmark = pytest.mark.django_db

SCRIPT = "conference/admin/same_conference.js"


@pytest.mark.parametrize(
    "model_admin",
    [a for a in admin.site._registry.values() if isinstance(a, SameConferenceChoicesMixin)],
    ids=lambda a: a.model._meta.label,
)
def test_every_same_conference_form_carries_the_script(model_admin):
    assert SCRIPT in [str(js) for js in model_admin.media._js]


def test_the_participant_add_page_loads_the_script(organizer):
    page = organizer.get(reverse("admin:participants_participant_add")).content.decode()
    assert f"/static/{SCRIPT}" in page


def test_the_delegation_autocomplete_of_the_chosen_conference(organizer, two_years):
    answer = organizer.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "participants",
            "model_name": "participant",
            "field_name": "delegation",
            "conference": two_years.new.conference.pk,
        },
    ).json()
    assert [r["id"] for r in answer["results"]] == [str(two_years.new.delegation.pk)]


def _filter(changelist, title):
    (spec,) = [spec for spec in changelist.filter_specs if spec.title == title]
    return spec


def test_the_badge_category_filter_lists_the_conference_in_view(organizer, two_years):
    url = reverse("admin:participants_participant_changelist")
    chosen = organizer.get(url, {"conference__id__exact": two_years.new.conference.pk})
    spec = _filter(chosen.context["cl"], "badge category")
    assert [pk for pk, _label in spec.lookup_choices] == [two_years.new.badge.pk]
    # Without a conference, every edition's categories, as before.
    everything = _filter(organizer.get(url).context["cl"], "badge category")
    assert sorted(pk for pk, _label in everything.lookup_choices) == sorted(
        [two_years.old.badge.pk, two_years.new.badge.pk]
    )


def _conference_param(model_admin) -> str | None:
    for entry in model_admin.list_filter:
        if isinstance(entry, str) and entry.split("__")[-1] in {"conference"}:
            return f"{entry}__id__exact"
    return None


LISTS_WITH_A_CONFERENCE_FILTER = [
    a for a in admin.site._registry.values() if _conference_param(a) is not None
]


@pytest.mark.parametrize(
    "model_admin", LISTS_WITH_A_CONFERENCE_FILTER, ids=lambda a: a.model._meta.label
)
def test_every_relation_filter_of_every_list_keeps_to_the_conference_in_view(
    organizer, two_years, model_admin
):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = organizer.get(url, {_conference_param(model_admin): two_years.new.conference.pk})
    assert response.status_code == 200
    for spec in response.context["cl"].filter_specs:
        if not isinstance(spec, RelatedFieldListFilter):
            continue
        related = spec.field.related_model
        if related is Conference or not is_conference_bound(related):
            continue
        offered = [pk for pk, _label in spec.lookup_choices]
        elsewhere = related._default_manager.filter(pk__in=offered).exclude(
            conference=two_years.new.conference
        )
        assert list(elsewhere) == [], f"{opts.label}: filter {spec.title}"
