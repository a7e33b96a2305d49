import pytest
from django.core.exceptions import ValidationError

from tests.factories import ConferenceFactory


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["admin", "nominate", "i18n", "language", "static"])
def test_a_conference_cannot_take_a_top_level_path(slug):
    conference = ConferenceFactory.build(slug=slug)
    with pytest.raises(ValidationError) as excinfo:
        conference.full_clean()
    assert excinfo.value.message_dict["slug"] == [
        f"“{slug}” is reserved for the site itself; choose another slug."
    ]
