import datetime as dt

import lxml.html
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conference.enums import ConferenceStatus
from participants.accreditation import services
from participants.accreditation.selectors import nomination_token
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, Delegation, IdentityAccessLog, Participant
from tests.admin_forms import submit_change_form
from tests.factories import (
    BadgeCategoryFactory,
    ConferenceFactory,
    DelegationFactory,
    IdentityDocumentFactory,
    ParticipantFactory,
)
from tests.participants.conftest import image_upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_participant_changelist")


def act(client, action, participants, **extra):
    data = {"action": f"transition_{action}", ACTION_CHECKBOX_NAME: [p.pk for p in participants]}
    return client.post(CHANGELIST, {**data, **extra})


def test_a_bulk_action_first_asks_for_confirmation_and_changes_nothing(organizer):
    participants = ParticipantFactory.create_batch(2)
    response = act(organizer, "review", participants)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/participants/participant/transition_confirm.html"
    assert [row["allowed"] for row in response.context["rows"]] == [True, True]
    assert set(Participant.objects.values_list("status", flat=True)) == {S.NOMINATED}


def test_bulk_reject_needs_a_reason(organizer):
    participant = ParticipantFactory()
    response = act(organizer, "reject", [participant], confirm="yes", reason="")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert Participant.objects.get().status == S.NOMINATED


def test_bulk_approve_reports_successes_and_refusals_row_by_row(
    organizer, superuser, django_capture_on_commit_callbacks
):
    ready = ParticipantFactory.create_batch(2, status=S.VETTING)
    early = ParticipantFactory(status=S.NOMINATED, given_names="Early", family_name="Bird")
    with django_capture_on_commit_callbacks(execute=True):
        response = act(organizer, "approve", [*ready, early], confirm="yes", reason="")
    assert response.status_code == 302
    notes = [str(m) for m in response.wsgi_request._messages]
    assert notes == [
        "Approve: 2 participants done.",
        "1 refused: Early Bird: Early Bird cannot be moved to “Approved”: "
        "the current state is “Nominated”.",
    ]
    statuses = dict(Participant.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in [*ready, early]] == [S.APPROVED, S.APPROVED, S.NOMINATED]
    events = AccreditationEvent.objects.filter(to_status=S.APPROVED)
    assert {(e.participant_id, e.by_id) for e in events} == {(p.pk, superuser.pk) for p in ready}
    assert len(mail.outbox) == 2


def test_bulk_revoke_records_the_reason(organizer):
    holder = ParticipantFactory(status=S.VETTING)
    holder = services.participant_approve(participant=holder, by=None)
    response = act(organizer, "revoke", [holder], confirm="yes", reason="Security concern")
    assert response.status_code == 302
    event = AccreditationEvent.objects.filter(participant=holder).last()
    assert (event.to_status, event.reason, event.badge_number) == (
        S.REVOKED,
        "Security concern",
        1,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has_photo=yes", ["With"]),
        ("has_photo=no", ["Without", "Bare"]),
        ("identity_complete=yes", ["With"]),
        ("identity_complete=no", ["Without", "Bare"]),
        ("status__exact=vetting", ["Without"]),
        ("role__exact=head", ["With"]),
        ("delegation__credentials_status__exact=accepted", ["Bare"]),
        ("country=UZ", ["Bare"]),
    ],
)
def test_filters(organizer, query, expected):
    conference = ConferenceFactory()
    kz = DelegationFactory(conference=conference, country="KZ")
    uz = DelegationFactory(conference=conference, country="UZ", credentials_status="accepted")
    IdentityDocumentFactory(
        participant__delegation=kz,
        participant__given_names="With",
        participant__role="head",
        photo="photos/with.jpg",
    )
    IdentityDocumentFactory(
        participant__delegation=kz,
        participant__given_names="Without",
        participant__status=S.VETTING,
        passport_number="",
    )
    ParticipantFactory(delegation=uz, given_names="Bare")
    response = organizer.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    names = [p.given_names for p in response.context["cl"].result_list]
    assert sorted(names) == sorted(expected)


