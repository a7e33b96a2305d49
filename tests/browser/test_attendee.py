"""An attendee's path through the public site, in a real browser."""

import datetime as dt
import zoneinfo

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.browser
DUSHANBE = zoneinfo.ZoneInfo("Asia/Dushanbe")


def test_attendee_reads_the_agenda_and_takes_it_home(demo_site, browser_page, tmp_path):
    page = browser_page
    page.goto(demo_site.url + "/")
    page.get_by_role("link", name="International and Regional Co-operation").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("International and")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agenda").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Agenda"
    assert page.get_by_role("heading", name="Thursday, 16 May 2019").is_visible()

    page.get_by_label("Day", exact=True).select_option("2019-05-17")
    page.get_by_role("button", name="Show").click()
    assert "day=2019-05-17" in page.url
    assert page.get_by_role("heading", name="Friday, 17 May 2019").is_visible()
    assert page.get_by_role("heading", name="Thursday, 16 May 2019").count() == 0

    first_session = page.locator("article.agenda-session h3 a").first
    title = first_session.inner_text()
    first_session.click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    speakers = page.get_by_role("table", name="Speakers' list in order of speaking")
    assert speakers.locator("tbody tr").count() > 0

    speaker_link = speakers.locator("tbody tr th a").first
    speaker = speaker_link.inner_text()
    speaker_link.click()
    assert page.get_by_role("heading", level=1).inner_text() == speaker
    assert page.get_by_role("link", name=title).is_visible()

    page.get_by_label("Language", exact=True).select_option("ru")
    page.get_by_role("button", name="Switch").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    # The same person; an honorific such as "Dr." now reads in Russian ("д-р").
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.split()[-2:] == speaker.split()[-2:]
    assert page.get_by_role("heading", name="Заседания").is_visible()

    page.get_by_role("navigation", name="Основная навигация").get_by_role(
        "link", name="Программа"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Программа"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать программу (iCal)").click()
    download = download_info.value
    assert download.suggested_filename == "dushanbe-2019.ics"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    calendar = Calendar.from_ical(path.read_bytes())
    starts = sorted(event.decoded("DTSTART") for event in calendar.walk("VEVENT"))
    assert starts[0] == dt.datetime(2019, 5, 16, 9, 0, tzinfo=DUSHANBE)
    assert starts[0].utcoffset() == dt.timedelta(hours=5)
    assert page.outside_requests == []
