import datetime as dt
import re

import lxml.html
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conference.enums import ConferenceStatus
from conference.models import Conference
from participants.accreditation import services
from participants.accreditation.selectors import nomination_token
from participants.enums import AccreditationStatus as S
from participants.models import (
    AccreditationEvent,
    Delegation,
    IdentityDocument,
    IssuedBadge,
    Participant,
)
from tests.factories import DelegationFactory, ParticipantFactory
from tests.participants.conftest import image_upload, member_data
from tests.participants.note_pdfs import clean_pdf

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    return str(response.context["form"].errors)


def test_nominating_a_member_stores_identity_and_a_reencoded_photo(portal):
    response = portal.nominate()
    assert response.status_code == 302
    member = Participant.objects.get()
    assert (member.full_name, member.status, member.delegation) == (
        "Testbek Exampleov",
        S.NOMINATED,
        portal.delegation,
    )
    identity = member.identity
    assert (identity.passport_number, identity.is_complete) == ("N1234567", True)
    assert identity.photo.name.startswith("photos/") and identity.photo.name.endswith(".jpg")
    with Image.open(identity.photo.path) as photo:
        assert (photo.format, photo.size) == ("JPEG", (300, 400))
    event = AccreditationEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor_label) == (
        "",
        S.NOMINATED,
        "focal point",
    )


def test_the_delegation_page_lists_members_and_what_happens_next(portal):
    portal.nominate()
    response = portal.client.get(portal.url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mr. Testbek Exampleov" in content
    assert "Nominated" in content
    assert "What happens next" in content
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    ("reference", "file", "shown"),
    [
        ("", "", "Missing"),
        ("No. 12/345-2019", "", "Scan missing"),
        ("No. 12/345-2019", "notes_verbales/kz.pdf", "Received"),
    ],
)
def test_the_note_verbale_card_says_what_is_on_file(portal, reference, file, shown):
    Delegation.objects.filter(pk=portal.delegation.pk).update(
        nomination_reference=reference, nomination_file=file
    )
    page = lxml.html.fromstring(portal.client.get(portal.url()).content)
    card = page.xpath('//div[text()="Note verbale"]/following-sibling::div[1]')[0]
    assert card.text_content().strip() == shown


def test_a_png_photo_stays_png(portal):
    portal.nominate(photo=image_upload("me.png", "PNG"))
    assert Participant.objects.get().identity.photo.name.endswith(".png")


# Acceptance 5: bad input gets a clear message and saves nothing.


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cv.pdf", b"%PDF-1.4 not an image", content_type="image/jpeg"),
            "This file is not an image we can read. Upload a JPEG or PNG photo.",
        ),
        (image_upload("anim.gif", "GIF"), "The photo must be a JPEG or PNG image, not GIF."),
        (
            SimpleUploadedFile(
                "big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg"
            ),
            "The photo is 5.0 MB; the limit is 5 MB.",
        ),
        (None, "This field is required."),
    ],
    ids=["not-an-image", "gif", "oversized", "missing"],
)
def test_a_bad_photo_is_refused_and_nothing_is_saved(portal, upload, message):
    response = portal.nominate(photo=upload)
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [message]
    assert Participant.objects.count() == IdentityDocument.objects.count() == 0


def test_a_second_head_of_delegation_is_refused(portal):
    ParticipantFactory(
        delegation=portal.delegation, role="head", given_names="Aziz", family_name="Headov"
    )
    response = portal.nominate(role="head")
    assert response.context["form"].errors["role"] == [
        "Kazakhstan already has a head of delegation (Aziz Headov)."
    ]
    assert Participant.objects.count() == 1


def test_the_maximum_delegation_size_is_enforced(portal):
    ParticipantFactory.create_batch(3, delegation=portal.delegation)
    response = portal.nominate()
    assert response.context["form"].non_field_errors() == [
        "Kazakhstan may have at most 3 members; this would make 4."
    ]
    assert Participant.objects.count() == 3