def test_the_dashboard_counts_and_lists_what_is_missing(organizer):
    conference = ConferenceFactory(requires_passport_data=True)
    complete = DelegationFactory(
        conference=conference,
        country="KZ",
        credentials_status="original",
        nomination_file="notes_verbales/kz.pdf",
    )
    empty = DelegationFactory(conference=conference, country="UZ")
    by_reference_only = DelegationFactory(
        conference=conference,
        country="TM",
        credentials_status="copy",
        nomination_reference="No. 12/345-2019",
    )
    for delegation in (complete, by_reference_only):
        IdentityDocumentFactory(
            participant__delegation=delegation, participant__role="head", photo="photos/h.jpg"
        )
    ParticipantFactory(delegation=complete, given_names="Nophoto", family_name="Person")
    url = reverse("admin:participants_participant_dashboard", args=[conference.pk])
    response = organizer.get(url)
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 3
    assert [(r["label"], r["count"]) for r in context["by_status"]] == [("Nominated", 3)]
    assert [(title, [d.name for d in ds]) for title, ds in context["delegation_lists"]] == [
        ("Delegations without a nomination (note verbale or members)", ["Uzbekistan"]),
        ("Delegations without credentials", ["Uzbekistan"]),
        ("Delegations without a head", ["Uzbekistan"]),
    ]
    rows = [
        (r["participant"].given_names, r["missing_photo"], r["missing_passport"])
        for r in context["incomplete_participants"]
    ]
    assert rows == [("Nophoto", True, True)]
    assert empty.name in response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_queries_stay_flat_as_participants_grow(organizer):
    conference = ConferenceFactory()
    delegation = DelegationFactory(conference=conference, max_size=30)
    ParticipantFactory(delegation=delegation)
    url = reverse("admin:participants_participant_dashboard", args=[conference.pk])
    few = queries_for(organizer, url)
    for _ in range(8):
        IdentityDocumentFactory(participant__delegation=delegation, photo="photos/x.jpg")
        ParticipantFactory(delegation=DelegationFactory(conference=conference))
    assert queries_for(organizer, url) == few


