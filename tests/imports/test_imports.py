"""Participant CSV import: preview, all or nothing, encodings, bad files, round trip."""

import datetime as dt
import io
import zipfile

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conference.csvio import registry
from conference.csvio.reader import ImportFileError, decode
from participants.enums import AccreditationStatus, DelegationRole, ImportJobStatus
from participants.imports.admin import PREVIEW_LIFETIME
from participants.imports.services import (
    MAX_BYTES,
    MAX_ROWS,
    ImportRejected,
    RowError,
    participants_import,
    participants_import_plan,
)
from participants.models import AccreditationEvent, ImportJob, Participant
from tests.exports.conftest import download_url
from tests.factories import (
    DUSHANBE,
    BadgeCategoryFactory,
    ConferenceFactory,
    DelegationFactory,
    IdentityDocumentFactory,
    ParticipantFactory,
)
from tests.imports.helpers import confirm_import, upload_import

pytestmark = pytest.mark.django_db

HEADER = "email,given_names,family_name,functional_title,role,delegation\n"


@pytest.fixture
def delegation():
    return DelegationFactory(
        conference=ConferenceFactory(slug="dushanbe-2019"), country="KZ", hospitality_quota=1
    )


def import_url(conference) -> str:
    return reverse("admin:conference_import_participants", args=[conference.pk])


def upload(client, conference, content: bytes, **data):
    """The job's page once the file is checked, or the form's page with the file's error."""
    return upload_import(client, import_url(conference), {"file": _file(content), **data})


def summary(response) -> str:
    (paragraph,) = lxml.html.fromstring(response.content.decode()).xpath(
        '//p[@id="import-summary"]'
    )
    return " ".join(paragraph.text_content().split())


