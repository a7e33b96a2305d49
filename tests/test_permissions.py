"""Who may open what: every admin changelist and the key pages × each role, anonymous and
a staff user with no group; every admin action × each role; and the identity data only the
permission holders see."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conference.enums import ConferenceStatus
from conference.mail.models import MailTemplate
from conference.models import Conference
from participants.accreditation import services
from participants.accreditation.roles import ROLES, role_permissions
from participants.accreditation.selectors import IDENTITY_PERMISSION, nomination_token
from participants.enums import AccreditationStatus, DelegationStatus, ImportJobStatus
from participants.models import (
    Delegation,
    IdentityAccessLog,
    ImportJob,
    IssuedBadge,
    Participant,
    VisaLetter,
)
from sessions.inscription import inscription_delegate_token, inscription_request
from sessions.models import SeatingPlan
from sessions.services import statement_move
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    IdentityDocumentFactory,
    InscribableSessionFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLE_NAMES = list(ROLES)
WHO = [*ROLE_NAMES, "no group", "anonymous"]
PASSPORT = "P9999999"
PASSPORT_NAME = "SECRETNAME ZZTOPOVA"


@pytest.fixture
def world(db):
    call_command("setup_roles", verbosity=0)
    conference = ConferenceFactory(status=ConferenceStatus.REGISTRATION_OPEN)
    delegation = DelegationFactory(conference=conference, country="KZ")
    other = DelegationFactory(conference=conference, country="UZ")
    document = IdentityDocumentFactory(
        participant__delegation=delegation,
        participant__passport_name=PASSPORT_NAME,
        passport_number=PASSPORT,
    )
    stranger = ParticipantFactory(delegation=other)
    return {
        "conference": conference,
        "delegation": delegation,
        "participant": document.participant,
        "stranger": stranger,
    }


def login(client, who: str):
    if who == "anonymous":
        return client
    user = UserFactory(username=who.lower().replace(" ", "-"))
    if who != "no group":
        user.groups.add(Group.objects.get(name=who))
    sign_in(client, user)
    return client


def admin_status(who: str, perms: set[str] | None) -> int:
    if who == "anonymous":
        return 302
    if who == "no group":
        return 403
    return 200 if perms & role_permissions(who) else 403


def test_setup_roles_is_idempotent(db):
    call_command("setup_roles", verbosity=0)
    first = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", verbosity=0)
    second = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert first == second
    assert sorted(first) == sorted(ROLE_NAMES)
    assert "view_identity_document" in first["Accreditation officer"]
    assert "view_identity_document" not in first["Read-only observer"]


CHANGELISTS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("who", WHO)
def test_every_changelist(client, world, who):
    client = login(client, who)
    for model in CHANGELISTS:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        perms = {f"{meta.app_label}.{action}_{meta.model_name}" for action in ("view", "change")}
        expected = admin_status(who, perms)
        assert (meta.label, client.get(url).status_code) == (meta.label, expected)


def seating_plan(w) -> SeatingPlan:
    room = RoomFactory(conference=w["conference"], capacity=100)
    return SeatingPlan.objects.create(conference=w["conference"], room=room, places=10)


def requested_statement(w):
    """The world's delegation asking for the floor in an open session."""
    session = InscribableSessionFactory(conference=w["conference"])
    return inscription_request(
        delegation=w["delegation"], session=session, speaker=w["participant"], actor_label="x"
    )


def present_delegation(w):
    """The stranger's delegation confirmed, with its member accredited: it has a nameplate."""
    stranger = w["stranger"]
    Delegation.objects.filter(pk=stranger.delegation_id).update(status=DelegationStatus.CONFIRMED)
    Participant.objects.filter(pk=stranger.pk).update(
        status=AccreditationStatus.APPROVED,
        badge_category=w["conference"].badge_categories.first(),
    )
    return stranger.delegation


