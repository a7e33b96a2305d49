"""The setup checklist on the conference page (issue 21, item 17): its marks, counts and links,
who sees which link, and its reads."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conference.models import Conference
from conference.selectors import conference_setup, mail_setup
from conference.setup import MailSetup
from participants.accreditation.roles import ROLES
from participants.models import AccessZone
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _marks(conference) -> dict[str, tuple[int, int | None, bool]]:
    return {
        row.step.key: (row.count, row.total, row.done)
        for row in conference_setup(conference=conference)
    }


def _set_up(conference, *, delegations: int = 2) -> None:
    room = RoomFactory(conference=conference)
    AccessZone.objects.create(conference=conference, code="PLN", name="Plenary hall")
    SessionFactory(conference=conference, room=room)
    for delegation in DelegationFactory.create_batch(delegations, conference=conference):
        delegation.nomination_link_expires_at = timezone.now()
        delegation.save()


def test_an_empty_conference_misses_every_step():
    conference = ConferenceFactory(delegate_badge=False)
    assert _marks(conference) == {
        "rooms": (0, None, False),
        "badge_categories": (0, None, False),
        "zones": (0, None, False),
        "delegations": (0, None, False),
        # "0 of 0" is not done: there is no delegation to reach yet.
        "focal_points": (0, 0, False),
        "sessions": (0, None, False),
        "nomination_links": (0, 0, False),
    }


def test_a_set_up_conference_has_every_step_done_and_counts_only_its_own_rows():
    conference = ConferenceFactory()
    _set_up(conference, delegations=3)
    _set_up(ConferenceFactory(), delegations=5)  # another edition's rows count for nothing here
    assert _marks(conference) == {
        "rooms": (1, None, True),
        "badge_categories": (1, None, True),
        "zones": (1, None, True),
        "delegations": (3, None, True),
        "focal_points": (3, 3, True),
        "sessions": (1, None, True),
        "nomination_links": (3, 3, True),
    }


def test_a_delegation_without_a_focal_point_or_a_link_leaves_those_steps_missing():
    conference = ConferenceFactory()
    _set_up(conference)
    DelegationFactory(conference=conference, country="TM", focal_point_email="")
    marks = _marks(conference)
    assert marks["focal_points"] == (2, 3, False)
    assert marks["nomination_links"] == (2, 3, False)
    assert marks["delegations"] == (3, None, True)


def test_the_checklist_is_one_query_whatever_the_rows(django_assert_num_queries):
    conference = ConferenceFactory()
    with django_assert_num_queries(1):
        conference_setup(conference=conference)
    _set_up(conference, delegations=10)
    RoomFactory.create_batch(5, conference=conference)
    with django_assert_num_queries(1):
        conference_setup(conference=conference)


def test_mail_is_set_up_only_when_delivered_from_a_real_address(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "accreditation@osce.example"
    assert mail_setup() == MailSetup(sender="accreditation@osce.example", undelivered="console")
    assert not mail_setup().done
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_setup().done
    settings.DEFAULT_FROM_EMAIL = "Accreditation <accreditation@plenary.localhost>"
    assert not mail_setup().done


def _page(client, conference) -> str:
    response = client.get(reverse("admin:conference_conference_change", args=[conference.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, key: str) -> str:
    return re.search(rf'<tr id="setup-{key}".*?</tr>', html, re.S).group(0)


def _links(row: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', row)]


def test_the_conference_page_shows_each_step_with_links_that_choose_the_conference(
    client, superuser, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    conference = ConferenceFactory(delegate_badge=False)
    sign_in(client, superuser)
    html = _page(client, conference)
    pk = conference.pk
    assert "setup-missing" in _row(html, "rooms")
    assert _links(_row(html, "rooms")) == [
        f"/admin/agenda/room/add/?conference={pk}",
        f"/admin/agenda/room/bulk-add/?conference={pk}",
        f"/admin/agenda/room/?conference__id__exact={pk}",
    ]
    assert _links(_row(html, "delegations")) == [
        f"/admin/participants/delegation/add/?conference={pk}",
        f"/admin/participants/delegation/bulk-add/?conference={pk}",
        f"/admin/participants/delegation/?conference__id__exact={pk}",
    ]
    # Focal points and links are set on the delegations, not added.
    assert _links(_row(html, "focal_points")) == [
        f"/admin/participants/delegation/?conference__id__exact={pk}"
    ]
    assert _links(_row(html, "badge_categories"))[0] == (
        f"/admin/participants/badgecategory/add/?conference={pk}"
    )
    # The CSV import of participants, once there are delegations to import into.
    assert f"/admin/conference/conference/{pk}/import-participants/" in html
    assert "This server does not deliver mail: set EMAIL_URL." in _row(html, "mail")


@pytest.mark.parametrize(
    "path, field",
    [
        ("agenda/room", "conference"),
        ("agenda/session", "conference"),
        ("participants/badgecategory", "conference"),
        ("participants/accesszone", "conference"),
        ("participants/delegation", "conference"),
    ],
)
def test_each_linked_add_form_opens_with_the_conference_chosen(client, superuser, path, field):
    conference = ConferenceFactory(short_title="Almaty 2027")
    other = ConferenceFactory(short_title="Dushanbe 2019")
    RoomFactory(conference=other, name="Other edition's hall")
    sign_in(client, superuser)
    response = client.get(f"/admin/{path}/add/?conference={conference.pk}")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert str(form.initial[field]) == str(conference.pk)
    html = response.content.decode()
    assert f'<option value="{conference.pk}" selected>Almaty 2027 (2019)</option>' in html
    # Its other choices are the conference's own: no room of another edition.
    assert "Other edition&#x27;s hall" not in html
    for name, bound in form.fields.items():
        queryset = getattr(bound, "queryset", None)
        if queryset is not None and "conference" in {f.name for f in queryset.model._meta.fields}:
            assert set(queryset.values_list("conference", flat=True)) <= {conference.pk}, name


def test_a_new_conference_opens_on_its_checklist(client, superuser):
    sign_in(client, superuser)
    response = client.post(
        "/admin/conference/conference/add/",
        {
            "title_en": "Regional Conference on Border Cooperation",
            "short_title_en": "Almaty 2027",
            "slug": "almaty-2027",
            "city_en": "Almaty",
            "country": "KZ",
            "start_date": "2027-03-16",
            "end_date": "2027-03-17",
            "time_zone": "Asia/Almaty",
            "status": "planning",
            "statement_minutes": "5",
            "max_delegation_size": "10",
            "precedence_alphabet": "en",
            "badge_format": "cr80",
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    conference = Conference.objects.get(slug="almaty-2027")
    assert response["Location"] == reverse(
        "admin:conference_conference_change", args=[conference.pk]
    )
    assert 'id="setup-checklist"' in client.get(response["Location"]).content.decode()


ROLE_LINKS = {
    # role: (sees a room add link, sees a delegation add link)
    "Protocol officer": (False, True),
    "Accreditation officer": (False, True),
    "Programme officer": (True, False),
    "Drafting officer": (False, False),
    "Security officer": (False, False),
    "Desk officer": (False, False),
    "Read-only observer": (False, False),
    "superuser": (True, True),
}


def test_the_role_table_names_every_role():
    assert set(ROLE_LINKS) == {*ROLES, "superuser"}


@pytest.mark.parametrize("who", ROLE_LINKS)
def test_each_role_sees_the_checklist_and_the_add_links_it_may_follow(client, who):
    call_command("setup_roles", verbosity=0)
    user = UserFactory(username="staff", is_superuser=who == "superuser")
    if who != "superuser":
        user.groups.add(Group.objects.get(name=who))
    sign_in(client, user)
    conference = ConferenceFactory()
    html = _page(client, conference)
    rooms, delegations = ROLE_LINKS[who]
    assert 'id="setup-checklist"' in html
    assert (f"/admin/agenda/room/bulk-add/?conference={conference.pk}" in html) is rooms
    assert (
        f"/admin/participants/delegation/bulk-add/?conference={conference.pk}" in html
    ) is delegations
    # Everyone may read the lists.
    assert f"/admin/agenda/room/?conference__id__exact={conference.pk}" in html
    room_page = client.get(f"/admin/agenda/room/bulk-add/?conference={conference.pk}")
    delegation_page = client.get(
        f"/admin/participants/delegation/bulk-add/?conference={conference.pk}"
    )
    assert (room_page.status_code, delegation_page.status_code) == (
        200 if rooms else 403,
        200 if delegations else 403,
    )


def test_the_bulk_add_page_adds_every_line_and_returns_to_the_checklist(client, superuser):
    conference = ConferenceFactory()
    sign_in(client, superuser)
    url = f"/admin/agenda/room/bulk-add/?conference={conference.pk}"
    response = client.post(url, {"names": "Plenary Hall\r\nCommittee Room A\r\n"}, follow=True)
    assert response.redirect_chain == [
        (reverse("admin:conference_conference_change", args=[conference.pk]), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [
        f"Added to {conference}: Plenary Hall, Committee Room A."
    ]
    assert "setup-done" in _row(response.content.decode(), "rooms")


def test_the_bulk_add_page_lists_each_refused_line_and_adds_nothing(client, superuser):
    conference = ConferenceFactory()
    DelegationFactory(conference=conference, country="KZ")
    sign_in(client, superuser)
    url = f"/admin/participants/delegation/bulk-add/?conference={conference.pk}"
    response = client.post(
        url, {"names": "Uzbekistan\nKazakhstan\nAtlantis", "state_category": "participating_state"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was added: correct these lines and send the list again." in html
    assert "Line 2: Kazakhstan: this conference already has this delegation." in html
    assert "Line 3: Atlantis: no country has this name or code" in html
    assert list(conference.delegations.values_list("country", flat=True)) == ["KZ"]


@pytest.mark.parametrize(
    "query, data, status, message",
    [
        ("", None, 404, ""),
        ("?conference=abc", None, 400, ""),
        ("?conference=999999", None, 404, ""),
        ("?conference={pk}", {"names": " \n \n"}, 200, "This field is required."),
        ("?conference={pk}", {"names": "Room\n" * 501}, 200, "At most 500 names at a time."),
    ],
)
def test_the_bulk_add_page_refuses_bad_input_clearly(
    client, superuser, query, data, status, message
):
    conference = ConferenceFactory()
    sign_in(client, superuser)
    url = f"/admin/agenda/room/bulk-add/{query.format(pk=conference.pk)}"
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()
    assert conference.rooms.count() == 0


def test_the_checklist_reads_in_russian(client, superuser, settings):
    conference = ConferenceFactory()
    sign_in(client, superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = _page(client, conference)
    checklist = re.search(r'<div class="module" id="setup-checklist">.*?</table>', html, re.S)
    text = re.sub(r"<[^>]+>", " ", checklist.group(0))
    for russian in ("Подготовка конференции", "Залы", "Категории бейджей", "Зоны доступа",
                    "Делегации", "Контактные лица", "Заседания", "Отправленные ссылки",
                    "Отправитель почты", "Добавить списком", "Список"):  # fmt: skip
        assert russian in text, russian
    bulk = client.get(f"/admin/agenda/room/bulk-add/?conference={conference.pk}")
    assert "Один зал в строке" in bulk.content.decode()
    assert "Добавить все" in bulk.content.decode()


def test_the_conference_page_reads_as_many_queries_with_many_rows(client, superuser):
    conference = ConferenceFactory()
    sign_in(client, superuser)
    _page(client, conference)  # the session and the permission caches, once
    with CaptureQueriesContext(connection) as empty:
        _page(client, conference)
    _set_up(conference, delegations=10)
    RoomFactory.create_batch(5, conference=conference)
    with CaptureQueriesContext(connection) as full:
        _page(client, conference)
    assert len(full) == len(empty)
