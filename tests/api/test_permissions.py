"""Every endpoint × every scope: the status each token gets (a permission table)."""

import pytest

from api.models import ApiCall
from tests.factories import IdentityDocumentFactory, ParticipantFactory, SessionFactory
from tests.participants.conftest import image_upload

pytestmark = pytest.mark.django_db

SCOPES = ("none", "read", "identity", "nominations", "checkin")

# (method, path, body) -> expected status per scope, in SCOPES order.
# "none" sends no Authorization header. Writes with an empty body answer 400 once the scope
# lets them in: the scope is checked before the body.
TABLE = [
    ("get", "conferences/", None, (401, 200, 200, 403, 403)),
    ("get", "conferences/{conference}/", None, (401, 200, 200, 403, 403)),
    ("get", "delegations/", None, (401, 200, 200, 403, 403)),
    ("get", "delegations/{delegation}/", None, (401, 200, 200, 403, 403)),
    ("get", "participants/", None, (401, 200, 200, 403, 403)),
    ("get", "participants/?include=identity", None, (401, 403, 200, 403, 403)),
    ("get", "participants/{participant}/", None, (401, 200, 200, 403, 403)),
    ("get", "participants/{participant}/?include=identity", None, (401, 403, 200, 403, 403)),
    ("get", "participants/{participant}/photo/", None, (401, 403, 200, 403, 403)),
    ("get", "sessions/", None, (401, 200, 200, 403, 403)),
    ("get", "sessions/{session}/", None, (401, 200, 200, 403, 403)),
    ("get", "sessions/{session}/speakers/", None, (401, 200, 200, 403, 403)),
    ("get", "documents/", None, (401, 200, 200, 403, 403)),
    ("get", "nominations/", None, (401, 403, 403, 200, 403)),
    ("get", "nominations/{participant}/", None, (401, 403, 403, 200, 403)),
    ("post", "nominations/", {}, (401, 403, 403, 400, 403)),
    ("patch", "nominations/{participant}/", {}, (401, 403, 403, 200, 403)),
    ("post", "checkins/", {}, (401, 403, 403, 403, 400)),
]


@pytest.fixture
def objects(conference, delegation):
    participant = ParticipantFactory(delegation=delegation)
    document = IdentityDocumentFactory(participant=participant)
    document.photo.save("face.jpg", image_upload(size=(600, 800)))
    session = SessionFactory(conference=conference)
    return {
        "conference": conference.pk,
        "delegation": delegation.pk,
        "participant": participant.pk,
        "session": session.pk,
    }


@pytest.mark.parametrize(("method", "path", "body", "expected"), TABLE)
def test_permission_table(api_for, tokens, objects, method, path, body, expected):
    url = path.format(**objects)
    got = []
    for scope in SCOPES:
        api = api_for(tokens.get(scope))
        response = getattr(api, method)(url, body) if body is not None else api.get(url)
        got.append(response.status_code)
        if response.streaming:  # a photo: reading it to the end closes its file
            b"".join(response.streaming_content)
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) <= {"code", "message", "fields"} and error["code"], error
    assert dict(zip(SCOPES, got, strict=True)) == dict(zip(SCOPES, expected, strict=True))
    # Every call with a token is logged with it; the call without one has no token to log.
    assert ApiCall.objects.count() == len(SCOPES) - 1


def test_the_schema_and_its_documentation_need_no_token_and_load_only_our_files(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/participants/" in schema.content
    assert b"/api/v1/participants/{id}/photo/" in schema.content
    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html
    script = client.get("/api/v1/docs/?script=")
    assert (script.status_code, script["Content-Type"]) == (200, "application/javascript")