def test_the_delegation_page_shows_members_history_and_link_controls(organizer):
    member = ParticipantFactory(given_names="Shown", family_name="Member")
    services.participant_review(participant=member, by=None)
    delegation = member.delegation
    response = organizer.get(reverse("admin:participants_delegation_change", args=[delegation.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Shown Member" in content
    assert "Accreditation history" in content
    assert "Under review" in content
    assert nomination_token(delegation=delegation) in content
    assert "Rotate (old links stop working)" in content


def link(client, delegation, operation):
    url = reverse("admin:participants_delegation_nomination_link", args=[delegation.pk, operation])
    return client.post(url)


def test_link_buttons_send_rotate_and_revoke(organizer, django_capture_on_commit_callbacks):
    delegation = DelegationFactory(focal_point_email="focal@mfa.example")
    old_token = nomination_token(delegation=delegation)
    with django_capture_on_commit_callbacks(execute=True):
        assert link(organizer, delegation, "send").status_code == 302
    assert mail.outbox[0].to == ["focal@mfa.example"]
    assert f"http://testserver/nominate/{old_token}/" in mail.outbox[0].body
    delegation.refresh_from_db()
    assert delegation.nomination_link_expires_at is not None

    assert link(organizer, delegation, "rotate").status_code == 302
    delegation.refresh_from_db()
    assert nomination_token(delegation=delegation) != old_token

    assert link(organizer, delegation, "revoke").status_code == 302
    delegation.refresh_from_db()
    assert delegation.nomination_link_revoked is True
    assert (
        organizer.get(
            reverse("admin:participants_delegation_nomination_link", args=[delegation.pk, "send"])
        ).status_code
        == 405
    )


def test_sending_a_link_without_a_focal_point_email_is_refused(organizer):
    delegation = DelegationFactory(focal_point_email="")
    response = link(organizer, delegation, "send")
    assert [str(m) for m in response.wsgi_request._messages] == [
        f"{delegation.name} has no focal point e-mail address."
    ]


def test_viewing_a_participant_with_identity_data_is_logged(organizer, superuser):
    document = IdentityDocumentFactory(passport_number="P7777777")
    url = reverse("admin:participants_participant_change", args=[document.participant_id])
    response = organizer.get(url)
    assert "P7777777" in response.content.decode()
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.kind, log.participant) == (superuser, "view", document.participant)


def test_adding_a_participant_in_the_admin_checks_the_delegation_rules(organizer):
    head = ParticipantFactory(role="head", given_names="First", family_name="Head")
    response = organizer.post(
        reverse("admin:participants_participant_add"),
        {
            "conference": head.conference_id,
            "delegation": head.delegation_id,
            "given_names": "Second",
            "family_name": "Head",
            "email": "second@mfa.example",
            "role": "head",
            "preferred_language": "en",
            "identity-TOTAL_FORMS": "0",
            "identity-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert f"{head.delegation.name} already has a head of delegation (First Head)." in str(
        response.context["adminform"].form.errors
    )
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "expected_status"),
    [
        ({"family_name": "Replacementova"}, S.UNDER_REVIEW),
        ({"identity-0-passport_number": "P7654321"}, S.UNDER_REVIEW),
        ({"functional_title": "Minister Counsellor"}, S.APPROVED),
    ],
)
def test_an_organizer_changing_identity_data_sends_an_approved_member_back_to_review(
    organizer, superuser, changes, expected_status
):
    document = IdentityDocumentFactory(participant__status=S.APPROVED)
    participant = document.participant
    url = reverse("admin:participants_participant_change", args=[participant.pk])
    submit_change_form(organizer, url, **changes)
    participant.refresh_from_db()
    assert participant.status == expected_status
    reviews = AccreditationEvent.objects.filter(participant=participant, to_status=S.UNDER_REVIEW)
    if expected_status == S.UNDER_REVIEW:
        assert [(e.from_status, e.by, e.reason) for e in reviews] == [
            (S.APPROVED, superuser, "Identity data changed by an organizer.")
        ]
    else:
        assert not reviews.exists()


@pytest.mark.parametrize("object_id", ["not-a-number", "999999"])
def test_a_participant_url_with_a_bad_id_redirects_with_a_message(organizer, object_id):
    url = reverse("admin:participants_participant_change", args=[object_id])
    response = organizer.get(url, follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"participant with ID “{object_id}” doesn’t exist. Perhaps it was deleted?"
    ]
    assert not IdentityAccessLog.objects.exists()


def test_delegation_page_queries_stay_flat_as_members_and_history_grow(organizer):
    delegation = DelegationFactory(max_size=30)
    url = reverse("admin:participants_delegation_change", args=[delegation.pk])

    def add_members(count: int) -> None:
        for _ in range(count):
            services.participant_review(
                participant=ParticipantFactory(delegation=delegation), by=organizer.user
            )

    add_members(1)
    queries_for(organizer, url)  # warms the caches (content types) the first request fills
    few = queries_for(organizer, url)
    add_members(9)
    assert queries_for(organizer, url) == few


def test_bulk_confirmation_page_queries_stay_flat_as_the_selection_grows(organizer):
    def confirm_page_queries(count: int) -> int:
        participants = ParticipantFactory.create_batch(count)
        with CaptureQueriesContext(connection) as queries:
            response = act(organizer, "approve", participants)
        assert response.status_code == 200
        assert len(response.context["rows"]) == count
        return len(queries)

    assert confirm_page_queries(10) == confirm_page_queries(1)


# Issue 10, item 7: the nomination link from the delegation page.


def test_the_send_button_submits_a_form_outside_the_change_form(
    organizer, django_capture_on_commit_callbacks
):
    delegation = DelegationFactory(focal_point_email="focal@mfa.example")
    change = organizer.get(reverse("admin:participants_delegation_change", args=[delegation.pk]))
    page = lxml.html.fromstring(change.content)
    button = page.xpath('//button[normalize-space()="Send the link to the focal point"]')[0]
    form = page.get_element_by_id(button.get("form"))
    assert form.xpath("ancestor::form") == []
    assert form.get("method") == "post"
    token = form.xpath('.//input[@name="csrfmiddlewaretoken"]')[0].get("value")
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(form.get("action"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["focal@mfa.example"]]
    assert nomination_token(delegation=delegation) in mail.outbox[0].body


def test_a_new_link_lasts_until_the_registration_deadline():
    deadline = timezone.now() + dt.timedelta(days=90)
    delegation = DelegationFactory(conference__registration_deadline=deadline)
    services.delegation_send_nomination_link(delegation=delegation, portal_url=str)
    delegation.refresh_from_db()
    assert delegation.nomination_link_expires_at == deadline


def test_sending_after_a_revoke_issues_a_new_link_and_the_old_stays_dead(
    client, django_capture_on_commit_callbacks
):
    delegation = DelegationFactory(
        conference__status=ConferenceStatus.REGISTRATION_OPEN,
        conference__registration_deadline=timezone.now() + dt.timedelta(days=90),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_send_nomination_link(delegation=delegation, portal_url=str)
    first = nomination_token(delegation=Delegation.objects.get(pk=delegation.pk))
    services.delegation_revoke_nomination_link(delegation=delegation)
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_send_nomination_link(delegation=delegation, portal_url=str)
    second = nomination_token(delegation=Delegation.objects.get(pk=delegation.pk))
    assert second != first
    assert [m.body.count(token) for m in mail.outbox for token in (first, second)] == [1, 0, 0, 1]
    assert client.get(f"/nominate/{first}/").status_code == 403
    assert client.get(f"/nominate/{second}/").status_code == 200


def test_sending_a_live_link_again_keeps_it():
    delegation = DelegationFactory()
    services.delegation_send_nomination_link(delegation=delegation, portal_url=str)
    first = nomination_token(delegation=Delegation.objects.get(pk=delegation.pk))
    services.delegation_send_nomination_link(delegation=delegation, portal_url=str)
    assert nomination_token(delegation=Delegation.objects.get(pk=delegation.pk)) == first


# Issue 10, item 8: the reject form says what the delegation will read.


def test_the_reject_form_separates_the_internal_reason_from_the_message(organizer):
    participant = ParticipantFactory()
    page = lxml.html.fromstring(act(organizer, "reject", [participant]).content.decode())
    labels = [label.text_content() for label in page.xpath("//fieldset//label")]
    assert labels == ["Internal reason (required)", "Message to the delegation (optional)"]
    assert page.get_element_by_id("reason-help").text_content() == (
        "Kept in the accreditation file for the organizers. It is never sent to the delegation."
    )
    assert page.get_element_by_id("mail-preview").text_content() == (
        "What the focal point receives: an e-mail saying the participant's accreditation is "
        "now “Rejected”, with your message to the delegation if you write one — never the "
        "internal reason."
    )


@pytest.mark.parametrize(
    ("message", "mailed"),
    [("", None), ("Please nominate a ministry official.", "Please nominate a ministry official.")],
)
def test_a_bulk_reject_mails_the_message_and_never_the_reason(
    organizer, django_capture_on_commit_callbacks, message, mailed
):
    participant = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        act(
            organizer,
            "reject",
            [participant],
            confirm="yes",
            reason="Security service objects",
            message=message,
        )
    event = participant.accreditation_events.get()
    assert (event.reason, event.message) == ("Security service objects", message)
    [sent] = mail.outbox
    assert "Security service" not in sent.body
    assert ("Message from the accreditation team" in sent.body) is (mailed is not None)
    if mailed:
        assert mailed in sent.body


def test_the_delegation_list_names_a_revoked_link_and_leaves_open_ones_blank(organizer):
    conference = ConferenceFactory()
    DelegationFactory(conference=conference, country="KZ")
    DelegationFactory(conference=conference, country="UZ", nomination_link_revoked=True)
    page = lxml.html.fromstring(
        organizer.get(reverse("admin:participants_delegation_changelist")).content.decode()
    )
    cells = {
        row.xpath('string(.//*[contains(@class, "field-name")])'): row.xpath(
            'string(.//td[contains(@class, "field-link_revoked")])'
        )
        for row in page.xpath('//table[@id="result_list"]/tbody/tr')
    }
    assert cells == {"Kazakhstan": "-", "Uzbekistan": "Revoked"}
    assert not page.xpath('//table[@id="result_list"]//img[@alt="False"]')


def test_the_delegation_page_says_revoked_only_when_the_link_is(organizer):
    open_link = DelegationFactory()
    revoked = DelegationFactory(nomination_link_revoked=True)

    def page(delegation) -> str:
        url = reverse("admin:participants_delegation_change", args=[delegation.pk])
        return organizer.get(url).content.decode()

    assert "icon-no.svg" not in page(open_link)
    assert ">Revoked<" not in page(open_link)
    assert ">Revoked<" in page(revoked)


def test_approval_offers_the_conferences_categories_with_the_default_chosen(organizer):
    conference = ConferenceFactory(delegate_badge=False)
    head_kind = BadgeCategoryFactory(conference=conference, code="HOD", kind="head")
    delegate = BadgeCategoryFactory(conference=conference, code="DEL", kind="delegate")
    BadgeCategoryFactory(code="ELSEWHERE", kind="head")
    head = ParticipantFactory(delegation__conference=conference, role="head", status=S.VETTING)

    page = act(organizer, "approve", [head])
    [select] = lxml.html.fromstring(page.content).xpath(
        f"//select[@name='badge_category-{head.pk}']"
    )
    assert [o.get("value") for o in select.xpath("option")] == [str(delegate.pk), str(head_kind.pk)]
    assert select.xpath("option[@selected]")[0].get("value") == str(head_kind.pk)

    act(organizer, "approve", [head], confirm="yes", **{f"badge_category-{head.pk}": delegate.pk})
    head.refresh_from_db()
    assert (head.status, head.badge_category) == (S.APPROVED, delegate)


def test_the_review_step_shows_each_photo_to_those_who_may_see_it(organizer, tmp_path):
    participant = IdentityDocumentFactory(photo=image_upload()).participant

    page = act(organizer, "review", [participant]).content.decode()

    assert reverse("desk:photo", args=[participant.pk]) in page


def test_the_delegation_column_sorts_by_the_delegation_name(organizer):
    conference = ConferenceFactory()
    for country in ("UZ", "AT", "KG"):
        delegation = DelegationFactory(conference=conference, country=country)
        ParticipantFactory(conference=conference, delegation=delegation, family_name=country)
    scoped = {"conference__id__exact": conference.pk}
    header = lxml.html.fromstring(organizer.get(CHANGELIST, scoped).content.decode())
    (column,) = header.xpath('//th[contains(@class, "column-delegation_column")]')
    index = [th.get("class") for th in header.xpath('//table[@id="result_list"]//th')].index(
        column.get("class")
    )
    listed = {}
    for order in (str(index), f"-{index}"):
        with CaptureQueriesContext(connection) as queries:
            page = organizer.get(CHANGELIST, {**scoped, "o": order})
        listed[order] = lxml.html.fromstring(page.content.decode()).xpath(
            '//table[@id="result_list"]//td[contains(@class, "field-delegation_column")]/text()'
        )
        (rows_query,) = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "participants_participant"."id"')
            and "ORDER BY" in q["sql"]
        ]
        # One sort key from one joined table, not the conference's date through a second join.
        direction = "DESC" if order.startswith("-") else "ASC"
        order_by = rows_query.split("ORDER BY ")[1]
        assert order_by.startswith(f'"participants_delegation"."name" {direction}, ')
        assert '"conference_conference"' not in order_by
    assert listed[str(index)] == ["Austria", "Kyrgyzstan", "Uzbekistan"]
    assert listed[f"-{index}"] == ["Uzbekistan", "Kyrgyzstan", "Austria"]


def test_a_page_of_the_list_is_read_by_id_in_the_sorted_order(organizer, monkeypatch):
    from django.contrib import admin

    monkeypatch.setattr(admin.site._registry[Participant], "list_per_page", 2)
    conference = ConferenceFactory()
    for country, family in (("UZ", "Aliev"), ("AT", "Bauer"), ("KG", "Asanov"), ("AT", "Adler")):
        delegation = Delegation.objects.filter(conference=conference, country=country).first()
        ParticipantFactory(
            conference=conference,
            delegation=delegation or DelegationFactory(conference=conference, country=country),
            family_name=family,
        )
    scoped = {"conference__id__exact": conference.pk}
    pages = []
    for number in ("1", "2"):
        with CaptureQueriesContext(connection) as queries:
            page = organizer.get(CHANGELIST, {**scoped, "o": "1", "p": number})
        pages.append(
            lxml.html.fromstring(page.content.decode()).xpath(
                '//table[@id="result_list"]//*[contains(@class, "field-family_name")]//text()'
            )
        )
        paged = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "participants_participant"."id"')
            and q["sql"].endswith(("LIMIT 2", "OFFSET 2"))
        ]
        # The sorted page is chosen over the ids alone, then its rows are read by id.
        assert len(paged) == 1 and paged[0].startswith(
            'SELECT "participants_participant"."id" AS "pk" FROM '
        )
    assert pages == [["Adler", "Aliev"], ["Asanov", "Bauer"]]
