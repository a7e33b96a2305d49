"""Acceptance 1: a focal point nominates, the organizers decide, the focal point sees it."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from participants.models import AccreditationEvent, Participant
from tests.auth import sign_in
from tests.participants.conftest import image_upload, member_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_participant_changelist")


def bulk(client, action, participants, reason="", message=""):
    return client.post(
        CHANGELIST,
        {
            "action": f"transition_{action}",
            ACTION_CHECKBOX_NAME: [p.pk for p in participants],
            "confirm": "yes",
            "reason": reason,
            "message": message,
        },
    )


def test_focal_point_nominates_three_and_sees_two_approved_and_one_rejected(
    client, superuser, delegation, django_capture_on_commit_callbacks
):
    sign_in(client, superuser)
    delegation.max_size = 5
    delegation.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:participants_delegation_nomination_link", args=[delegation.pk, "send"])
        )
    link = re.search(r"http://testserver(/nominate/\S+/)", mail.outbox[0].body).group(1)
    client.logout()

    # The focal point, with no account, opens the link and nominates three members.
    assert client.get(link).status_code == 200
    people = [
        ("Aziza", "Headova", "head", "png"),
        ("Bakhtiyor", "Advisorov", "adviser", "jpg"),
        ("Dilnoza", "Expertova", "expert", "jpg"),
    ]
    for given, family, role, ext in people:
        response = client.post(
            f"{link}members/add/",
            member_data(
                given_names=given,
                family_name=family,
                role=role,
                email=f"{given.lower()}@mfa.example",
                photo=image_upload(f"{given}.{ext}", "PNG" if ext == "png" else "JPEG"),
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        f"{link}note-verbale/",
        {
            "nomination_reference": "No. 05/2019-117",
            "nomination_date": "2019-04-22",
            "nomination_file": image_upload("note.png", "PNG"),
        },
    )
    assert response.status_code == 302
    page = client.get(link).content.decode()
    assert page.count("Nominated</span>") == 3
    assert "No. 05/2019-117" in page

    # The organizer reviews, vets, approves two and rejects one with a reason.
    sign_in(client, superuser)
    aziza, bakhtiyor, dilnoza = Participant.objects.order_by("created_at", "pk")
    with django_capture_on_commit_callbacks(execute=True):
        bulk(client, "review", [aziza, bakhtiyor, dilnoza])
        bulk(client, "send_to_vetting", [aziza, bakhtiyor])
        bulk(client, "approve", [aziza, bakhtiyor])
        response = bulk(
            client,
            "reject",
            [dilnoza],
            reason="Not a member of the ministry",
            message="Only officials of the ministry can be accredited.",
        )
    assert [str(m) for m in response.wsgi_request._messages][-1] == "Reject: 1 participant done."
    client.logout()

    # The focal point sees the outcome and has the e-mails.
    page = client.get(link).content.decode()
    assert page.count("Approved</span>") == 2
    assert page.count("Rejected</span>") == 1
    # Numbered as the badge prints them and the mail says them.
    first, second = (delegation.conference.printed_badge_number(n) for n in (1, 2))
    assert f"Badge no. {first}" in page and f"Badge no. {second}" in page
    subjects = [m.subject for m in mail.outbox]
    assert subjects[0] == f"{delegation.conference.short_title}: nomination link for Kazakhstan"
    # One digest per decision, not one e-mail per person per step: the review and the
    # vetting are not mailed.
    short = delegation.conference.short_title
    assert subjects[1:] == [
        f"{short}: accreditation of Kazakhstan — Approved: 2",
        f"{short}: accreditation of Kazakhstan — Rejected: 1",
    ]
    approval = mail.outbox[1].body
    assert "Aziza Headova: Approved (Badge number: " in approval
    assert "Bakhtiyor Advisorov: Approved (Badge number: " in approval
    assert {m.to[0] for m in mail.outbox} == {delegation.focal_point_email}
    rejection = mail.outbox[-1]
    assert "Only officials of the ministry can be accredited." in rejection.body
    assert "Not a member of the ministry" not in rejection.body
    assert AccreditationEvent.objects.count() == 3 + 3 + 2 + 2 + 1
