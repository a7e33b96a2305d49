"""E-mails to a focal point are written in the delegation's correspondence language."""

import pytest
from django.core import mail
from django.utils import translation

from participants.accreditation import notifications
from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "correspondence, organizer, expected, other",
    [
        ("en", "ru", "Dear Sir or Madam,", "Здравствуйте"),
        ("ru", "en", "Здравствуйте", "Dear "),
    ],
)
def test_the_nomination_link_is_written_in_the_delegations_language(
    correspondence, organizer, expected, other, django_capture_on_commit_callbacks
):
    delegation = DelegationFactory(
        country="KZ", focal_point_name="", correspondence_language=correspondence
    )
    with translation.override(organizer), django_capture_on_commit_callbacks(execute=True):
        notifications.nomination_link_write(
            delegation=delegation, url="https://example.org/n/", send_id="x"
        )
    [message] = mail.outbox
    assert expected in message.body and other not in message.body
