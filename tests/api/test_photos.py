"""Issue 25: a badge printer's photos through the API, for identity tokens only, every read
of one in the identity access log; read through the storage, typed by content, with ETags."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiCall, ApiToken
from api.services import api_tokens_revoke
from participants.badging import printing
from participants.enums import IdentityAccessKind
from participants.models import IdentityAccessLog
from tests.api.conftest import make_token
from tests.factories import IdentityDocumentFactory, ParticipantFactory
from tests.participants.conftest import image_upload

pytestmark = pytest.mark.django_db


def _with_photo(participant, *, image_format="JPEG"):
    document = IdentityDocumentFactory(participant=participant)
    extension = "png" if image_format == "PNG" else "jpg"
    upload = image_upload(name=f"face.{extension}", image_format=image_format, size=(600, 800))
    document.photo.save(upload.name, upload)
    return document


def _stored(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return stored.read()


def _body(response) -> bytes:
    """The streamed photo; the test client closes its file at the end."""
    return b"".join(response.streaming_content)


def _url(participant) -> str:
    return f"participants/{participant.pk}/photo/"


def test_the_photo_comes_typed_with_an_etag_and_every_read_is_logged(
    api_for, tokens, delegation, partner_user
):
    document = _with_photo(ParticipantFactory(delegation=delegation))
    api = api_for(tokens["identity"])
    response = api.get(_url(document.participant))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert _body(response) == _stored(document.photo)
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) == 34

    again = api.get(_url(document.participant), HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again["ETag"], again.content) == (304, etag, b"")

    logs = IdentityAccessLog.objects.order_by("id")
    assert [(log.user, log.kind, log.participant_id) for log in logs] == [
        (partner_user, IdentityAccessKind.FILE, document.participant_id),
        (partner_user, IdentityAccessKind.FILE, document.participant_id),
    ]
    prefix = ApiToken.objects.get(can_read_identity=True).prefix
    assert {log.export for log in logs} == {f"API {prefix}: photo"}
    # The photo is identity data: its call is logged by path, never with the picture.
    assert list(ApiCall.objects.order_by("id").values_list("path", "status_code")) == [
        (f"/api/v1/{_url(document.participant)}", 200),
        (f"/api/v1/{_url(document.participant)}", 304),
    ]


def test_the_print_size_copy_is_served_once_the_badge_made_it(api_for, tokens, delegation):
    document = _with_photo(ParticipantFactory(delegation=delegation), image_format="PNG")
    api = api_for(tokens["identity"])
    original = api.get(_url(document.participant))
    assert original["Content-Type"] == "image/png"
    assert _body(original) == _stored(document.photo)

    printed = printing.badge_photo_bytes(document)
    document.refresh_from_db()
    assert document.badge_photo_is_current
    copy = api.get(_url(document.participant), HTTP_IF_NONE_MATCH=original["ETag"])
    assert (copy.status_code, copy["Content-Type"]) == (200, "image/jpeg")
    assert _body(copy) == printed
    assert copy["ETag"] != original["ETag"]


@pytest.mark.parametrize("held", ["no document", "no photo"])
def test_no_photo_is_a_404_and_nothing_is_logged(api_for, tokens, delegation, held):
    participant = ParticipantFactory(delegation=delegation)
    if held == "no photo":
        IdentityDocumentFactory(participant=participant)
    response = api_for(tokens["identity"]).get(_url(participant))
    assert (response.status_code, response.json()["error"]) == (
        404,
        {"code": "no_photo", "message": "This participant has no photo."},
    )
    assert IdentityAccessLog.objects.count() == 0


def test_a_file_missing_from_the_storage_is_a_404(api_for, tokens, delegation):
    document = _with_photo(ParticipantFactory(delegation=delegation))
    document.photo.storage.delete(document.photo.name)
    response = api_for(tokens["identity"]).get(_url(document.participant))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_another_conferences_participant_is_not_found(api_for, tokens):
    stranger = _with_photo(ParticipantFactory())
    response = api_for(tokens["identity"]).get(_url(stranger.participant))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert IdentityAccessLog.objects.count() == 0


def test_without_the_identity_scope_the_photo_is_refused_and_no_read_logged(
    api_for, tokens, delegation
):
    document = _with_photo(ParticipantFactory(delegation=delegation))
    for scope in ("read", "nominations", "checkin"):
        response = api_for(tokens[scope]).get(_url(document.participant))
        assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_missing")
    assert IdentityAccessLog.objects.count() == 0
    assert ApiCall.objects.filter(status_code=403).count() == 3


@pytest.mark.parametrize("refusal", ["revoked", "expired"])
def test_a_revoked_or_expired_identity_token_gets_no_photo(
    api_for, conference, delegation, partner_user, refusal
):
    token, key = make_token(conference, can_read=True, can_read_identity=True, by=partner_user)
    if refusal == "revoked":
        api_tokens_revoke(tokens=[token], by=None)
    else:
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    document = _with_photo(ParticipantFactory(delegation=delegation))
    response = api_for(key).get(_url(document.participant))
    assert (response.status_code, response.json()["error"]["code"]) == (401, f"{refusal}_token")
    assert IdentityAccessLog.objects.count() == 0
    assert token.calls.get().status_code == 401


def test_photo_url_is_shown_to_identity_tokens_only(api_for, tokens, delegation):
    with_photo = _with_photo(ParticipantFactory(delegation=delegation)).participant
    without = ParticipantFactory(delegation=delegation)
    expected = {
        with_photo.pk: f"http://testserver/api/v1/participants/{with_photo.pk}/photo/",
        without.pk: None,
    }
    for path in ("participants/", "participants/?include=identity"):
        rows = api_for(tokens["identity"]).get(path).json()["results"]
        assert {row["id"]: row["photo_url"] for row in rows} == expected
    single = api_for(tokens["identity"]).get(f"participants/{with_photo.pk}/").json()
    assert single["photo_url"] == expected[with_photo.pk]
    # The address is not the photo: only the include=identity list is an identity read.
    assert IdentityAccessLog.objects.count() == 1
    plain = api_for(tokens["read"]).get("participants/").json()["results"]
    assert all("photo_url" not in row for row in plain)


def test_photo_urls_cost_no_query_per_participant(api_for, tokens, delegation):
    api = api_for(tokens["identity"])
    api.get("participants/")  # notes the token's last use, once a minute
    counts = []
    for _ in range(2):
        _with_photo(ParticipantFactory(delegation=delegation))
        ParticipantFactory(delegation=delegation)
        with CaptureQueriesContext(connection) as queries:
            api.get("participants/")
        counts.append(len(queries))
    # The token, the page with each identity document joined, the call log.
    assert counts == [3, 3]


def test_the_schema_describes_the_photo(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    photo = schema["paths"]["/api/v1/participants/{id}/photo/"]["get"]
    assert set(photo["responses"]["200"]["content"]) == {"image/jpeg", "image/png"}
    assert {"200", "304", "404"} <= set(photo["responses"])
    assert "photo_url" in schema["paths"]["/api/v1/participants/"]["get"]["description"]