def test_the_hospitality_quota_is_enforced(portal):
    ParticipantFactory(delegation=portal.delegation, hospitality_requested=True)
    response = portal.nominate(hospitality_requested="on")
    assert response.context["form"].errors["hospitality_requested"] == [
        "The host covers 1 member(s) of Kazakhstan; this would make 2."
    ]
    assert Participant.objects.count() == 1


def test_a_duplicate_email_in_the_conference_is_refused(portal):
    other = DelegationFactory(conference=portal.delegation.conference, country="UZ")
    ParticipantFactory(delegation=other, email="Testbek@MFA.example")
    response = portal.nominate()
    assert response.context["form"].errors["email"] == [
        "testbek@mfa.example is already registered for this conference."
    ]
    assert Participant.objects.count() == 1


def test_missing_passport_data_is_refused_when_the_conference_requires_it(portal):
    response = portal.nominate(passport_number="")
    assert response.context["form"].errors["passport_number"] == ["This field is required."]
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nomination_link_revoked": True}, "This link has been revoked by the organizers."),
        (
            {"nomination_link_expires_at": dt.datetime(2019, 5, 1, 12, tzinfo=dt.UTC)},
            "This link expired on 1 May 2019, 17:00 +05. Ask the organizers for a new one.",
        ),
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_link_shows_why_and_saves_nothing(portal, change, message):
    token = portal.token
    type(portal.delegation).objects.filter(pk=portal.delegation.pk).update(**change)
    for url in (f"/nominate/{token}/", f"/nominate/{token}/members/add/"):
        response = portal.client.get(url)
        assert response.status_code == 403
        assert message in response.content.decode()
    response = portal.client.post(f"/nominate/{token}/members/add/", member_data())
    assert response.status_code == 403
    assert Participant.objects.count() == 0


def test_a_rotated_link_is_replaced(portal):
    old = portal.token
    services.delegation_rotate_nomination_link(delegation=portal.delegation)
    response = portal.client.get(f"/nominate/{old}/")
    assert response.status_code == 403
    assert "This link has been replaced by a newer one." in response.content.decode()
    assert portal.client.get(portal.url()).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"registration_deadline": dt.datetime(2019, 4, 30, 19, tzinfo=dt.UTC)},
            "Registration for Conference",
        ),
        ({"status": ConferenceStatus.REGISTRATION_CLOSED}, "is not open (Registration closed)."),
    ],
    ids=["deadline-passed", "conference-closed"],
)
def test_after_registration_closes_statuses_stay_visible_but_nothing_changes(
    portal, change, message
):
    member = ParticipantFactory(delegation=portal.delegation)
    type(portal.delegation.conference).objects.filter(pk=portal.delegation.conference_id).update(
        **change
    )
    page = portal.client.get(portal.url())
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Nominate a member" not in page.content.decode()
    for url in (
        portal.url("member_add"),
        portal.url("member_edit", pk=member.pk),
        portal.url("member_withdraw", pk=member.pk),
        portal.url("note_verbale"),
    ):
        assert portal.client.post(url, {"reason": "x"}).status_code == 403
    assert Participant.objects.get().status == S.NOMINATED


def test_a_forged_token_is_404(portal):
    assert portal.client.get(f"/nominate/{portal.token}x/").status_code == 404
    assert portal.client.get("/nominate/not-a-token/").status_code == 404


def test_a_token_cannot_reach_another_delegations_members(portal):
    other = DelegationFactory(conference=portal.delegation.conference, country="UZ")
    stranger = ParticipantFactory(delegation=other)
    for name in ("member_edit", "member_withdraw"):
        assert portal.client.get(portal.url(name, pk=stranger.pk)).status_code == 404
        assert (
            portal.client.post(portal.url(name, pk=stranger.pk), {"reason": "x"}).status_code == 404
        )
    assert Participant.objects.get(pk=stranger.pk).status == S.NOMINATED
    other_page = portal.client.get(f"/nominate/{nomination_token(delegation=other)}/")
    assert stranger.full_name in other_page.content.decode()
    assert stranger.full_name not in portal.client.get(portal.url()).content.decode()


