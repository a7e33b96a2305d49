"""Rooms added from a pasted list (issue 21, item 17): all of them, or none with each refusal."""

import pytest

from conference.setup import BulkAddRefused, LineRefusal, pasted_lines
from sessions.models import Room
from sessions.services import rooms_add
from tests.factories import ConferenceFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_every_line_becomes_a_room_of_the_conference():
    conference = ConferenceFactory()
    rooms = rooms_add(
        conference=conference,
        lines=pasted_lines("Plenary Hall\n\n   Committee  Room A  \nPress centre\n"),
    )
    assert [room.name for room in rooms] == ["Plenary Hall", "Committee Room A", "Press centre"]
    assert sorted(conference.rooms.values_list("name_en", flat=True)) == [
        "Committee Room A",
        "Plenary Hall",
        "Press centre",
    ]


def test_a_name_the_conference_has_or_the_list_repeats_refuses_the_whole_list():
    conference = ConferenceFactory()
    RoomFactory(conference=conference, name_en="Plenary Hall", name_ru="Пленарный зал")
    RoomFactory(name_en="Press centre")  # another conference's room is no duplicate
    with pytest.raises(BulkAddRefused) as refused:
        rooms_add(
            conference=conference,
            lines=pasted_lines("plenary hall\nPress centre\nBilateral room\nпленарный зал\n"
                               "Bilateral Room\n" + "X" * 121),
        )  # fmt: skip
    there = "this conference already has a room of this name."
    assert refused.value.refusals == [
        LineRefusal(1, "plenary hall", f"plenary hall: {there}"),
        LineRefusal(4, "пленарный зал", f"пленарный зал: {there}"),
        LineRefusal(5, "Bilateral Room", "Bilateral Room: the same room as line 3."),
        LineRefusal(6, "X" * 121, f"{'X' * 40}: a room name has at most 120 characters."),
    ]  # fmt: skip
    assert list(Room.objects.filter(conference=conference).values_list("name_en", flat=True)) == [
        "Plenary Hall"
    ]
