"""The participant import reads .xlsx like CSV: same header matching, job stages, refusals."""

import csv
import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conference.csvio.reader import decode
from participants.enums import ImportJobStatus
from participants.models import ImportJob, Participant
from tests.factories import DUSHANBE, ConferenceFactory, DelegationFactory, ParticipantFactory
from tests.imports.helpers import confirm_import, upload_import

pytestmark = pytest.mark.django_db

HEADER = ["email", "given_names", "family_name", "functional_title", "role", "delegation"]


@pytest.fixture
def delegation():
    return DelegationFactory(
        conference=ConferenceFactory(slug="dushanbe-2019"), country="KZ", hospitality_quota=1
    )


def as_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _upload(client, conference, content: bytes, name: str):
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return upload_import(client, url, {"file": upload})


def _outcome(response):
    """What the organizer sees of a file: the job's status and errors, or the form's."""
    job = response.context.get("job")
    if job is None:
        return ("form", list(response.context["form"].errors["file"]))
    job.refresh_from_db()
    return (job.status, job.errors, job.planned_created, job.planned_updated)


REFUSALS = {
    "bad rows": [
        HEADER,
        ["ok@mfa.kz", "Yerlan", "Karin", "Minister", "head", "KZ"],
        ["not-an-email", "Bad", "Row", "", "representative", "KZ"],
        ["x@mfa.kz", "Erik", "Ospan", "", "chief", "KZ"],
    ],
    "unknown country": [HEADER, ["a@mfa.kz", "Dana", "Sarsen", "", "expert", "Atlantis"]],
    "formula text": [
        HEADER,
        ["f@mfa.kz", '=HYPERLINK("http://x")', "Sarsen", "=1+2", "expert", "KZ"],
        ["g@mfa.kz", "Dana", "=cmd|' /C calc'!A0", "", "expert", "KZ"],
    ],
    "duplicates": [
        HEADER,
        ["twice@mfa.kz", "Dana", "Sarsen", "", "expert", "KZ"],
        ["twice@mfa.kz", "Dana", "Sarsenova", "", "expert", "KZ"],
    ],
    "missing column": [
        ["email", "family_name", "delegation"],
        ["a@mfa.kz", "Karin", "KZ"],
    ],
    "header only": [HEADER],
    "a row longer than the header": [
        HEADER,
        ["a@mfa.kz", "Dana", "Sarsen", "", "expert", "KZ", "", "stray"],
    ],
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_refusal_of_a_csv_is_the_same_for_its_xlsx(organizer, delegation, case):
    ParticipantFactory(delegation=delegation, email="known@mfa.kz")
    rows = REFUSALS[case]
    from_csv = _outcome(_upload(organizer, delegation.conference, as_csv(rows), "d.csv"))
    ImportJob.objects.all().delete()
    from_xlsx = _outcome(_upload(organizer, delegation.conference, as_xlsx(rows), "d.xlsx"))
    assert from_xlsx == from_csv
    assert Participant.objects.count() == 1
    if case != "formula text":
        assert from_csv[0] == ImportJobStatus.REFUSED


def test_formula_text_is_imported_as_the_csvs_text(organizer, delegation):
    rows = REFUSALS["formula text"]
    preview = _upload(organizer, delegation.conference, as_xlsx(rows), "d.xlsx")
    job = preview.context["job"]
    if job.status == ImportJobStatus.PREVIEWED:
        url = reverse("admin:conference_import_participants", args=[delegation.conference.pk])
        confirm_import(organizer, url, job)
        assert Participant.objects.get(email="f@mfa.kz").functional_title == "=1+2"


def test_typed_cells_read_like_the_csvs_text(delegation):
    rows = [
        ["E-mail", "Имя", "Фамилия", "Телефон", "Прибытие", "hospitality", "delegation"],
        ["a@mfa.kz", "Dana", "Sarsen", 992372210000, dt.datetime(2019, 5, 15, 14, 30), True, "KZ"],
        ["b@mfa.kz", "Erik", "Ospan", 12.0, dt.datetime(2019, 5, 15), False, "Казахстан"],
    ]
    assert decode(as_xlsx(rows)).splitlines() == [
        "E-mail,Имя,Фамилия,Телефон,Прибытие,hospitality,delegation",
        "a@mfa.kz,Dana,Sarsen,992372210000,2019-05-15T14:30,yes,KZ",
        "b@mfa.kz,Erik,Ospan,12,2019-05-15,no,Казахстан",
    ]


def test_an_xlsx_goes_through_every_job_stage(organizer, delegation):
    rows = [
        ["email", "given_names", "family_name", "arrival_at", "delegation"],
        ["a@mfa.kz", "Dana", "Sarsen", dt.datetime(2019, 5, 15, 14, 30), "KZ"],
    ]
    conference = delegation.conference
    preview = _upload(organizer, conference, as_xlsx(rows), "delegation.xlsx")
    job = preview.context["job"]
    assert (job.status, job.planned_created) == (ImportJobStatus.PREVIEWED, 1)
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    confirm_import(organizer, url, job)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 1)
    participant = Participant.objects.get(email="a@mfa.kz")
    assert participant.arrival_at == dt.datetime(2019, 5, 15, 14, 30, tzinfo=DUSHANBE)


def test_an_xlsx_of_10000_rows_is_imported_through_the_job(organizer, capsys):
    conference = ConferenceFactory(slug="dushanbe-2019")
    codes = ["KZ", "KG", "TM", "UZ", "AF"]
    for code in codes:
        DelegationFactory(conference=conference, country=code, max_size=10_000)
    rows = [["email", "given_names", "family_name", "role", "delegation", "hospitality"]]
    rows += [
        [f"m{i}@mfa.example", f"Given{i}", f"Family{i}", "adviser", codes[i % 5], False]
        for i in range(10_000)
    ]
    content = as_xlsx(rows)
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    started = time.perf_counter()
    preview = _upload(organizer, conference, content, "all.xlsx")
    job = preview.context["job"]
    assert (job.status, job.planned_created, job.errors) == (ImportJobStatus.PREVIEWED, 10_000, [])
    checked = time.perf_counter()
    confirm_import(organizer, url, job)
    done = time.perf_counter()
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 10_000)
    assert Participant.objects.filter(conference=conference).count() == 10_000
    with capsys.disabled():
        print(
            f"\n.xlsx import of 10,000 rows ({len(content) / 1e6:.1f} MB): upload and check "
            f"{checked - started:.1f} s, import {done - checked:.1f} s"
        )
