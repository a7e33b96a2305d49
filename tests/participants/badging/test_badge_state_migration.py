"""participants 0010: rows stored as badge_printed / badge_collected move onto the badge."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.migrations import migrate_to, migrate_to_newest

BEFORE = [("participants", "0009_badge_category_label_translated")]
AFTER = [("participants", "0011_badge_state_constraints")]
EARLIER = timezone.now() - dt.timedelta(days=3)


@pytest.fixture
def old_schema(transactional_db):
    """The database at 0009, with its historical models; back at the newest after the test."""
    apps = migrate_to(BEFORE)
    yield apps
    migrate_to_newest()


def seed(apps):
    """One participant per old state, badges as the old code wrote them (one without times)."""
    Conference = apps.get_model("conference", "Conference")
    BadgeCategory = apps.get_model("participants", "BadgeCategory")
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    AccreditationEvent = apps.get_model("participants", "AccreditationEvent")
    conference = Conference.objects.create(
        slug="m-2027",
        title="Migration test",
        short_title="M",
        start_date=dt.date(2027, 5, 1),
        end_date=dt.date(2027, 5, 2),
        time_zone="Asia/Dushanbe",
        city="Dushanbe",
    )
    category = BadgeCategory.objects.create(conference=conference, code="DEL", name="Delegate")
    people = {}
    for number, status in enumerate(
        ["approved", "badge_printed", "badge_collected", "badge_collected", "revoked"], start=1
    ):
        person = Participant.objects.create(
            conference=conference,
            given_names="P",
            family_name=f"{status}-{number}",
            email=f"p{number}@example.org",
            status=status,
            badge_category=category,
            badge_number=number if status != "revoked" else None,
        )
        people[person.family_name] = person
        badge = IssuedBadge(conference=conference, number=number, participant=person)
        if status in ("badge_printed", "badge_collected") and number != 4:
            badge.printed_at = EARLIER
        if status == "badge_collected" and number != 4:
            badge.collected_at = EARLIER
        if status == "revoked":
            badge.voided_at = EARLIER
        badge.save()
        if number == 4:
            # An old row whose badge lacks the times: the audit trail dates them.
            for from_status, to_status in (
                ("approved", "badge_printed"),
                ("badge_printed", "badge_collected"),
            ):
                event = AccreditationEvent.objects.create(
                    participant=person, from_status=from_status, to_status=to_status
                )
                AccreditationEvent.objects.filter(pk=event.pk).update(at=EARLIER)
    return people


def states(apps) -> dict[str, tuple]:
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    current = {
        badge.participant_id: badge for badge in IssuedBadge.objects.filter(voided_at__isnull=True)
    }
    return {
        p.family_name: (
            p.status,
            current[p.pk].printed_at if p.pk in current else None,
            current[p.pk].collected_at if p.pk in current else None,
        )
        for p in Participant.objects.all()
    }


def test_forward_moves_the_stage_onto_the_badge_and_backward_restores_it(old_schema):
    seed(old_schema)
    events_before = old_schema.get_model("participants", "AccreditationEvent").objects.count()
    after = migrate_to(AFTER)
    assert states(after) == {
        "approved-1": ("approved", None, None),
        "badge_printed-2": ("approved", EARLIER, None),
        "badge_collected-3": ("approved", EARLIER, EARLIER),
        "badge_collected-4": ("approved", EARLIER, EARLIER),
        "revoked-5": ("revoked", None, None),
    }
    # The audit trail is history: not a row changes.
    assert after.get_model("participants", "AccreditationEvent").objects.count() == events_before
    before = migrate_to(BEFORE)
    assert {name: row[0] for name, row in states(before).items()} == {
        "approved-1": "approved",
        "badge_printed-2": "badge_printed",
        "badge_collected-3": "badge_collected",
        "badge_collected-4": "badge_collected",
        "revoked-5": "revoked",
    }
