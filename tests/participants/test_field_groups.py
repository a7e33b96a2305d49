"""The named field groups serve the portal form and two CSV exports without changing either."""

import datetime as dt
import re
from pathlib import Path

import pytest

from conference.csvio import registry
from participants.enums import AccreditationStatus
from participants.models import LOGISTICS_FIELDS, PASSPORT_FIELDS
from participants.portal.forms import MemberForm
from tests.exports.conftest import download_url, parse
from tests.factories import DUSHANBE, ConferenceFactory, IdentityDocumentFactory

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "csv.md").read_text()


def documented_columns(identifier: str) -> list[str]:
    section = DOCS.split(f"### `{identifier}`")[1].split("###")[0]
    return re.findall(r"`([a-z_]+)`", section)


@pytest.mark.parametrize("identifier", ["participants", "security-vetting"])
def test_exports_built_from_field_groups_keep_the_documented_header_in_order(identifier):
    # The header is a contract with partners: a change to a field group must not alter it.
    assert list(registry.get(identifier).header) == documented_columns(identifier)


@pytest.mark.django_db
@pytest.mark.parametrize("requires_passport_data", [True, False])
def test_the_portal_form_asks_for_every_logistics_and_passport_field(requires_passport_data):
    conference = ConferenceFactory(requires_passport_data=requires_passport_data)
    fields = MemberForm(conference=conference).fields
    assert set(LOGISTICS_FIELDS) <= set(fields)
    expected = set(PASSPORT_FIELDS) if requires_passport_data else set()
    assert set(PASSPORT_FIELDS) & set(fields) == expected


@pytest.mark.django_db
def test_exports_write_each_field_of_the_groups_in_its_column(organizer):
    conference = ConferenceFactory(slug="dushanbe-2019")
    document = IdentityDocumentFactory(
        participant__delegation__conference=conference,
        participant__status=AccreditationStatus.APPROVED,
        participant__hospitality_requested=True,
        participant__arrival_at=dt.datetime(2019, 5, 15, 14, 30, tzinfo=DUSHANBE),
        participant__arrival_flight="TJ 132",
        participant__hotel="Hyatt Regency Dushanbe",
        participant__needs_visa_support=True,
        participant__dietary_needs="Halal",
        passport_number="N1234567",
    )

    def first_row(identifier: str) -> dict[str, str]:
        header, row = parse(organizer.get(download_url(conference, identifier)))
        return dict(zip(header, row, strict=True))

    participants = first_row("participants")
    assert {name: participants[name] for name in LOGISTICS_FIELDS} == {
        "hospitality_requested": "yes",
        "arrival_at": "2019-05-15T14:30+05:00",
        "arrival_flight": "TJ 132",
        "departure_at": "",
        "departure_flight": "",
        "hotel": "Hyatt Regency Dushanbe",
        "needs_airport_transfer": "no",
        "needs_visa_support": "yes",
        "dietary_needs": "Halal",
        "accessibility_needs": "",
    }
    vetting = first_row("security-vetting")
    assert vetting["participant_id"] == str(document.participant_id)
    assert {name: vetting[name] for name in PASSPORT_FIELDS} == {
        "nationality": "KZ",
        "date_of_birth": "1975-03-14",
        "place_of_birth": "Exampleabad",
        "passport_number": "N1234567",
        "passport_issued_on": "2016-01-10",
        "passport_expires_on": "2026-01-09",
    }