def _file(content: bytes, name: str = "delegation.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_dry_run_preview_counts_and_errors_and_writes_nothing(organizer, delegation):
    ParticipantFactory(delegation=delegation, email="known@mfa.kz", given_names="Old")
    content = (
        HEADER
        + "known@mfa.kz,Aliya,Nurlanova,Counsellor,Adviser,Kazakhstan\n"
        + "new1@mfa.kz,Yerlan,Karin,Minister,Head of delegation,KZ\n"
        + "new2@mfa.kz,Dana,Sarsen,Expert,expert,Казахстан\n"
        + "not-an-email,Bad,Row,,representative,KZ\n"
        + "new3@mfa.kz,Erik,Ospan,,chief,Atlantis\n"
    ).encode()
    response = upload(organizer, delegation.conference, content)

    assert response.status_code == 200
    job = response.context["job"]
    assert (job.status, job.planned_created, job.planned_updated) == (
        ImportJobStatus.REFUSED,
        2,
        1,
    )
    assert response.context["errors"] == [
        RowError(5, "email", "“not-an-email” is not an e-mail address."),
        RowError(
            6,
            "delegation",
            "Unknown country or organization “Atlantis”; use an ISO code such as KZ or the name.",
        ),
        RowError(
            6,
            "role",
            "Unknown value “chief”; use one of: head, deputy, representative, adviser, expert, "
            "security, protocol, interpreter, support.",
        ),
    ]
    assert summary(response) == (
        "3 errors: nothing will be created or updated until the rows with errors are fixed."
    )
    assert b"Confirm the import" not in response.content
    assert not job.batches.exists()  # nothing of a refused file is kept but its errors
    assert Participant.objects.get(email="known@mfa.kz").given_names == "Old"
    assert Participant.objects.count() == 1


def test_preview_then_confirm_imports_into_a_delegation(organizer, delegation):
    content = (
        b"email,given_names,family_name,role\n"
        b"head@mfa.kz,Yerlan,Karin,head\n"
        b"deputy@mfa.kz,Dana,Sarsen,deputy\n"
    )
    preview = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    job = preview.context["job"]
    assert job.status == ImportJobStatus.PREVIEWED
    assert summary(preview) == "2 participants will be created, 0 updated (matched by e-mail)."
    assert b"Confirm the import" in preview.content
    response = confirm_import(organizer, import_url(delegation.conference), job)

    assert response.status_code == 302
    assert response["Location"].startswith(import_url(delegation.conference) + "?job=")
    progress = organizer.get(response["Location"])
    assert progress.context["job"].status == ImportJobStatus.DONE
    assert not progress.context["job"].batches.exists()
    assert (
        " ".join(
            lxml.html.fromstring(progress.content)
            .get_element_by_id("import-progress")
            .text_content()
            .split()
        )
        == "2 of 2 rows imported (100%): 2 created, 0 updated."
    )
    assert b'http-equiv="refresh"' not in progress.content
    members = Participant.objects.filter(delegation=delegation).order_by("email")
    assert [(m.email, m.role, m.status) for m in members] == [
        ("deputy@mfa.kz", DelegationRole.DEPUTY, AccreditationStatus.NOMINATED),
        ("head@mfa.kz", DelegationRole.HEAD, AccreditationStatus.NOMINATED),
    ]
    assert AccreditationEvent.objects.filter(reason="Imported from CSV.").count() == 2
    again = confirm_import(organizer, import_url(delegation.conference), job)
    assert "expired or was already imported" in again.content.decode()
    assert Participant.objects.count() == 2


def test_confirm_revalidates_and_writes_nothing_when_the_data_changed(organizer, delegation):
    content = b"email,given_names,family_name,role\nhead@mfa.kz,Yerlan,Karin,head\n"
    preview = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    ParticipantFactory(delegation=delegation, role=DelegationRole.HEAD, email="a@b.kz")
    response = confirm_import(organizer, import_url(delegation.conference), preview.context["job"])
    progress = organizer.get(response["Location"])
    assert progress.context["job"].status == ImportJobStatus.FAILED
    assert "Nothing of the file was imported: these rows stopped it." in progress.content.decode()
    assert progress.context["job"].errors[0]["column"] == "role"
    assert list(Participant.objects.values_list("email", flat=True)) == ["a@b.kz"]


def test_one_bad_row_among_500_writes_nothing(delegation):
    delegation.max_size = 600
    delegation.save()
    lines = [HEADER]
    for i in range(500):
        email = "broken-address" if i == 250 else f"member{i}@mfa.kz"
        lines.append(f"{email},Given{i},Family{i},Counsellor,representative,KZ\n")
    text = "".join(lines)

    plan = participants_import_plan(conference=delegation.conference, text=text)
    assert (len(plan.created), plan.errors) == (
        499,
        [RowError(252, "email", "“broken-address” is not an e-mail address.")],
    )
    with pytest.raises(ImportRejected):
        participants_import(conference=delegation.conference, text=text, by=None)
    assert Participant.objects.count() == 0
    good = text.replace("broken-address", "member250@mfa.kz")
    participants_import(conference=delegation.conference, text=good, by=None)
    assert Participant.objects.filter(delegation=delegation).count() == 500


def test_windows_1251_with_semicolons_and_russian_headers(organizer, delegation):
    content = (
        "Фамилия;Имя;Электронная почта;Должность;Роль;Страна\n"
        "Пешко;Марсель;peshko@mfa.kz;Директор;expert;Казахстан\n"
    ).encode("cp1251")
    response = upload(organizer, delegation.conference, content)
    assert response.context["job"].status == ImportJobStatus.PREVIEWED
    assert summary(response) == "1 participant will be created, 0 updated (matched by e-mail)."
    confirm_import(organizer, import_url(delegation.conference), response.context["job"])
    created = Participant.objects.get()
    assert (created.family_name, created.given_names, created.functional_title, created.role) == (
        "Пешко",
        "Марсель",
        "Директор",
        DelegationRole.EXPERT,
    )
    assert created.delegation == delegation


def test_utf8_with_bom_and_semicolons(delegation):
    text = decode("\ufeffe-mail;Имя;Фамилия\nlajcak@osce.org;Miroslav;Lajčák\n".encode())
    plan = participants_import_plan(
        conference=delegation.conference, text=text, delegation=delegation
    )
    assert [(p.email, p.family_name) for p in plan.created] == [("lajcak@osce.org", "Lajčák")]


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


BAD_FILES = {
    "empty": (b"", "The submitted file is empty."),
    "blank lines": (b"\r\n  \r\n", "The file is empty."),
    "header only": (HEADER.encode(), "The file has a header row but no participants."),
    "missing column": (
        b"email,family_name,delegation\na@b.kz,Karin,KZ\n",
        "Required column(s) missing: given_names. The header row must name them.",
    ),
    # A zip that only looks like a workbook: an .xlsx is read (tests/imports/test_xlsx_import.py).
    "broken xlsx": (_xlsx(), "This Excel workbook cannot be read."),
    "old xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 512, "This is an Excel workbook, not a CSV file."),
    "binary": (bytes(range(256)) * 4, "This file holds binary data, not CSV text."),
    "unknown encoding": (
        b"email,given_names,family_name\n\x98\x98,a,b\n",
        "The file's encoding is not UTF-8 or Windows-1251.",
    ),
    "too many rows": (
        (HEADER + "a@b.kz,A,B,,,KZ\n" * (MAX_ROWS + 1)).encode(),
        f"The file has {MAX_ROWS + 1} rows; at most {MAX_ROWS} can be imported at once.",
    ),
    "too large": (
        b"x" * (MAX_BYTES + 100 * 1024),
        "The file is 50.1 MB; the limit is 50 MB. Split it into parts.",
    ),
}


# Found by the check in the background, not by the upload's form: the job's page says it.
CHECKED_BAD_FILES = {"header only", "missing column", "too many rows"}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_get_a_clear_message_never_a_server_error(organizer, delegation, case):
    content, message = BAD_FILES[case]
    response = upload(organizer, delegation.conference, content)
    assert response.status_code == 200
    if case in CHECKED_BAD_FILES:
        assert response.context["job"].status == ImportJobStatus.REFUSED
        (file_error,) = response.context["file_errors"]
        assert message in file_error
        assert b"Confirm the import" not in response.content
        assert response.context["form"] is not None  # to upload the file corrected
    else:
        errors = " ".join(response.context["form"].errors["file"])
        assert message in errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Participant.objects.count() == 0


def test_file_errors_are_raised_by_the_plan_too(delegation):
    with pytest.raises(ImportFileError, match="header row but no participants"):
        participants_import_plan(conference=delegation.conference, text=HEADER)


def test_delegation_limits_and_model_validation_apply(delegation):
    kyrgyzstan = DelegationFactory(conference=delegation.conference, country="KG")
    ParticipantFactory(delegation=kyrgyzstan, email="taken@mfa.kg")
    category = BadgeCategoryFactory(conference=delegation.conference, code="D")
    text = (
        "email,given_names,family_name,role,delegation,hospitality_requested,arrival_at,"
        "badge_category\n"
        "h1@mfa.kz,A,A,head,KZ,yes,2019-05-15 14:30,D\n"
        "h2@mfa.kz,B,B,head,KZ,no,,\n"
        "h3@mfa.kz,C,C,adviser,KZ,yes,,\n"
        "h1@mfa.kz,D,D,adviser,KZ,,,\n"
        "taken@mfa.kg,E,E,adviser,KZ,,,\n"
        "h6@mfa.kz,F,F,adviser,Tajikistan,,,\n"
        "h7@mfa.kz,G,G,adviser,KZ,perhaps,tomorrow,Z\n"
    )
    plan = participants_import_plan(conference=delegation.conference, text=text)
    assert [(e.row, e.column) for e in plan.errors] == [
        (3, "role"),
        (4, "hospitality_requested"),
        (5, "email"),
        (6, "delegation"),
        (7, "delegation"),
        (8, "hospitality_requested"),
        (8, "arrival_at"),
        (8, "badge_category"),
    ]
    messages = {e.row: e.message for e in plan.errors}
    assert messages[3] == "Kazakhstan already has a head of delegation (A A)."
    assert messages[4] == "The host covers 1 member(s) of Kazakhstan; this would make 2."
    assert messages[5] == "The same e-mail is on row 2."
    assert messages[6] == "taken@mfa.kg is already registered with Kyrgyzstan."
    assert (
        messages[7] == "Tajikistan has no delegation at this conference; add the delegation first."
    )
    created = plan.created[0]
    assert (created.badge_category, created.arrival_at.isoformat()) == (
        category,
        "2019-05-15T14:30:00+05:00",
    )


def test_a_file_of_several_megabytes_is_previewed(organizer, delegation):
    # Above Django's 2.5 MB in-memory upload size and the old 2 MB limit of the import.
    padding = "p" * 2000
    rows = "".join(f"m{i}@mfa.kz,Given,Family{i},,adviser,KZ,{padding}\n" for i in range(1500))
    content = (HEADER.strip() + ",notes\n" + rows).encode()
    assert len(content) > 2.9 * 1024 * 1024
    delegation.max_size = 2000
    delegation.save()
    preview = upload(organizer, delegation.conference, content)
    assert preview.context["errors"] == []
    assert preview.context["job"].planned_created == 1500


def test_size_limit_applies(delegation):
    delegation.max_size = 2
    delegation.save()
    rows = "".join(f"m{i}@mfa.kz,A,B,,adviser,KZ\n" for i in range(3))
    plan = participants_import_plan(conference=delegation.conference, text=HEADER + rows)
    assert plan.errors == [
        RowError(4, "delegation", "Kazakhstan may have at most 2 members; this would make 3.")
    ]


# The participants export's columns that the import writes back.
ROUND_TRIP_FIELDS = [
    column
    for column in registry.get("participants").header
    if column not in ("delegation", "badge_category", "status", "badge_number")
]


def test_export_then_import_into_an_empty_conference_recreates_the_participants(
    organizer, delegation
):
    ParticipantFactory(
        delegation=delegation,
        honorific="H.E. Mr.",
        given_names="Марсель",
        family_name="Пешко",
        role=DelegationRole.HEAD,
        gender="male",
        preferred_language="ru",
        phone="+992 37 221 0000",
        hospitality_requested=True,
        arrival_at=dt.datetime(2019, 5, 15, 14, 30, tzinfo=DUSHANBE),
        arrival_flight="TJ 132",
        hotel="Hyatt Regency",
        needs_airport_transfer=True,
        dietary_needs="=halal",
    )
    ParticipantFactory(delegation=delegation, given_names="Miroslav", family_name="Lajčák")
    ParticipantFactory(delegation=DelegationFactory(conference=delegation.conference, country="UZ"))
    exported = b"".join(
        organizer.get(
            download_url(delegation.conference, "participants"), {"delegation": delegation.pk}
        ).streaming_content
    )

    empty = ConferenceFactory(slug="dushanbe-2020")
    target = DelegationFactory(conference=empty, country="KZ", hospitality_quota=1)
    preview = upload(organizer, empty, exported, delegation=target.pk)
    assert preview.context["errors"] == []
    confirm_import(organizer, import_url(empty), preview.context["job"])

    def people(delegation):
        return list(
            Participant.objects.filter(delegation=delegation)
            .order_by("email")
            .values_list(*ROUND_TRIP_FIELDS)
        )

    assert len(people(target)) == 2
    assert people(target) == people(delegation)


def test_import_is_linked_from_the_delegation_and_the_participant_list(organizer, delegation):
    change = organizer.get(
        reverse("admin:participants_delegation_change", args=[delegation.pk])
    ).content.decode()
    assert f"{import_url(delegation.conference)}?delegation={delegation.pk}" in change
    changelist = organizer.get(reverse("admin:participants_participant_changelist"))
    chooser = reverse("admin:conference_import_participants_choose")
    assert chooser in changelist.content.decode()
    assert import_url(delegation.conference) in organizer.get(chooser).content.decode()


def test_a_row_with_more_cells_than_the_header_is_an_error_not_a_shifted_import(delegation):
    # An unquoted "Smith, Jr" splits into two cells and would push every later value one
    # column to the right: " Jr" would become the title and "Counsellor" would be lost.
    text = (
        "email,given_names,family_name,functional_title\n"
        "a@mfa.kz,John,Smith, Jr,Counsellor\n"
        "b@mfa.kz,Anna,Berg,Counsellor,,\n"  # empty trailing cells, as Excel writes them, are fine
    )
    plan = participants_import_plan(
        conference=delegation.conference, text=text, delegation=delegation
    )
    assert plan.errors == [
        RowError(
            2,
            "column 5",
            "This row has 5 cells but the header has 4 columns. "
            "Put quotes around a value that contains the delimiter.",
        )
    ]
    assert [p.email for p in plan.created] == ["b@mfa.kz"]


def test_a_file_with_old_mac_line_endings_is_read(delegation):
    text = decode(b"email,given_names,family_name\ra@mfa.kz,Aliya,Nurlanova\r")
    plan = participants_import_plan(
        conference=delegation.conference, text=text, delegation=delegation
    )
    assert (plan.errors, [p.family_name for p in plan.created]) == ([], ["Nurlanova"])


def test_utf16_from_excels_unicode_text_is_read(delegation):
    # Excel's "Unicode Text" is UTF-16 with a byte-order mark, tab-separated.
    raw = "email\tgiven_names\tfamily_name\r\npeshko@mfa.kz\tМарсель\tПешко\r\n".encode("utf-16")
    plan = participants_import_plan(
        conference=delegation.conference, text=decode(raw), delegation=delegation
    )
    assert (plan.errors, [p.family_name for p in plan.created]) == ([], ["Пешко"])


def test_an_import_that_renames_an_approved_member_sends_them_back_to_review(delegation):
    def member(email, family_name, status):
        return ParticipantFactory(
            delegation=delegation, email=email, family_name=family_name, status=status
        )

    renamed = member("renamed@mfa.kz", "Original", AccreditationStatus.APPROVED)
    retitled = member("retitled@mfa.kz", "Same", AccreditationStatus.APPROVED)
    text = (
        HEADER
        + "renamed@mfa.kz,Aziz,Replacement,Counsellor,representative,KZ\n"
        + f"retitled@mfa.kz,{retitled.given_names},Same,Minister Counsellor,representative,KZ\n"
    )
    participants_import(conference=delegation.conference, text=text, by=None)
    renamed.refresh_from_db()
    retitled.refresh_from_db()
    assert (renamed.family_name, renamed.status) == (
        "Replacement",
        AccreditationStatus.UNDER_REVIEW,
    )
    assert (retitled.functional_title, retitled.status) == (
        "Minister Counsellor",
        AccreditationStatus.APPROVED,
    )


NATIONALITY_HEADER = "email,given_names,family_name,nationality\n"


def test_the_nationality_column_is_read_by_code_or_name_and_stored(organizer, delegation):
    approved = ParticipantFactory(
        delegation=delegation, email="known@mfa.kz", status=AccreditationStatus.APPROVED
    )
    IdentityDocumentFactory(participant=approved, nationality="KZ")
    content = (
        NATIONALITY_HEADER
        + "known@mfa.kz,Aliya,Nurlanova,RUS\n"
        + "a@mfa.kz,Yerlan,Karin,KZ\n"
        + "b@mfa.kz,Dana,Sarsen,Kyrgyzstan\n"
        + "c@mfa.kz,Erik,Ospan,Узбекистан\n"
        + "d@mfa.kz,Aigerim,Bek,\n"
    ).encode()
    preview = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    assert preview.context["errors"] == []
    confirm_import(organizer, import_url(delegation.conference), preview.context["job"])

    nationalities = dict(
        Participant.objects.order_by("email").values_list("email", "identity__nationality")
    )
    assert nationalities == {
        "a@mfa.kz": "KZ",
        "b@mfa.kz": "KG",
        "c@mfa.kz": "UZ",
        "d@mfa.kz": None,
        "known@mfa.kz": "RU",
    }
    # A changed nationality is identity data: the approved member goes back to review.
    approved.refresh_from_db()
    assert approved.status == AccreditationStatus.UNDER_REVIEW


def test_an_unknown_nationality_is_refused_with_a_clear_message(organizer, delegation):
    content = (
        NATIONALITY_HEADER + "a@mfa.kz,Yerlan,Karin,Atlantis\n" + "b@mfa.kz,Dana,Sarsen,KZ\n"
    ).encode()
    preview = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    assert preview.context["errors"] == [
        RowError(
            2,
            "nationality",
            "Unknown nationality “Atlantis”; use an ISO code such as KZ or the country's "
            "name in English or Russian.",
        )
    ]
    assert summary(preview) == (
        "1 error: nothing will be created or updated until the rows with errors are fixed."
    )
    assert b"Confirm the import" not in preview.content
    assert Participant.objects.count() == 0


# Issue 10, item 10: an abandoned preview holds personal data on disk.


def test_a_new_upload_empties_the_abandoned_preview(organizer, delegation):
    content = b"email,given_names,family_name\nhead@mfa.kz,Yerlan,Karin\n"
    first = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    first_job = first.context["job"]
    assert first_job.batches.count() == 1
    second = upload(organizer, delegation.conference, content, delegation=delegation.pk)
    first_job.refresh_from_db()
    assert (first_job.status, first_job.batches.exists(), first_job.source) == (
        ImportJobStatus.EXPIRED,
        False,
        "",
    )
    assert second.context["job"].status == ImportJobStatus.PREVIEWED
    stale = confirm_import(organizer, import_url(delegation.conference), first_job)
    assert "expired or was already imported" in stale.content.decode()
    reloaded = organizer.get(f"{import_url(delegation.conference)}?job={first_job.pk}")
    assert "expired or was already imported" in reloaded.content.decode()
    assert b"Confirm the import" not in reloaded.content
    assert Participant.objects.count() == 0


def test_a_preview_past_its_lifetime_is_emptied_at_the_next_visit(organizer, delegation):
    content = b"email,given_names,family_name\nhead@mfa.kz,Yerlan,Karin\n"
    job = upload(organizer, delegation.conference, content, delegation=delegation.pk).context["job"]
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - PREVIEW_LIFETIME - dt.timedelta(minutes=1)
    )
    organizer.get(import_url(delegation.conference))
    job.refresh_from_db()
    assert (job.status, job.batches.exists()) == (ImportJobStatus.EXPIRED, False)
