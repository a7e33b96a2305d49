"""Every export as an Excel workbook: typed cells, conference time, frozen header, widths."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conference.csvio import registry
from participants.enums import IdentityAccessKind
from participants.models import IdentityAccessLog
from tests.auth import sign_in
from tests.exports.conftest import add_rows, download_url, grant, parse
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

IDENTIFIERS = sorted(export.identifier for export in registry.all_exports())
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    body = b"".join(response.streaming_content)
    assert body[:4] == b"PK\x03\x04"
    return load_workbook(io.BytesIO(body))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_every_export_downloads_as_xlsx_with_the_csvs_rows(organizer, conference, identifier):
    export = registry.get(identifier)
    url = download_url(conference, identifier)
    response = organizer.get(url, {"format": "xlsx"})
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    assert re.fullmatch(
        rf'attachment; filename="dushanbe-2019_{identifier}_\d{{8}}T\d{{6}}\.xlsx"',
        response["Content-Disposition"],
    )
    sheet = workbook(response).active
    rows = values(sheet)
    assert rows[0] == list(export.header)
    csv_rows = parse(organizer.get(url))
    assert len(rows) == len(csv_rows) == 3
    # Every cell says what the CSV says, typed: the CSV's text of the workbook's value.
    for typed_row, text_row in zip(rows[1:], csv_rows[1:], strict=True):
        for value, text in zip(typed_row, text_row, strict=True):
            if isinstance(value, dt.datetime):
                # Excel reads every date back as a date-time; the CSV has the offset.
                local = value.date().isoformat() if len(text) == 10 else value.isoformat()[:16]
                assert text.startswith(local), (value, text)
            else:
                assert _as_csv_text(value) == text.removeprefix("'"), (value, text)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(6 <= width <= 60 for width in widths)
    assert widths[0] >= len(export.header[0]) + 2


def _as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_cells_are_typed_and_times_are_the_conferences_wall_time(organizer, conference):
    agenda = workbook(organizer.get(download_url(conference, "agenda"), {"format": "xlsx"}))
    sheet = agenda.active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    # 10:00 in Dushanbe (UTC+5) is stored as 10:00, a date-time cell.
    assert first["starts_at"].value == dt.datetime(2019, 5, 16, 10, 0)
    assert first["starts_at"].is_date and first["starts_at"].number_format == "yyyy-mm-dd hh:mm"
    assert first["date"].value in (dt.datetime(2019, 5, 16), dt.date(2019, 5, 16))
    assert first["date"].number_format == "yyyy-mm-dd"
    rooming = workbook(organizer.get(download_url(conference, "rooming-list"), {"format": "xlsx"}))
    sheet = rooming.active
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["nights"] == 3 and isinstance(row["nights"], int)
    participants = workbook(
        organizer.get(download_url(conference, "participants"), {"format": "xlsx"})
    ).active
    row = dict(
        zip([c.value for c in participants[1]], [c.value for c in participants[2]], strict=True)
    )
    assert row["badge_number"] == 100 and isinstance(row["badge_number"], int)
    assert row["hospitality_requested"] is False


def test_formula_text_stays_text(organizer):
    participant = ParticipantFactory(family_name='=HYPERLINK("http://x")', given_names="+992 37")
    response = organizer.get(
        download_url(participant.conference, "participants"), {"format": "xlsx"}
    )
    sheet = workbook(response).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["family_name"].value == '=HYPERLINK("http://x")'
    assert cells["family_name"].data_type == "s"
    assert cells["given_names"].value == "+992 37"


def test_xlsx_queries_do_not_grow_with_rows(organizer, conference):
    url = download_url(conference, "participants")
    with CaptureQueriesContext(connection) as few:
        assert len(values(workbook(organizer.get(url, {"format": "xlsx"})).active)) == 3
    add_rows(conference, 5, start=2)
    with CaptureQueriesContext(connection) as many:
        assert len(values(workbook(organizer.get(url, {"format": "xlsx"})).active)) == 8
    assert len(many) == len(few)


def test_an_xlsx_of_identity_data_is_logged_like_the_csv(client, conference, officer):
    officer = grant(
        officer,
        "participants.view_participant",
        "participants.view_identity_document",
        "conference.view_conference",
    )
    sign_in(client, officer)
    response = client.get(download_url(conference, "security-vetting"), {"format": "xlsx"})
    assert response.status_code == 200
    rows = values(workbook(response).active)
    assert rows[1][6] == dt.datetime(1975, 3, 14)  # date_of_birth, a date cell
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.kind, log.export, log.row_count) == (
        officer,
        IdentityAccessKind.EXPORT,
        "security-vetting",
        2,
    )


def test_an_unknown_format_is_a_clear_400(organizer, conference):
    response = organizer.get(download_url(conference, "participants"), {"format": "ods"})
    assert response.status_code == 400


def test_the_export_action_offers_excel(organizer, conference):
    page = organizer.get("/admin/participants/participant/")
    assert b'name="export_format"' in page.content
    chosen = conference.participants.order_by("pk").first()
    response = organizer.post(
        "/admin/participants/participant/",
        {
            "action": "export_csv_participants",
            "_selected_action": [chosen.pk],
            "export_format": "xlsx",
        },
    )
    assert response["Content-Type"] == XLSX
    rows = values(workbook(response).active)
    assert len(rows) == 2 and chosen.family_name in rows[1]
    assert b'name="export_format"' not in organizer.get("/admin/auth/user/").content


def test_command_writes_a_workbook(conference, tmp_path):
    target = tmp_path / "agenda.xlsx"
    call_command(
        "export_csv", "agenda", conference=conference.slug, output=str(target), file_format="xlsx"
    )
    rows = values(load_workbook(target).active)
    assert rows[0] == list(registry.get("agenda").header) and len(rows) == 3