def test_withdrawing_needs_a_reason_and_cancels(portal, django_capture_on_commit_callbacks):
    member = ParticipantFactory(delegation=portal.delegation)
    response = portal.client.post(portal.url("member_withdraw", pk=member.pk), {"reason": ""})
    assert response.context["form"].errors["reason"] == ["This field is required."]
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.client.post(
            portal.url("member_withdraw", pk=member.pk), {"reason": "Cannot travel"}
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == S.CANCELLED
    assert member.accreditation_events.get().reason == "Cannot travel"


def test_uploading_the_note_verbale(portal):
    response = portal.client.post(
        portal.url("note_verbale"),
        {
            "nomination_reference": "No. 12/345",
            "nomination_date": "2019-04-20",
            "nomination_file": SimpleUploadedFile("note.pdf", clean_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    portal.delegation.refresh_from_db()
    assert portal.delegation.nomination_reference == "No. 12/345"
    assert re.fullmatch(r"notes_verbales/[0-9a-f]{32}\.pdf", portal.delegation.nomination_file.name)


def test_a_note_verbale_of_the_wrong_type_is_refused(portal):
    response = portal.client.post(
        portal.url("note_verbale"),
        {
            "nomination_reference": "No. 12/345",
            "nomination_date": "2019-04-20",
            "nomination_file": SimpleUploadedFile("note.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert "File extension “exe” is not allowed." in errors_of(response)
    portal.delegation.refresh_from_db()
    assert portal.delegation.nomination_file.name == ""


def advance_to_approved(member):
    for step in ("review", "send_to_vetting", "approve"):
        member = services.SERVICES[step](participant=member, by=None)
    return member


def test_editing_identity_of_an_approved_member_puts_them_back_under_review(
    portal, django_capture_on_commit_callbacks
):
    portal.nominate()
    member = advance_to_approved(Participant.objects.get())
    assert member.badge_number == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.client.post(
            portal.url("member_edit", pk=member.pk),
            member_data(passport_number="N7654321", photo=None),
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.badge_number) == (S.UNDER_REVIEW, None)
    assert member.identity.passport_number == "N7654321"
    assert IssuedBadge.objects.get().voided_at is not None
    last = member.accreditation_events.last()
    assert (last.from_status, last.to_status, last.actor_label, last.reason) == (
        S.APPROVED,
        S.UNDER_REVIEW,
        "focal point",
        "Identity data changed by the focal point.",
    )


def test_editing_logistics_of_an_approved_member_keeps_the_approval(portal):
    portal.nominate()
    member = advance_to_approved(Participant.objects.get())
    response = portal.client.post(
        portal.url("member_edit", pk=member.pk),
        member_data(hotel="Hotel Example", photo=None),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.badge_number, member.hotel) == (S.APPROVED, 1, "Hotel Example")


def test_portal_page_queries_stay_flat_as_members_grow(portal, django_assert_num_queries):
    url = portal.url()
    ParticipantFactory(delegation=portal.delegation)
    with django_assert_num_queries(2) as one:
        assert portal.client.get(url).status_code == 200
    portal.delegation.max_size = 20
    portal.delegation.save()
    ParticipantFactory.create_batch(6, delegation=portal.delegation)
    with django_assert_num_queries(len(one.captured_queries)):
        assert portal.client.get(url).status_code == 200


# Issue 10, item 6: the portal's checks.


def test_a_tiny_photo_is_refused_with_its_size(portal):
    response = portal.nominate(photo=image_upload(size=(40, 50)))
    assert response.context["form"].errors["photo"] == [
        "The photo is 40 × 50 pixels; a badge photo must be at least 300 pixels wide "
        "and 400 pixels high."
    ]
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("expires_on", "shown"),
    [("2019-05-16", "16 May 2019"), ("2019-05-17", "17 May 2019")],
    ids=["opening-day", "closing-day"],
)
def test_a_passport_that_expires_during_the_conference_is_refused(portal, expires_on, shown):
    response = portal.nominate(passport_expires_on=expires_on)
    assert response.context["form"].errors["passport_expires_on"] == [
        f"The passport expires on {shown}; it must be valid beyond the end of the conference "
        "on 17 May 2019."
    ]
    assert Participant.objects.count() == 0


def test_the_passport_rule_holds_for_every_entry_point(portal):
    with pytest.raises(ValidationError) as excinfo:
        services.participant_nominate(
            delegation=portal.delegation,
            fields={"given_names": "A", "family_name": "B", "email": "ab@mfa.example"},
            identity={"passport_expires_on": dt.date(2019, 5, 17)},
        )
    assert list(excinfo.value.message_dict) == ["passport_expires_on"]
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("expires_on", "warned"),
    [("2019-05-18", True), ("2019-11-16", True), ("2019-11-17", False), ("2028-01-01", False)],
)
def test_a_passport_close_to_expiry_is_saved_with_a_warning(portal, expires_on, warned):
    response = portal.nominate(passport_expires_on=expires_on)
    assert response.status_code == 302
    notes = [str(m) for m in response.wsgi_request._messages]
    day = dt.date.fromisoformat(expires_on)
    warning = (
        f"Testbek Exampleov: The passport expires on {day.day} {day:%B %Y}, less than six "
        "months after the conference ends; many countries refuse a visa on it. Ask for a "
        "renewed passport if a visa is needed."
    )
    assert notes == ["Testbek Exampleov has been nominated.", *([warning] if warned else [])]


def test_errors_are_summarized_at_the_top_with_links_to_the_fields(portal):
    response = portal.nominate(family_name="", passport_number="")
    page = lxml.html.fromstring(response.content)
    summary = page.get_element_by_id("error-summary")
    assert summary.getprevious().tag == "h1"
    links = [(a.get("href"), a.text_content()) for a in summary.iter("a")]
    assert links == [("#id_family_name", "Family name"), ("#id_passport_number", "Passport number")]
    for href, _label in links:
        assert page.get_element_by_id(href[1:]).tag == "input"


def test_a_good_photo_is_kept_when_other_fields_fail(portal, settings):
    response = portal.nominate(passport_number="", photo=image_upload("me.png", "PNG"))
    form = response.context["form"]
    assert form.errors == {"passport_number": ["This field is required."]}
    token = lxml.html.fromstring(response.content).get_element_by_id("id_kept_photo").value
    assert "The photo you chose is kept." in response.content.decode()
    kept_dir = settings.MEDIA_ROOT / "photos" / "kept"
    assert len(list(kept_dir.iterdir())) == 1

    response = portal.nominate(photo=None, kept_photo=token)
    assert response.status_code == 302
    photo = Participant.objects.get().identity.photo
    assert photo.name.startswith("photos/") and photo.name.endswith(".png")
    with Image.open(photo.path) as image:
        assert image.size == (300, 400)
    assert list(kept_dir.iterdir()) == []


def test_a_kept_photo_token_works_only_for_its_delegation(portal, client):
    response = portal.nominate(passport_number="")
    token = lxml.html.fromstring(response.content).get_element_by_id("id_kept_photo").value
    other = DelegationFactory(conference=portal.delegation.conference, country="UZ")
    response = client.post(
        f"/nominate/{nomination_token(delegation=other)}/members/add/",
        member_data(photo=None, kept_photo=token, nationality="UZ"),
    )
    assert response.context["form"].errors["photo"] == ["This field is required."]


def test_nationality_defaults_to_the_delegations_country(portal):
    page = lxml.html.fromstring(portal.client.get(portal.url("member_add")).content)
    assert page.get_element_by_id("id_nationality").value == "KZ"


@pytest.mark.parametrize("field", ["honorific", "given_names", "family_name", "passport_name"])
@pytest.mark.parametrize("value", ["Testbek\nEvil", "Testbek\r\nEvil", "Testbek\u2028Evil"])
def test_name_fields_refuse_line_breaks(portal, field, value):
    response = portal.nominate(**{field: value})
    assert response.context["form"].errors[field] == [
        "Write the name on one line, without line breaks."
    ]
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("contact_email", "shown"),
    [
        ("accreditation@dushanbe2019.example", "accreditation@dushanbe2019.example"),
        ("", "accreditation@plenary.localhost"),
    ],
    ids=["conference-contact", "site-sender"],
)
def test_a_closed_link_page_gives_the_accreditation_teams_address(
    portal, settings, contact_email, shown
):
    settings.DEFAULT_FROM_EMAIL = "accreditation@plenary.localhost"
    conference = portal.delegation.conference
    type(conference).objects.filter(pk=conference.pk).update(contact_email=contact_email)
    type(portal.delegation).objects.filter(pk=portal.delegation.pk).update(
        nomination_link_revoked=True
    )
    page = lxml.html.fromstring(portal.client.get(portal.url()).content.decode())
    (link,) = page.xpath('//main//a[starts-with(@href, "mailto:")]')
    assert (link.get("href"), link.text) == (f"mailto:{shown}", shown)


def test_guessing_tokens_is_refused_per_address_after_the_limit(portal, settings, caplog):
    settings.PORTAL_UNKNOWN_TOKEN_LIMIT = 20
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    answers = [
        portal.client.get(f"/nominate/{portal.token}{guess}/", **guesser).status_code
        for guess in range(25)
    ]
    assert answers == [404] * 20 + [429] * 5
    # The right link waits out the window too, or the guesser would learn which guess was right.
    refused = portal.client.get(f"/nominate/{portal.token}/", **guesser)
    assert refused.status_code == 429
    assert "Too many nomination links that do not exist" in refused.content.decode()
    ours = [r.getMessage() for r in caplog.records if r.name == "participants.portal.views"]
    assert ours == ["Nomination portal: 203.0.113.9 tried 20 unknown links; refused for 900 s"]
    # Another address, the focal point's, is not held up by the guesser.
    assert portal.client.get(f"/nominate/{portal.token}/").status_code == 200


def test_the_guessing_window_closes(portal, settings):
    settings.PORTAL_UNKNOWN_TOKEN_LIMIT = 2
    for guess in range(2):
        portal.client.get(f"/nominate/{portal.token}{guess}/")
    assert portal.client.get(f"/nominate/{portal.token}/").status_code == 429
    cache.clear()  # what the window's expiry does
    assert portal.client.get(f"/nominate/{portal.token}/").status_code == 200


def test_the_portal_records_consent_with_the_text_version(portal):
    from participants.portal.forms import CONSENT_TEXT_VERSION

    refused = portal.nominate(consent_processing="")
    assert "The member&#x27;s consent to the processing of the data is needed." in (
        refused.content.decode()
    )
    assert not Participant.objects.exists()
    portal.nominate(consent_public_list="on")
    member = Participant.objects.get()
    assert member.consent_processing_at is not None
    assert member.consent_public_list is True
    assert member.consent_text_version == CONSENT_TEXT_VERSION


def test_consent_to_the_public_list_is_separate(portal):
    portal.nominate()
    member = Participant.objects.get()
    assert member.consent_processing_at is not None
    assert member.consent_public_list is False


@pytest.mark.parametrize("vetting", [True, False])
def test_the_portal_names_security_vetting_only_where_the_conference_has_it(portal, vetting):
    Conference.objects.filter(pk=portal.delegation.conference_id).update(security_vetting=vetting)
    page = portal.client.get(portal.url()).content.decode()
    assert ("sends it to security vetting" in page) is vetting
    one_step = "The accreditation team reviews each nomination and approves it once its data is"
    assert (one_step in page) is not vetting
