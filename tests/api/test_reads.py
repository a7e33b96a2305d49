"""Reads: cursor pages stable under inserts, flat queries, ETags, filters, identity logging."""

import datetime as dt
import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiCall
from participants.enums import AccreditationStatus as S
from participants.enums import IdentityAccessKind
from participants.models import IdentityAccessLog
from tests.api.conftest import make_token
from tests.factories import (
    DelegationFactory,
    IdentityDocumentFactory,
    ParticipantFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _next(response) -> str | None:
    url = response.json()["next"]
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.path.removeprefix('/api/v1/')}?{parts.query}"


def _all_pages(api, path):
    seen, pages = [], 0
    while path:
        response = api.get(path)
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()["results"]]
        pages += 1
        path = _next(response)
    return seen, pages


def test_cursor_pages_neither_skip_nor_repeat_rows_added_while_paging(api_for, tokens, delegation):
    api = api_for(tokens["read"])
    first = [ParticipantFactory(delegation=delegation).pk for _ in range(7)]
    response = api.get("participants/?page_size=3")
    seen = [row["id"] for row in response.json()["results"]]
    path = _next(response)
    added = []
    while path:
        # Another client nominates a member between every two pages.
        added.append(ParticipantFactory(delegation=delegation).pk)
        response = api.get(path)
        seen += [row["id"] for row in response.json()["results"]]
        path = _next(response)
    assert seen[:7] == first
    assert len(seen) == len(set(seen))
    assert set(seen) == set(first) | set(added)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pages_read_while_another_connection_inserts_see_each_old_row_once(
    api_for, conference, delegation, partner_user
):
    """Real concurrency: a thread inserts rows in its own transactions while we page."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    _token, key = make_token(conference, can_read=True, by=partner_user)
    api = api_for(key)
    before = [ParticipantFactory(delegation=delegation).pk for _ in range(40)]
    stop = threading.Event()
    inserted = []

    def insert():
        try:
            while not stop.is_set() and len(inserted) < 60:
                inserted.append(ParticipantFactory(delegation=delegation).pk)
        finally:
            connection.close()

    thread = threading.Thread(target=insert)
    thread.start()
    try:
        seen, pages = _all_pages(api, "participants/?page_size=5")
    finally:
        stop.set()
        thread.join()
    assert len(seen) == len(set(seen)), "a row came twice"
    assert set(before) <= set(seen), "a row that was there before was skipped"
    assert seen == sorted(seen)
    assert pages >= 8


def test_each_page_takes_the_same_queries_however_deep(api_for, tokens, delegation):
    api = api_for(tokens["identity"])
    for _ in range(25):
        IdentityDocumentFactory(
            participant=ParticipantFactory(delegation=delegation, status=S.APPROVED)
        )
    counts = []
    path = "participants/?page_size=5&include=identity"
    while path:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path)
        counts.append(len(queries))
        path = _next(response)
    # The token, the page, its categories' zones, the identity log, the call log; the first
    # call also notes the token's last use (at most once a minute).
    assert counts == [7, 6, 6, 6, 6]


def test_an_unchanged_list_answers_304_to_its_etag(api_for, tokens, delegation):
    api = api_for(tokens["read"])
    ParticipantFactory(delegation=delegation)
    first = api.get("participants/")
    etag = first["ETag"]
    again = api.get("participants/", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again["ETag"], again.content) == (304, etag, b"")
    ParticipantFactory(delegation=delegation)
    changed = api.get("participants/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert first["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=approvedd", "status"),
        ("delegation=abc", "delegation"),
        ("delegation=99999999999999999999999", "delegation"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2019-13-45T25:00", "updated_since"),
        ("include=passport", "include"),
    ],
)
def test_a_bad_filter_is_a_json_error_never_a_500(api_for, tokens, query, field):
    response = api_for(tokens["read"]).get(f"participants/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("bad_filter", [field])


@pytest.mark.parametrize(
    "path",
    [
        "participants/?cursor=bm9wZQ",
        "participants/?cursor=%00%ff",
        "participants/?page_size=-1",
        "participants/?page_size=999999999999",
        "sessions/?day=2019-02-30",
        "sessions/?kind=%00",
        "documents/?status=x",
        "delegations/?category=' OR 1=1",
        "participants/99999999999999999999/",
    ],
)
def test_odd_query_strings_answer_in_the_error_shape_or_a_page(api_for, tokens, path):
    response = api_for(tokens["read"]).get(path)
    assert response.status_code in {200, 400, 404}
    if response.status_code != 200:
        assert response.json()["error"]["code"]


def test_filters_pick_the_rows(api_for, tokens, conference, delegation):
    other = DelegationFactory(conference=conference, country="KG")
    mine = ParticipantFactory(delegation=delegation, status=S.APPROVED)
    ParticipantFactory(delegation=delegation, status=S.NOMINATED)
    ParticipantFactory(delegation=other, status=S.APPROVED)
    api = api_for(tokens["read"])
    response = api.get(f"participants/?status=approved&delegation={delegation.pk}")
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert response.json()["results"][0]["badge_category"] == mine.badge_category.code


def test_times_are_in_the_conference_zone(api_for, tokens, conference):
    session = SessionFactory(
        conference=conference, starts_at=dt.datetime(2019, 5, 16, 4, 0, tzinfo=dt.UTC)
    )
    row = api_for(tokens["read"]).get(f"sessions/{session.pk}/").json()
    assert row["starts_at"] == "2019-05-16T09:00:00+05:00"


def test_another_conferences_rows_are_not_found(api_for, tokens):
    stranger = ParticipantFactory()
    response = api_for(tokens["read"]).get(f"participants/{stranger.pk}/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert api_for(tokens["read"]).get("participants/").json()["results"] == []


def test_identity_data_comes_only_with_its_scope_and_every_read_is_logged(
    api_for, tokens, delegation, partner_user
):
    documents = [
        IdentityDocumentFactory(participant=ParticipantFactory(delegation=delegation))
        for _ in range(3)
    ]
    plain = api_for(tokens["read"]).get("participants/").json()["results"][0]
    assert "identity" not in plain and "passport_name" not in plain
    assert IdentityAccessLog.objects.count() == 0

    refused = api_for(tokens["read"]).get("participants/?include=identity")
    assert refused.json()["error"]["code"] == "identity_scope_required"
    assert IdentityAccessLog.objects.count() == 0

    rows = api_for(tokens["identity"]).get("participants/?include=identity").json()["results"]
    assert [row["identity"]["passport_number"] for row in rows] == [
        document.passport_number for document in documents
    ]
    assert rows[0]["identity"]["date_of_birth"] == "1975-03-14"
    single = api_for(tokens["identity"]).get(
        f"participants/{documents[0].participant_id}/?include=identity"
    )
    assert single.json()["identity"]["nationality"] == "KZ"
    logs = list(IdentityAccessLog.objects.order_by("at", "id"))
    assert [(log.user, log.kind, log.row_count, log.participant_id) for log in logs] == [
        (partner_user, IdentityAccessKind.EXPORT, 3, None),
        (partner_user, IdentityAccessKind.FILE, None, documents[0].participant_id),
    ]
    assert logs[0].export.startswith("API ") and logs[0].export.endswith(": participants")


def test_every_call_is_logged_with_its_token(api_for, conference, partner_user):
    token, key = make_token(conference, can_read=True, by=partner_user)
    api_for(key).get("delegations/?status=invited")
    api_for(key).get("delegations/?status=nope")
    calls = list(
        ApiCall.objects.order_by("id").values_list("token", "method", "path", "status_code")
    )
    assert calls == [
        (token.pk, "GET", "/api/v1/delegations/?status=invited", 200),
        (token.pk, "GET", "/api/v1/delegations/?status=nope", 400),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_is_throttled_on_its_own(api_for, conference, settings, partner_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        _one, first = make_token(conference, can_read=True, by=partner_user)
        _two, second = make_token(conference, can_read=True, by=partner_user)
        statuses = [api_for(first).get("conferences/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = api_for(first).get("conferences/")
        assert refused.json()["error"]["code"] == "throttled"
        assert api_for(second).get("conferences/").status_code == 200
    finally:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"token": "1200/minute"},
        }
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_the_speakers_list_in_its_order(api_for, tokens, conference, delegation):
    from tests.factories import StatementFactory

    session = SessionFactory(conference=conference)
    speakers = [
        StatementFactory(session=session, speaker=ParticipantFactory(delegation=delegation))
        for _ in range(2)
    ]
    rows = api_for(tokens["read"]).get(f"sessions/{session.pk}/speakers/").json()
    assert [row["id"] for row in rows] == [statement.pk for statement in speakers]
