"""Seating plans: the Plenary Hall in rows, and Committee Room A as a horseshoe too small
for every delegation, so the plan shows who is left without a place."""

from sessions import services
from sessions.enums import SeatingLayout
from sessions.models import SeatingPlan

PLANS = [
    # room, layout, places, places per row, seats per delegation
    ("Plenary Hall", SeatingLayout.ROWS, 80, 10, 3),
    ("Committee Room A", SeatingLayout.HORSESHOE, 40, 1, 2),
]


def build_seating(conference, rooms) -> list[SeatingPlan]:
    return [
        services.seating_plan_save(
            plan=SeatingPlan(
                conference=conference,
                room=rooms[room],
                layout=layout,
                places=places,
                places_per_row=per_row,
                seats_per_delegation=seats,
            )
        )
        for room, layout, places, per_row, seats in PLANS
    ]
