"""The drafting officer's admin: steps, comparison, amendment and recommendation actions."""

import lxml.html
import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.enums import (
    AmendmentAction,
    AmendmentStatus,
    DocumentStatus,
    ParagraphKind,
)
from documents.enums import RecommendationStatus as R
from documents.models import Amendment, Recommendation
from participants.accreditation.roles import roles_sync
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    OutcomeDocumentFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def step_url(document, step):
    return reverse("admin:documents_document_step", args=[document.pk, step])


def test_change_page_offers_the_steps_of_the_current_state(organizer, negotiating):
    url = reverse("admin:documents_outcomedocument_change", args=[negotiating.pk])
    response = organizer.get(url)
    assert [s.name for s in response.context["steps"]] == [
        "revision", "amend", "silence", "publish_draft", "withdraw_draft", "adopt", "fail",
    ]  # fmt: skip
    assert step_url(negotiating, "adopt") in response.content.decode()


def test_adopt_step_shows_the_refusal_naming_bracketed_paragraphs(organizer, negotiating):
    response = organizer.post(
        step_url(negotiating, "adopt"), {"method": "consensus", "adopted_on": "2019-05-17"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Zero draft cannot be adopted: bracketed text remains in operative 2."
    ]
    negotiating.refresh_from_db()
    assert negotiating.status == DocumentStatus.UNDER_NEGOTIATION


def test_steps_record_an_amendment_and_open_a_revision(organizer, negotiating):
    kazakhstan = DelegationFactory(conference=negotiating.conference, country="KZ")
    target = negotiating.versions.get().paragraphs.get(number="2")
    response = organizer.post(
        step_url(negotiating, "amend"),
        {
            "action": "replace",
            "target_paragraph": target.pk,
            "kind": "operative",
            "proposed_text": "Urges all States.",
            "delegations": [kazakhstan.pk],
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert list(amendment.proposed_by.all()) == [kazakhstan]
    response = organizer.post(step_url(negotiating, "revision"))
    rev1 = negotiating.versions.get(sequence=1)
    assert response["Location"] == reverse("admin:documents_documentversion_change", args=[rev1.pk])


def changelist_action(client, model, action, pks, **data):
    url = reverse(f"admin:documents_{model}_changelist")
    return client.post(url, {"action": action, helpers.ACTION_CHECKBOX_NAME: pks, **data})


def test_amendment_actions_accept_reject_and_merge(organizer, negotiating, officer):
    sponsors = DelegationFactory.create_batch(3, conference=negotiating.conference)
    target = negotiating.versions.get().paragraphs.get(number="2")

    def propose(text, sponsor):
        return services.amendment_propose(
            document=negotiating, action=AmendmentAction.REPLACE, target_paragraph=target,
            proposed_text=text, delegations=[sponsor],
        )  # fmt: skip

    accepted, merged, rejected = (
        propose(text, sponsor)
        for text, sponsor in zip(
            ["Urges all States.", "Urges States.", "Notes."], sponsors, strict=True
        )
    )
    # Nothing to apply the amendment to yet: the refusal is reported, nothing changes.
    changelist_action(organizer, "amendment", "accept", [accepted.pk])
    accepted.refresh_from_db()
    assert accepted.status == AmendmentStatus.PROPOSED

    rev1 = services.version_create_revision(document=negotiating, by=officer)
    assert changelist_action(organizer, "amendment", "accept", [accepted.pk]).status_code == 302
    assert changelist_action(organizer, "amendment", "reject", [rejected.pk]).status_code == 302
    form_page = changelist_action(organizer, "amendment", "merge", [merged.pk])
    assert form_page.status_code == 200
    assert list(form_page.context["form"].fields["into"].queryset) == [accepted]
    changelist_action(organizer, "amendment", "merge", [merged.pk], apply="1", into=accepted.pk)
    statuses = dict(Amendment.objects.values_list("pk", "status"))
    assert statuses == {
        accepted.pk: AmendmentStatus.ACCEPTED,
        merged.pk: AmendmentStatus.MERGED,
        rejected.pk: AmendmentStatus.REJECTED,
    }
    assert rev1.paragraphs.get(number="2").text == "Urges all States."


def test_admin_compare_view_includes_the_working_revision(organizer, negotiating, officer):
    rev1 = services.version_create_revision(document=negotiating, by=officer)
    paragraph = rev1.paragraphs.get(number="2")
    services.paragraph_edit(
        paragraph=paragraph, kind=paragraph.kind, text="Urges all States.", is_bracketed=False
    )
    url = reverse("admin:documents_document_compare", args=[negotiating.pk])
    response = organizer.get(url)
    assert response.status_code == 200
    assert response.context["changed_count"] == 1
    assert "<del>[</del>Urges<ins> all States</ins>.<del>]</del>" in response.content.decode()


def test_recommendations_are_consolidated_through_the_intermediate_form(organizer):
    ashgabat = ConferenceFactory()
    first, second = RecommendationFactory.create_batch(
        2, theme="Information sharing", source_conference=ashgabat
    )
    pks = [first.pk, second.pk]
    form_page = changelist_action(organizer, "recommendation", "consolidate", pks)
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["theme"] == "Information sharing"
    response = changelist_action(
        organizer, "recommendation", "consolidate", pks, apply="1", code="C-1",
        theme="Information sharing", text="Exchange financial intelligence.",
        source_conference=ashgabat.pk,
    )  # fmt: skip
    assert response.status_code == 302
    merged = Recommendation.objects.get(code="C-1")
    assert sorted(merged.consolidated_from.values_list("pk", "status")) == [
        (first.pk, R.CONSOLIDATED),
        (second.pk, R.CONSOLIDATED),
    ]


def test_recommendations_are_marked_presented_at_a_conference(organizer):
    dushanbe = ConferenceFactory()
    proposed = RecommendationFactory()
    endorsed = RecommendationFactory(status=R.ENDORSED)
    pks = [proposed.pk, endorsed.pk]
    form_page = changelist_action(organizer, "recommendation", "mark_presented", pks)
    assert form_page.status_code == 200
    changelist_action(
        organizer, "recommendation", "mark_presented", pks, apply="1", conference=dushanbe.pk
    )
    assert sorted(dushanbe.presented_recommendations.values_list("pk", "status")) == [
        (proposed.pk, R.PRESENTED),
        (endorsed.pk, R.ENDORSED),
    ]


def test_recommendation_filters(organizer):
    url = reverse("admin:documents_recommendation_changelist")
    dushanbe = ConferenceFactory()
    shown = RecommendationFactory(theme="Border security")
    shown.presented_at.add(dushanbe)
    RecommendationFactory(theme="Border security")
    response = organizer.get(url, {"presented_at__id__exact": dushanbe.pk})
    assert list(response.context["cl"].result_list) == [shown]
    response = organizer.get(url, {"theme": "Border security"})
    assert response.context["cl"].result_count == 2


@pytest.fixture
def observer(client):
    """A client logged in as a staff member of the read-only observer role."""
    roles_sync()
    user = UserFactory(username="observer")
    user.groups.add(Group.objects.get(name="Read-only observer"))
    sign_in(client, user)
    return client


def test_a_read_only_observer_can_read_but_not_decide(observer, negotiating, officer):
    sponsor = DelegationFactory(conference=negotiating.conference)
    amendment = services.amendment_propose(
        document=negotiating, action=AmendmentAction.DELETE, delegations=[sponsor],
        target_paragraph=negotiating.versions.get().paragraphs.get(number="1"),
    )  # fmt: skip
    recommendation = RecommendationFactory()
    dushanbe = ConferenceFactory()

    listing = observer.get(reverse("admin:documents_amendment_changelist"))
    assert list(listing.context["cl"].result_list) == [amendment]
    assert listing.context["action_form"] is None  # no action is offered
    changelist_action(observer, "amendment", "reject", [amendment.pk])
    changelist_action(
        observer, "recommendation", "mark_presented", [recommendation.pk],
        apply="1", conference=dushanbe.pk,
    )  # fmt: skip
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.PROPOSED
    assert list(recommendation.presented_at.all()) == []

    page = observer.get(reverse("admin:documents_outcomedocument_change", args=[negotiating.pk]))
    assert page.status_code == 200
    assert page.context["steps"] == []
    assert observer.get(step_url(negotiating, "adopt")).status_code == 403
    services.version_create_revision(document=negotiating, by=officer)
    compare = reverse("admin:documents_document_compare", args=[negotiating.pk])
    assert observer.get(compare).status_code == 200


def test_custom_views_of_a_missing_object_are_not_found(organizer):
    for url in [
        reverse("admin:documents_document_step", args=[999999, "adopt"]),
        reverse("admin:documents_document_compare", args=[999999]),
        reverse("admin:documents_version_issue", args=[999999]),
    ]:
        assert (url, organizer.get(url).status_code) == (url, 404)


def test_custom_admin_views_queries_do_not_grow(organizer, officer):
    """The comparison, the working revision, the amendment form and the action pages."""

    def build(paragraphs: int) -> dict[str, tuple[str, dict | None]]:
        document = OutcomeDocumentFactory()
        zero = services.version_create_zero_draft(document=document, by=officer)
        for index in range(paragraphs):
            services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text=f"P {index}.")
        services.document_circulate_zero_draft(document=document, by=officer)
        services.document_open_negotiation(document=document, by=officer)
        sponsors = DelegationFactory.create_batch(3, conference=document.conference)
        amendments = [
            services.amendment_propose(
                document=document,
                action=AmendmentAction.DELETE,
                target_paragraph=paragraph,
                delegations=sponsors[: 1 + index % 3],
            )  # fmt: skip
            for index, paragraph in enumerate(zero.paragraphs.all())
        ]
        rev1 = services.version_create_revision(document=document, by=officer)
        recommendations = [r.pk for r in RecommendationFactory.create_batch(paragraphs)]
        checked = helpers.ACTION_CHECKBOX_NAME
        amendment_list = reverse("admin:documents_amendment_changelist")
        recommendation_list = reverse("admin:documents_recommendation_changelist")
        return {
            "compare": (reverse("admin:documents_document_compare", args=[document.pk]), None),
            "revision": (
                reverse("admin:documents_documentversion_change", args=[rev1.pk]),
                None,
            ),
            "document": (
                reverse("admin:documents_outcomedocument_change", args=[document.pk]),
                None,
            ),
            "amend": (step_url(document, "amend"), None),
            "merge": (amendment_list, {"action": "merge", checked: [a.pk for a in amendments]}),
            "consolidate": (
                recommendation_list,
                {"action": "consolidate", checked: recommendations},
            ),
            "presented": (
                recommendation_list,
                {"action": "mark_presented", checked: recommendations},
            ),
        }

    def counts(pages) -> dict[str, int]:
        result = {}
        for name, (url, data) in pages.items():
            with CaptureQueriesContext(connection) as queries:
                response = organizer.post(url, data) if data else organizer.get(url)
            assert (name, response.status_code) == (name, 200)
            result[name] = len(queries)
        return result

    small, large = build(5), build(40)
    counts(small)  # warms the per-process caches (content types, session)
    assert counts(small) == counts(large)


def test_the_publish_form_shows_the_documents_symbol(organizer):
    document = OutcomeDocumentFactory(symbol="A/73/886")
    page = lxml.html.fromstring(organizer.get(step_url(document, "publish")).content)
    assert page.xpath('//input[@name="symbol"]/@value') == ["A/73/886"]
