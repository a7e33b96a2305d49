"""Every export: download from the admin, documented header, format, permissions, queries."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.csvio import registry
from conference.csvio.base import cell, csv_lines, file_name
from participants.enums import IdentityAccessKind
from participants.models import IdentityAccessLog, Participant
from tests.auth import sign_in
from tests.exports.conftest import add_rows, download_url, grant, parse
from tests.factories import ConferenceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

IDENTIFIERS = sorted(export.identifier for export in registry.all_exports())
DOCS = (Path(__file__).resolve().parents[2] / "docs" / "csv.md").read_text()


def test_every_export_named_in_the_issue_is_registered():
    assert IDENTIFIERS == [
        "agenda",
        "amendments",
        "badges",
        "delegations",
        "participants",
        "recommendations",
        "rooming-list",
        "security-vetting",
        "speakers",
        "statements-delivered",
        "travel",
    ]


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_export_downloads_as_csv_with_its_documented_header(organizer, conference, identifier):
    export = registry.get(identifier)
    response = organizer.get(download_url(conference, identifier))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        rf'attachment; filename="dushanbe-2019_{identifier}_\d{{8}}T\d{{6}}\.csv"',
        response["Content-Disposition"],
    )
    rows = parse(response)
    assert rows[0] == list(export.header)
    assert len(rows) == 3, rows
    assert all(len(row) == len(export.header) for row in rows)
    section = DOCS.split(f"### `{identifier}`")[1].split("###")[0]
    for column in export.header:
        assert f"`{column}`" in section, f"{identifier}.{column} is not documented"


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_export_queries_do_not_grow_with_rows(organizer, conference, identifier):
    def download() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = parse(organizer.get(download_url(conference, identifier)))
        return len(rows) - 1, len(queries)

    rows_before, queries_before = download()
    add_rows(conference, 4, start=2)
    rows_after, queries_after = download()
    assert (rows_before, rows_after) == (2, 6)
    assert queries_after == queries_before


def test_times_are_iso_8601_in_the_conference_time_zone(organizer, conference):
    rows = parse(organizer.get(download_url(conference, "agenda")))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["date"] == "2019-05-16"
    assert first["starts_at"] == "2019-05-16T10:00+05:00"
    assert first["ends_at"] == "2019-05-16T11:30+05:00"
    travel = parse(organizer.get(download_url(conference, "travel")))
    assert dict(zip(travel[0], travel[1], strict=True))["arrival_at"] == "2019-05-15T14:30+05:00"
    rooming = parse(organizer.get(download_url(conference, "rooming-list")))
    row = dict(zip(rooming[0], rooming[1], strict=True))
    assert (row["check_in"], row["check_out"], row["nights"]) == ("2019-05-15", "2019-05-18", "3")


DANGEROUS = ['=HYPERLINK("http://x")', "+992 37 221", "-2+3", "@SUM(A1)", "\tcmd", "\r\nX"]


def test_formula_injection_is_neutralized(organizer):
    participant = ParticipantFactory(
        family_name=DANGEROUS[0],
        given_names=DANGEROUS[1],
        functional_title=DANGEROUS[2],
        hotel=DANGEROUS[3],
        dietary_needs=DANGEROUS[4],
        accessibility_needs=DANGEROUS[5],
        phone="2 safe",
    )
    rows = parse(organizer.get(download_url(participant.conference, "participants")))
    row = dict(zip(rows[0], rows[1], strict=True))
    cells = [
        row[name]
        for name in (
            "family_name",
            "given_names",
            "functional_title",
            "hotel",
            "dietary_needs",
            "accessibility_needs",
        )
    ]
    assert cells == [f"'{value}" for value in DANGEROUS]
    assert row["phone"] == "2 safe"


def test_cyrillic_and_diacritics_round_trip_with_a_byte_order_mark(organizer):
    participant = ParticipantFactory(given_names="Miroslav", family_name="Lajčák")
    ParticipantFactory(
        delegation=participant.delegation, given_names="Марсель", family_name="Пешко"
    )
    response = organizer.get(download_url(participant.conference, "participants"))
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xef\xbb\xbf"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {(r["given_names"], r["family_name"]) for r in rows} == {
        ("Miroslav", "Lajčák"),
        ("Марсель", "Пешко"),
    }


def test_security_vetting_is_refused_without_the_identity_permission(client, conference, officer):
    officer = grant(officer, "participants.view_participant", "conference.view_conference")
    sign_in(client, officer)
    assert client.get(download_url(conference, "security-vetting")).status_code == 403
    page = client.get(reverse("admin:conference_exports", args=[conference.pk]))
    assert page.status_code == 200
    identifiers = [item["export"].identifier for item in page.context["exports"]]
    assert identifiers == ["participants", "badges", "travel", "rooming-list"]
    assert not IdentityAccessLog.objects.exists()


def test_each_permitted_security_vetting_run_is_logged(client, conference, officer):
    officer = grant(
        officer,
        "participants.view_participant",
        "participants.view_identity_document",
        "conference.view_conference",
    )
    sign_in(client, officer)
    for _run in range(2):
        rows = parse(client.get(download_url(conference, "security-vetting")))
    assert rows[1][6] == "1975-03-14"  # date_of_birth
    logs = list(
        IdentityAccessLog.objects.order_by("pk").values_list("user", "kind", "export", "row_count")
    )
    assert logs == [(officer.pk, IdentityAccessKind.EXPORT, "security-vetting", 2)] * 2


def test_a_dropped_download_logs_the_rows_that_left(conference, officer):
    export = registry.get("security-vetting")
    lines = csv_lines(
        export,
        export.queryset(conference),
        conference=conference,
        on_finish=export.access_recorder(officer),
    )
    assert next(lines).startswith("\ufeffparticipant_id,")
    next(lines)
    lines.close()
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.export, log.row_count) == (officer, "security-vetting", 1)


def test_exports_page_is_linked_from_the_conference_and_filters(organizer, conference):
    change = organizer.get(reverse("admin:conference_conference_change", args=[conference.pk]))
    exports_url = reverse("admin:conference_exports", args=[conference.pk])
    assert exports_url in change.content.decode()
    page = organizer.get(exports_url)
    assert [item["export"].identifier for item in page.context["exports"]] == [
        export.identifier for export in registry.all_exports()
    ]
    delegation = conference.delegations.order_by("pk").first()
    rows = parse(
        organizer.get(download_url(conference, "participants"), {"delegation": delegation.pk})
    )
    assert [row[8] for row in rows[1:]] == [delegation.name]
    assert (
        organizer.get(download_url(conference, "participants"), {"delegation": "x"}).status_code
        == 400
    )
    assert organizer.get(download_url(conference, "nonsense")).status_code == 404


def test_exports_page_queries_do_not_grow_with_filter_options(organizer, conference):
    url = reverse("admin:conference_exports", args=[conference.pk])
    with CaptureQueriesContext(connection) as with_two_delegations:
        assert organizer.get(url).status_code == 200
    add_rows(conference, 8, start=2)

    with CaptureQueriesContext(connection) as with_ten_delegations:
        page = organizer.get(url)

    filters = {
        (item["export"].identifier, choice["name"]): choice["options"]
        for item in page.context["exports"]
        for choice in item["filters"]
    }
    assert len(filters["participants", "delegation"]) == 10
    assert len(filters["speakers", "session"]) == 10
    assert len(with_ten_delegations) == len(with_two_delegations)


def test_export_action_honours_the_selection(organizer, conference):
    chosen = Participant.objects.filter(conference=conference).order_by("pk").first()
    response = organizer.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "export_csv_participants", "_selected_action": [chosen.pk]},
    )
    rows = parse(response)
    assert [row[0] for row in rows[1:]] == [chosen.email]


def test_export_action_honours_the_filters_with_select_across(organizer, conference):
    ParticipantFactory(delegation__conference=ConferenceFactory())
    url = reverse("admin:participants_participant_changelist")
    response = organizer.post(
        f"{url}?conference__id__exact={conference.pk}",
        {"action": "export_csv_participants", "select_across": "1", "_selected_action": ["0"]},
    )
    rows = parse(response)
    assert sorted(row[0] for row in rows[1:]) == sorted(
        Participant.objects.filter(conference=conference).values_list("email", flat=True)
    )


def test_export_action_refuses_a_selection_across_conferences(organizer, conference):
    other = ParticipantFactory(delegation__conference=ConferenceFactory())
    mine = Participant.objects.filter(conference=conference).first()
    response = organizer.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "export_csv_participants", "_selected_action": [mine.pk, other.pk]},
        follow=True,
    )
    assert "Select rows of one conference at a time" in response.content.decode()


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("participants_delegation", "export_csv_delegations"),
        ("agenda_session", "export_csv_agenda"),
        ("agenda_statement", "export_csv_speakers"),
        ("documents_recommendation", "export_csv_recommendations"),
    ],
)
def test_every_changelist_offers_the_export_action(organizer, conference, model, action):
    response = organizer.get(reverse(f"admin:{model}_changelist"))
    assert action in [
        name for name, _label in response.context["action_form"].fields["action"].choices
    ]


def test_command_lists_and_writes_an_export(conference, tmp_path, capsys):
    call_command("export_csv", list_exports=True)
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert sorted(listed) == IDENTIFIERS
    target = tmp_path / "participants.csv"
    call_command("export_csv", "participants", conference="dushanbe-2019", output=str(target))
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(registry.get("participants").header)
    assert len(rows) == 3


def test_command_needs_a_permitted_user_for_identity_data(conference, superuser, tmp_path):
    with pytest.raises(CommandError, match="give --user"):
        call_command("export_csv", "security-vetting", conference="dushanbe-2019")
    target = tmp_path / "vetting.csv"
    call_command(
        "export_csv",
        "security-vetting",
        conference="dushanbe-2019",
        output=str(target),
        user=superuser.username,
    )
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.export, log.row_count) == (superuser, "security-vetting", 2)


def test_file_name_uses_local_time():
    conference = ConferenceFactory.build(slug="dushanbe-2019", time_zone="Asia/Dushanbe")
    moment = dt.datetime(2019, 5, 16, 23, 30, 5, tzinfo=dt.UTC)
    assert file_name(conference, registry.get("agenda"), moment) == (
        "dushanbe-2019_agenda_20190517T043005.csv"
    )


@pytest.mark.parametrize(
    "query",
    [
        {"session": "9" * 30},  # beyond any integer column: used to break the download midway
        {"session": "0"},
        {"delegation": "9" * 19},
        {"status": "bogus"},
    ],
)
def test_an_unknown_filter_value_is_a_clear_400(organizer, conference, query):
    identifier = "speakers" if "session" in query else "participants"
    response = organizer.get(download_url(conference, identifier), query)
    assert response.status_code == 400
    assert "Choose the filter's value on the Exports page." in response.content.decode()


def test_another_conferences_delegation_is_not_a_filter_value(organizer, conference):
    stranger = ParticipantFactory(delegation__conference=ConferenceFactory())
    response = organizer.get(
        download_url(conference, "participants"), {"delegation": stranger.delegation_id}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("\nX", "'\nX"),
        ("\rX", "'\rX"),
        ("-5", "'-5"),  # text that looks like a number is still text
        (-5, "-5"),  # a number is written as a number: it cannot run as a formula
        ("a=1", "a=1"),
    ],
)
def test_cells_starting_with_a_line_break_are_text_and_numbers_stay_numbers(value, written):
    assert cell(value, dt.UTC) == written