# Page -> expected status per role, in the order of WHO:
# Protocol, Accreditation, Programme, Drafting, Security, Desk, Observer, no group, anonymous.
PAGES = {
    "admin index": ([200] * 8 + [302], lambda w: reverse("admin:index")),
    "dashboard": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:participants_participant_dashboard", args=[w["conference"].pk]),
    ),
    "participant change": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:participants_participant_change", args=[w["participant"].pk]),
    ),
    "participant add": (
        [403, 200, 403, 403, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:participants_participant_add"),
    ),
    "delegation change": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:participants_delegation_change", args=[w["delegation"].pk]),
    ),
    "identity access log": (
        [403, 403, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse("admin:participants_identityaccesslog_changelist"),
    ),
    "outcome document add": (
        [403, 403, 403, 200, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:documents_outcomedocument_add"),
    ),
    # Conflicts name non-public sessions and hidden conferences: view permission on sessions.
    "agenda conflicts": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_conflicts_index"),
    ),
    "agenda conflicts of a conference": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_conflicts", args=[w["conference"].pk]),
    ),
    "check-in desk": (
        [403, 200, 403, 403, 200, 200, 403, 403, 302],
        lambda w: reverse("desk:desk", args=[w["conference"].slug]),
    ),
    # Allowed roles reach the view and learn there is no photo; the others never do.
    "participant photo": (
        [403, 404, 403, 403, 404, 404, 403, 403, 302],
        lambda w: reverse("desk:photo", args=[w["participant"].pk]),
    ),
    "badge reprint": (
        [403, 200, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse(
            "admin:participants_participant_reprint_badge", args=[w["participant"].pk]
        ),
    ),
    "security hold": (
        [403, 403, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse(
            "admin:participants_participant_security_hold", args=[w["participant"].pk]
        ),
    ),
    "send a circular": (
        [200, 200, 403, 403, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:participants_delegation_circular"),
    ),
    # Templates are read by everyone on staff and edited by protocol and accreditation.
    "mail template change": (
        [200] * 7 + [403, 302],
        lambda w: reverse(
            "admin:mail_mailtemplate_change", args=[MailTemplate.objects.order_by("pk")[0].pk]
        ),
    ),
    # Messages hold nomination links: only those who send them read the outbox.
    "outbox": (
        [200, 200, 403, 403, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:mail_outboxmessage_changelist"),
    ),
    "seating plan": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_seatingplan_change", args=[seating_plan(w).pk]),
    ),
    "seating plan PDF": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_seatingplan_pdf", args=[seating_plan(w).pk]),
    ),
    # Swapping two delegations changes the plan: protocol's change permission.
    "seating swap": (
        [200, 403, 403, 403, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:agenda_seatingplan_swap", args=[seating_plan(w).pk]),
    ),
    # A nameplate carries only a delegation's name: whoever may view delegations prints them.
    "nameplates": (
        [200] * 7 + [403, 302],
        lambda w: (
            reverse("admin:participants_delegation_nameplates")
            + f"?conference={present_delegation(w).conference_id}"
        ),
    ),
    # The record and the composition report (issue 22): whoever may view sessions.
    "record and composition": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_record_index"),
    ),
    "statements delivered": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_record", args=[w["conference"].pk]),
    ),
    "statements delivered, PDF": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_record_pdf", args=[w["conference"].pk]),
    ),
    "statements delivered, CSV": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_record_csv", args=[w["conference"].pk]),
    ),
    "composition report": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_composition", args=[w["conference"].pk]),
    ),
    "composition report, CSV": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:agenda_session_composition_csv", args=[w["conference"].pk]),
    ),
    # Refusing a request for the floor changes the list: the statement's change permission.
    "refuse a request for the floor": (
        [200, 403, 200, 403, 403, 403, 403, 403, 302],
        lambda w: reverse("admin:agenda_statement_refuse", args=[requested_statement(w).pk]),
    ),
    "portal, speakers' lists": (
        [200] * 9,
        lambda w: reverse(
            "inscription:speakers_lists", args=[nomination_token(delegation=w["delegation"])]
        ),
    ),
    "delegate's speakers' lists": (
        [200] * 9,
        lambda w: reverse(
            "inscription:delegate",
            args=[
                inscription_delegate_token(delegation=w["delegation"], participant=w["participant"])
            ],
        ),
    ),
    # A delegate's link names a member of its own delegation; another's is forged.
    "delegate's link for another delegation's member": (
        [404] * 9,
        lambda w: reverse(
            "inscription:delegate",
            args=[
                inscription_delegate_token(delegation=w["delegation"], participant=w["stranger"])
            ],
        ),
    ),
    "delegate's link, forged": ([404] * 9, lambda w: "/speak/forged:token/"),
    # Partners' keys: every role sees the list (hashed keys only); the security officer, who
    # deals with the host's security service, issues tokens and registers webhooks.
    "partner tokens": ([200] * 7 + [403, 302], lambda w: reverse("admin:api_apitoken_changelist")),
    "issue a partner token": (
        [403, 403, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse("admin:api_apitoken_add"),
    ),
    "register a webhook": (
        [403, 403, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse("admin:api_webhookendpoint_add"),
    ),
    # Pairing makes a device credential: the security officer's pair permission.
    "scanner pairing": (
        [403, 403, 403, 403, 200, 403, 403, 403, 302],
        lambda w: reverse("admin:participants_scannerdevice_pair"),
    ),
    "scanner devices": (
        [200] * 7 + [403, 302],
        lambda w: reverse("admin:participants_scannerdevice_changelist"),
    ),
    # The door app's page is a shell: its data comes only with a device key.
    "door app": ([200] * 9, lambda w: reverse("scanner:app")),
    "door app snapshot, staff session without a device key": (
        [401] * 9,
        lambda w: reverse("scanner:snapshot", args=[w["conference"].slug]),
    ),
    # The floor's console changes statements: protocol and programme run it.
    "floor console": (
        [200, 403, 200, 403, 403, 403, 403, 403, 302],
        lambda w: reverse(
            "agenda:console",
            args=[w["conference"].slug, SessionFactory(conference=w["conference"]).pk],
        ),
    ),
    "floor projector": (
        [200] * 9,
        lambda w: reverse(
            "agenda:projector",
            args=[w["conference"].slug, SessionFactory(conference=w["conference"]).pk],
        ),
    ),
    "public conference home": ([200] * 9, lambda w: f"/{w['conference'].slug}/"),
    "public agenda": ([200] * 9, lambda w: f"/{w['conference'].slug}/agenda/"),
    "public documents": ([200] * 9, lambda w: f"/{w['conference'].slug}/documents/"),
    "public agenda feed": ([200] * 9, lambda w: f"/{w['conference'].slug}/agenda.ics"),
    "portal": ([200] * 9, lambda w: f"/nominate/{nomination_token(delegation=w['delegation'])}/"),
    "portal, another delegation's member": (
        [404] * 9,
        lambda w: (
            f"/nominate/{nomination_token(delegation=w['delegation'])}/members/{w['stranger'].pk}/"
        ),
    ),
    "portal, forged token": ([404] * 9, lambda w: "/nominate/forged:token/"),
    "public list of participants": ([200] * 9, lambda w: f"/{w['conference'].slug}/participants/"),
    "public list of participants, PDF": (
        [200] * 9,
        lambda w: f"/{w['conference'].slug}/participants.pdf",
    ),
    # Offered only for approved members who asked for visa support: this one did neither.
    "portal, visa letter of a member who did not ask": (
        [404] * 9,
        lambda w: (
            f"/nominate/{nomination_token(delegation=w['delegation'])}/members/"
            f"{w['participant'].pk}/visa-letter/"
        ),
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", WHO)
def test_page_status(client, world, who, page):
    statuses, url = PAGES[page]
    expected = dict(zip(WHO, statuses, strict=True))[who]
    assert login(client, who).get(url(world)).status_code == expected


def test_link_controls_need_the_change_permission(client, world):
    url = reverse(
        "admin:participants_delegation_nomination_link", args=[world["delegation"].pk, "revoke"]
    )
    assert login(client, "Read-only observer").post(url).status_code == 403
    world["delegation"].refresh_from_db()
    assert world["delegation"].nomination_link_revoked is False


@pytest.mark.parametrize("who", WHO)
def test_printing_badges_needs_the_change_permission(client, world, who):
    participant = world["participant"]
    services.participant_review(participant=participant, by=None)
    services.participant_send_to_vetting(participant=participant, by=None)
    services.participant_approve(participant=participant, by=None)
    url = reverse("admin:participants_participant_print_badge", args=[participant.pk])
    response = login(client, who).post(url)
    allowed = who in ("Accreditation officer", "Security officer")
    expected = 200 if allowed else 302 if who == "anonymous" else 403
    assert response.status_code == expected
    assert (response.get("Content-Type") == "application/pdf") is allowed
    participant.refresh_from_db()
    assert participant.state == ("badge_printed" if allowed else "approved")


@pytest.mark.parametrize("who", WHO)
def test_approving_from_review_without_vetting_needs_the_change_permission(client, world, who):
    Conference.objects.filter(pk=world["conference"].pk).update(security_vetting=False)
    participant = services.participant_review(participant=world["participant"], by=None)
    response = login(client, who).post(
        reverse("admin:participants_participant_changelist"),
        {
            "action": "transition_approve",
            "_selected_action": [participant.pk],
            "confirm": "yes",
            "reason": "",
        },
    )
    allowed = who != "anonymous" and may(who, "participants.participant", CHANGE)
    # Done, it goes back to the list; refused, it is refused as every action is (see
    # test_no_role_runs_a_changing_action_without_the_permission).
    assert response.status_code in ((302,) if allowed else (302, 403))
    participant.refresh_from_db()
    assert participant.status == (
        AccreditationStatus.APPROVED if allowed else AccreditationStatus.UNDER_REVIEW
    )


@pytest.mark.parametrize("who", WHO)
def test_producing_a_visa_letter_needs_the_identity_permission(client, world, who):
    participant = world["participant"]
    Participant.objects.filter(pk=participant.pk).update(
        needs_visa_support=True, visa_consulate="Consular Section, Embassy in Astana"
    )
    url = reverse("admin:participants_participant_visa_letter", args=[participant.pk])
    response = login(client, who).post(url)
    allowed = who in ("Accreditation officer", "Security officer")
    expected = 200 if allowed else 302 if who == "anonymous" else 403
    assert response.status_code == expected
    assert (response.get("Content-Type") == "application/pdf") is allowed
    assert VisaLetter.objects.count() == (1 if allowed else 0)
    exports = IdentityAccessLog.objects.filter(kind="export", participant=participant)
    assert exports.count() == (1 if allowed else 0)
    delegation_url = reverse(
        "admin:participants_delegation_visa_letters", args=[world["delegation"].pk]
    )
    assert client.post(delegation_url).status_code == expected


@pytest.mark.parametrize("who", WHO)
def test_downloading_a_note_verbale_needs_the_identity_permission(client, world, who):
    delegation = world["delegation"]
    delegation.nomination_file.save("note.pdf", ContentFile(b"%PDF-1.4 note"), save=True)
    url = reverse("admin:participants_delegation_note_verbale", args=[delegation.pk])
    response = login(client, who).get(url)
    allowed = who in ("Accreditation officer", "Security officer")
    assert response.status_code == (200 if allowed else 302 if who == "anonymous" else 403)
    if allowed:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 note"
    files = IdentityAccessLog.objects.filter(kind="file")
    assert files.count() == (1 if allowed else 0)


# Who may print a certificate of attendance, once the conference has concluded.
CERTIFICATE = [200] * 7 + [403, 302]


@pytest.mark.parametrize("who", WHO)
def test_printing_a_certificate_needs_the_view_permission(client, world, who):
    participant = world["participant"]
    Conference.objects.filter(pk=world["conference"].pk).update(status=ConferenceStatus.CONCLUDED)
    IssuedBadge.objects.create(
        conference=world["conference"],
        number=1,
        participant=participant,
        collected_at=timezone.now(),
    )
    url = reverse("admin:participants_participant_certificate", args=[participant.pk])
    response = login(client, who).get(url)
    expected = dict(zip(WHO, CERTIFICATE, strict=True))[who]
    assert response.status_code == expected
    assert (response.get("Content-Type") == "application/pdf") is (expected == 200)
    batch = reverse("admin:participants_participant_certificates", args=[world["conference"].pk])
    assert client.get(batch).status_code == expected


def pages_seen_by(client, world) -> str:
    participant = world["participant"]
    urls = [
        reverse("admin:participants_participant_change", args=[participant.pk]),
        reverse("admin:participants_participant_changelist"),
        reverse("admin:participants_participant_dashboard", args=[world["conference"].pk]),
        reverse("admin:participants_delegation_change", args=[world["delegation"].pk]),
    ]
    return "".join(client.get(url).content.decode() for url in urls)


@pytest.mark.parametrize("who", ["Read-only observer", "Protocol officer", "Programme officer"])
def test_without_the_permission_passport_data_is_nowhere(client, world, who):
    client = login(client, who)
    seen = pages_seen_by(client, world)
    assert PASSPORT not in seen
    assert PASSPORT_NAME not in seen
    assert "Place of birth" not in seen
    changelist = reverse("admin:participants_participant_changelist")
    for query in (PASSPORT, "ZZTOPOVA"):
        assert client.get(changelist, {"q": query}).context["cl"].result_count == 0
    assert IdentityAccessLog.objects.count() == 0


@pytest.mark.parametrize("who", ["Accreditation officer", "Security officer"])
def test_with_the_permission_passport_data_is_shown_searchable_and_logged(client, world, who):
    client = login(client, who)
    seen = pages_seen_by(client, world)
    assert PASSPORT in seen
    assert PASSPORT_NAME in seen
    changelist = reverse("admin:participants_participant_changelist")
    assert client.get(changelist, {"q": PASSPORT}).context["cl"].result_count == 1
    log = IdentityAccessLog.objects.get()
    assert (log.user.username, log.participant, log.kind) == (
        who.lower().replace(" ", "-"),
        world["participant"],
        "view",
    )


@pytest.mark.parametrize(
    ("who", "status", "found"),
    [
        ("Read-only observer", 400, None),
        ("Protocol officer", 400, None),
        ("Security officer", 200, 1),
    ],
)
def test_url_filters_cannot_probe_identity_data_without_the_permission(
    client, world, who, status, found
):
    # ?passport_name__startswith=… would tell, letter by letter, what the list never shows.
    client = login(client, who)
    changelist = reverse("admin:participants_participant_changelist")
    response = client.get(changelist, {"passport_name__startswith": PASSPORT_NAME[:6]})
    assert response.status_code == status
    if found is not None:
        assert response.context["cl"].result_count == found


@pytest.mark.parametrize("who", WHO)
def test_every_change_page_on_the_demo(client, demo_db, who):
    """Each role opens the change page of every model it may view, read-only or not."""
    client = login(client, who)
    for model in CHANGELISTS:
        meta = model._meta
        obj = model._default_manager.order_by("pk").first()
        if obj is None:  # audit rows the demo never writes, e.g. identity access logs
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        perms = {f"{meta.app_label}.{action}_{meta.model_name}" for action in ("view", "change")}
        expected = admin_status(who, perms)
        assert (meta.label, client.get(url).status_code) == (meta.label, expected)


# Admin actions × roles ------------------------------------------------------------------------
# The permission each admin action needs, for every model in the admin. Changing actions need
# the change permission (deciding an amendment is a change), exports the view permission (and
# the export's own identity rule), deletion the delete permission; None: never offered.
CHANGE, VIEW, DELETE = "change", "view", "delete"
# Visa-support letters print passport data: the identity permission, with view on the model.
IDENTITY = "identity"
AUDIT_ONLY = {
    "api.apicall",
    "api.apitoken",
    "api.webhookdelivery",
    "participants.conferenceidentitydata",
    "participants.identityshredding",
    "documents.amendment",
    "documents.documentevent",
    "documents.paragraph",
    "documents.positionstatement",
    "documents.silencebreak",
    "mail.mailtemplate",
    "mail.outboxmessage",
    "participants.accreditationevent",
    "participants.identityaccesslog",
    "participants.issuedbadge",
    "participants.visaletter",
}
ACTIONS: dict[str, dict[str, str | None]] = {
    model._meta.label_lower: {
        "delete_selected": None if model._meta.label_lower in AUDIT_ONLY else DELETE
    }
    for model in CHANGELISTS
}
ACTIONS["agenda.session"] |= {"apply_protocol_order": CHANGE, "export_csv_agenda": VIEW}
ACTIONS["mail.outboxmessage"] |= {
    "retry_failed": CHANGE,
    "resend_unsure": CHANGE,
    "mark_sent": CHANGE,
}
# A device keeps its scans: it is revoked, never deleted; pairing is the security officer's.
ACTIONS["participants.scannerdevice"] = {
    "delete_selected": None,
    "pair_again": "pair",
    "revoke_selected": "pair",
}
ACTIONS["axes.accessattempt"] |= {"cleanup_expired_attempts": DELETE}
ACTIONS["agenda.statement"] |= {"export_csv_speakers": VIEW, "confirm_requests": CHANGE}
ACTIONS["documents.amendment"] |= dict.fromkeys(["accept", "reject", "withdraw", "merge"], CHANGE)
ACTIONS["documents.recommendation"] |= {
    "consolidate": CHANGE,
    "mark_presented": CHANGE,
    "export_csv_recommendations": VIEW,
}
ACTIONS["participants.delegation"] |= {
    **dict.fromkeys(["send_links", "rotate_links", "revoke_links"], CHANGE),
    "print_nameplates": VIEW,
    "export_csv_delegations": VIEW,
}
ACTIONS["participants.participant"] |= {
    **{
        f"transition_{name}": CHANGE
        for name in ["review", "send_to_vetting", "approve", "print_badge", "reject", "revoke"]
    },
    **dict.fromkeys(["print_badges_cards", "print_badges_sheets"], CHANGE),
    "export_csv_participants": VIEW,
    "produce_visa_letters": IDENTITY,
    "print_certificates": VIEW,
}
ACTIONS["api.apitoken"] |= {"revoke": CHANGE}
ACTIONS["api.webhookdelivery"] |= {"redeliver": CHANGE}
STAFF = [*ROLE_NAMES, "no group", "superuser"]


def staff_user(who: str):
    user = UserFactory(username=who.lower().replace(" ", "-"), is_superuser=who == "superuser")
    if who in ROLES:
        user.groups.add(Group.objects.get(name=who))
    return user


def may(who: str, label: str, permission: str | None) -> bool:
    if permission is None or who == "no group":
        return False
    app_label, model_name = label.split(".")
    if permission == IDENTITY:
        return who == "superuser" or IDENTITY_PERMISSION in role_permissions(who)
    return who == "superuser" or f"{app_label}.{permission}_{model_name}" in role_permissions(who)


def test_the_action_table_covers_every_admin_action():
    offered = {
        model._meta.label_lower: {name for _f, name, _d in model_admin._get_base_actions()}
        for model, model_admin in admin.site._registry.items()
    }
    assert offered == {label: set(actions) for label, actions in ACTIONS.items()}


@pytest.mark.parametrize("who", STAFF)
def test_each_role_is_offered_exactly_the_actions_it_may_run(rf, world, who):
    request = rf.get("/admin/")
    request.user = staff_user(who)
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        expected = {name for name, perm in ACTIONS[label].items() if may(who, label, perm)}
        assert (label, set(model_admin.get_actions(request))) == (label, expected)


def fingerprint(obj) -> tuple:
    counts = tuple(model._default_manager.count() for model in CHANGELISTS)
    row = list(type(obj)._default_manager.filter(pk=obj.pk).values())
    return counts, row, len(mail.outbox)


@pytest.mark.parametrize("who", STAFF)
def test_no_role_runs_a_changing_action_without_the_permission(client, demo_db, db, who):
    sign_in(client, staff_user(who))
    for model in CHANGELISTS:
        label = model._meta.label_lower
        obj = model._default_manager.order_by("pk").first()
        for action, permission in ACTIONS[label].items():
            if obj is None or permission == VIEW or may(who, label, permission):
                continue
            before = fingerprint(obj)
            response = client.post(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
                # Every confirmation the intermediate pages ask for, already given.
                {"action": action, "_selected_action": [obj.pk], "post": "yes", "apply": "1"}
                | {"confirm": "yes"},
            )
            # Messages of earlier redirects are never read here, so they pile up.
            messages = {str(m) for m in get_messages(response.wsgi_request)}
            refused = (
                response.status_code == 403
                or (response.status_code == 302 and messages == {"No action selected."})
                # A list with no action to offer ignores the POST and shows itself.
                or (response.status_code == 200 and response.context["action_form"] is None)
            )
            assert (label, action, refused) == (label, action, True)
            assert (label, action, fingerprint(obj)) == (label, action, before)


def test_a_read_only_observer_cannot_restore_protocol_order(client, world):
    session = SessionFactory(conference=world["conference"])
    first, second = (
        StatementFactory(session=session, speaker__delegation=world["delegation"], order=order)
        for order in (1, 2)
    )
    statement_move(statement=second, to_position=1, reason="Arrives late", by=None)

    response = login(client, "Read-only observer").post(
        reverse("admin:agenda_session_changelist"),
        {"action": "apply_protocol_order", "_selected_action": [session.pk], "confirm": "yes"},
    )

    assert response.status_code == 302
    assert list(session.statements.values_list("pk", flat=True)) == [second.pk, first.pk]


# The import's job page (?job=<pk>), at every stage, for the job's own uploader or not.
IMPORT_JOB_PAGES = {
    # Import needs add and change on participants: the accreditation officer.
    "own import job": [403, 200, 403, 403, 403, 403, 403, 403, 302],
    # Another user's upload holds that user's file: as unknown as a job that does not exist.
    "another user's import job": [403, 404, 403, 403, 403, 403, 403, 403, 302],
    "own import job under another conference": [403, 404, 403, 403, 403, 403, 403, 403, 302],
}


@pytest.mark.parametrize("status", [ImportJobStatus.VALIDATING, ImportJobStatus.PREVIEWED])
@pytest.mark.parametrize("page", list(IMPORT_JOB_PAGES))
@pytest.mark.parametrize("who", WHO)
def test_import_job_page_status(client, world, who, page, status):
    client = login(client, who)
    own = get_user_model().objects.filter(username=who.lower().replace(" ", "-")).first()
    job = ImportJob.objects.create(
        conference=world["conference"],
        created_by=own if own and page != "another user's import job" else UserFactory(),
        status=status,
        source="email,given_names,family_name\na@mfa.kz,A,B\n",
    )
    conference = (
        ConferenceFactory() if page == "own import job under another conference" else job.conference
    )
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    expected = dict(zip(WHO, IMPORT_JOB_PAGES[page], strict=True))[who]
    assert client.get(f"{url}?job={job.pk}").status_code == expected
    # Confirming is as closed as reading; the page refuses a job not yet previewed.
    confirmed = expected == 200 and status == ImportJobStatus.PREVIEWED
    assert client.post(url, {"job": job.pk}).status_code == (302 if confirmed else expected)
    job.refresh_from_db()
    assert job.status == (ImportJobStatus.QUEUED if confirmed else status)
