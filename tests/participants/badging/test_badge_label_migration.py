"""The badge category's printed label: two hand-made columns become one translated field."""

import datetime as dt

import pytest

from participants.models import BadgeCategory
from tests.migrations import migrate_to, migrate_to_newest

BEFORE = ("participants", "0008_desk_name_trigram")
AFTER = ("participants", "0009_badge_category_label_translated")


@pytest.mark.django_db(transaction=True)
def test_the_labels_are_kept_and_the_english_one_becomes_the_field():
    old = migrate_to([BEFORE])
    Conference = old.get_model("conference", "Conference")
    conference = Conference.objects.create(
        title="Regional Conference",
        short_title="RC",
        slug="rc-2019",
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
    )
    OldCategory = old.get_model("participants", "BadgeCategory")
    OldCategory.objects.create(
        conference=conference,
        code="D",
        name_en="Delegate",
        name="Delegate",
        colour_name="red",
        colour="#C8102E",
        label_en="Delegation",
        label_ru="Делегация",
    )
    OldCategory.objects.create(
        conference=conference, code="M", name="Media", colour_name="green", colour="#00843D"
    )
    try:
        migrate_to([AFTER])
        rows = BadgeCategory.objects.order_by("code").values_list(
            "code", "label", "label_en", "label_ru"
        )
        assert list(rows) == [("D", "Delegation", "Delegation", "Делегация"), ("M", "", "", "")]

        # And back: the two plain columns again, never NULL.
        BadgeCategory.objects.filter(code="M").update(label_ru=None)
        old = migrate_to([BEFORE])
        rows = old.get_model("participants", "BadgeCategory").objects.order_by("code")
        assert list(rows.values_list("code", "label_en", "label_ru")) == [
            ("D", "Delegation", "Делегация"),
            ("M", "", ""),
        ]
    finally:
        migrate_to_newest()
