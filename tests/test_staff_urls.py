"""Issue 21, acceptance 2: every staff URL outside the admin × every role, and an unverified
session (signed in with the password alone, no second factor) as one more role.

The URL conf is walked (django.urls.get_resolver): every URL outside /admin/ is public, the
nomination portal (a token stands for the account) or staff. A URL added later fails
``test_every_url_outside_the_admin_is_classified`` until it is put in one of the three, and a
staff URL fails the table below until its row says what each role gets.

Also: the note verbale's link on the delegation page is shown only to the roles that may open
it (participants.view_identity_document); the others are told one is on file.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from participants.accreditation.roles import ROLES
from tests.auth import sign_in
from tests.factories import OutcomeDocumentFactory, SessionFactory, UserFactory
from tests.participants.conftest import image_upload
from tests.test_permissions import world  # noqa: F401

pytestmark = pytest.mark.django_db

ROLE_NAMES = list(ROLES)
UNVERIFIED = ["unverified superuser", "unverified Accreditation officer"]
WHO = [*ROLE_NAMES, "no group", "superuser", *UNVERIFIED, "anonymous"]

# Pages anyone may open: the public site of each conference and the language switch.
PUBLIC = {
    "set_language",
    "site:index",
    "site:home",
    "site:language",
    *(
        f"agenda:{name}"
        for name in (
            "agenda",
            "agenda_print",
            "agenda_ics",
            "agenda_json",
            "schedule_xml",
            "session",
            "session_floor",
            "projector",
            "session_ics",
            "speakers",
            "speaker",
        )
    ),
    *(
        f"documents:{name}"
        for name in ("list", "detail", "draft", "pdf", "compare", "recommendations")
    ),
    "delegations:list",
    "delegations:participants",
    "delegations:participants_pdf",
}
# The focal points' portal: no account, the signed token in the URL is the key (its own tests
# in tests/participants/test_portal.py; the permission table in tests/test_permissions.py).
PORTAL = {
    "participants:portal",
    "participants:portal_member_add",
    "participants:portal_member_edit",
    "participants:portal_member_withdraw",
    "participants:portal_visa_letter",
    "participants:portal_note_verbale",
}

# Namespaces whose every URL is opened with a key that is not a staff session, each with its
# own URL x key table: the partners' API (a token; tests/api/test_permissions.py), the door
# app of a paired scanner (a device key; tests/participants/badging/test_device_api.py), a
# delegation's speakers' lists and silence break (the portal's signed token;
# tests/sessions/test_inscription.py, tests/documents/test_negotiation_permissions.py).
KEYED_NAMESPACES = ("api", "scanner", "inscription", "silence_portal")


def _keyed(name: str) -> bool:
    return name.partition(":")[0] in KEYED_NAMESPACES


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else str(entry.pattern)


URLS = sorted(set(_walk(get_resolver().url_patterns)))
KEYED = {name for name in URLS if _keyed(name)}
STAFF = [name for name in URLS if name not in PUBLIC | PORTAL | KEYED]


def _photo_of(w):
    identity = w["participant"].identity
    identity.photo.save("p.jpg", image_upload(), save=True)
    return w["participant"]


# URL name -> (how to build it from the world, statuses in the order of WHO):
# Protocol, Accreditation, Programme, Drafting, Security, Desk, Observer, no group, superuser,
# unverified superuser, unverified Accreditation officer, anonymous.
# 302: to the admin's sign-in (which asks for the second factor); 403: signed in, not allowed.
TABLE = {
    # The desk index leads to the latest conference's desk.
    "desk:index": (
        lambda w: reverse("desk:index"),
        [403, 302, 403, 403, 302, 302, 403, 403, 302, 302, 302, 302],
    ),
    "desk:desk": (
        lambda w: reverse("desk:desk", args=[w["conference"].slug]),
        [403, 200, 403, 403, 200, 200, 403, 403, 200, 302, 302, 302],
    ),
    # The secretary's console changes statements: protocol and programme run it.
    "agenda:console": (
        lambda w: reverse(
            "agenda:console",
            args=[w["conference"].slug, SessionFactory(conference=w["conference"]).pk],
        ),
        [200, 403, 200, 403, 403, 403, 403, 403, 200, 302, 302, 302],
    ),
    # The paragraph on a session's projector: drafting and programme officers pick it.
    "documents:screen": (
        lambda w: reverse(
            "documents:screen",
            args=[w["conference"].slug, OutcomeDocumentFactory(conference=w["conference"]).slug],
        ),
        [403, 403, 200, 200, 403, 403, 403, 403, 200, 302, 302, 302],
    ),
    "desk:photo": (
        lambda w: reverse("desk:photo", args=[_photo_of(w).pk]),
        [403, 200, 403, 403, 200, 200, 403, 403, 200, 302, 302, 302],
    ),
}


def test_every_url_outside_the_admin_is_classified():
    unknown = [name for name in URLS if name not in PUBLIC | PORTAL | KEYED | set(TABLE)]
    assert unknown == [], "add each to PUBLIC, PORTAL, a keyed namespace or TABLE"
    assert set(STAFF) == set(TABLE)
    assert set(URLS) >= (PUBLIC | PORTAL)


def login(client, who: str):
    if who == "anonymous":
        return client
    verified = not who.startswith("unverified ")
    role = who.removeprefix("unverified ")
    user = UserFactory(
        username=who.lower().replace(" ", "-"), is_staff=True, is_superuser=role == "superuser"
    )
    if role in ROLES:
        user.groups.add(Group.objects.get(name=role))
    if verified:
        sign_in(client, user)
    else:
        client.force_login(user)  # the password alone: no device verified this session
    return client


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", STAFF)
def test_staff_url_status(client, world, who, name):  # noqa: F811
    build, statuses = TABLE[name]
    expected = dict(zip(WHO, statuses, strict=True))[who]
    url = build(world)
    response = login(client, who).get(url)
    assert response.status_code == expected
    if expected == 302 and response.status_code == 302 and name != "desk:index":
        assert response["Location"].startswith(reverse("admin:login"))
    if who in UNVERIFIED or who == "anonymous":
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("who", UNVERIFIED)
@pytest.mark.parametrize("name", STAFF)
def test_an_unverified_session_cannot_post_either(client, world, who, name):  # noqa: F811
    url = TABLE[name][0](world)
    response = login(client, who).post(url, {"code": "DU27-0001", "handover": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


NOTE_LINK = [False, True, False, False, True, False, False, True]  # roles, then superuser


@pytest.mark.parametrize(
    ("who", "linked"), list(zip([*ROLE_NAMES, "superuser"], NOTE_LINK, strict=True))
)
def test_the_note_verbale_link_is_shown_only_to_who_may_open_it(client, world, who, linked):  # noqa: F811
    delegation = world["delegation"]
    delegation.nomination_file.save("note.pdf", ContentFile(b"%PDF-1.4 note"), save=True)
    change = reverse("admin:participants_delegation_change", args=[delegation.pk])
    download = reverse("admin:participants_delegation_note_verbale", args=[delegation.pk])
    signed_in = login(client, who)
    response = signed_in.get(change)
    if response.status_code == 403:
        assert not linked  # no page at all, so no link either
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert (f'href="{download}"' in page) is linked
    assert "/media/" not in page
    assert ("On file; only staff with access to identity data can open it." in page) is (not linked)
    # Whoever sees the link may follow it; nobody else gets the file.
    followed = signed_in.get(download)
    assert followed.status_code == (200 if linked else 403)
    if linked:
        assert b"".join(followed.streaming_content) == b"%PDF-1.4 note"
        followed.close()


def test_the_unverified_session_is_in_the_table():
    assert set(UNVERIFIED) <= set(WHO)
    assert all(len(statuses) == len(WHO) for _build, statuses in TABLE.values())
    # What the unverified get is what the anonymous get: never a staff page.
    for _build, statuses in TABLE.values():
        row = dict(zip(WHO, statuses, strict=True))
        assert {row[who] for who in UNVERIFIED} == {row["anonymous"]} == {302}
