"""Issue 21, item 5: a message left in "sending" by a dead worker waits for an organizer.

After OUTBOX_STALE_SENDING_AFTER (one hour by default) the sweeper marks it "may have gone
out"; the outbox filters those; the organizer sends it again or marks it sent.
"""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conference.mail import services
from conference.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:mail_outboxmessage_changelist"


def _row(key: str, *, status: str, claimed_minutes_ago: int | None) -> OutboxMessage:
    at = (
        None
        if claimed_minutes_ago is None
        else timezone.now() - dt.timedelta(minutes=claimed_minutes_ago)
    )
    return OutboxMessage.objects.create(
        kind="circular",
        recipient=f"{key}@mfa.example",
        language="en",
        subject=f"Circular {key}",
        body_text="Text",
        body_html="<p>Text</p>",
        status=status,
        attempts=1 if at else 0,
        last_attempt_at=at,
        idempotency_key=key,
    )


@pytest.fixture
def rows():
    return {
        "dead": _row("dead", status="sending", claimed_minutes_ago=61),
        "busy": _row("busy", status="sending", claimed_minutes_ago=59),
        "sent": _row("sent", status="sent", claimed_minutes_ago=120),
    }


def _statuses() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("idempotency_key", "status"))


def test_the_sweeper_marks_a_message_left_sending_for_an_hour_and_sends_nothing(rows):
    assert services.outbox_sweep() == {"unsure": 1}
    assert _statuses() == {"dead": "unsure", "busy": "sending", "sent": "sent"}
    dead = OutboxMessage.objects.get(idempotency_key="dead")
    assert dead.last_error == (
        "The worker sending this message stopped before it finished; the message may or may "
        "not have reached the mail server."
    )
    assert mail.outbox == []


def test_the_time_is_a_setting(rows, settings):
    settings.OUTBOX_STALE_SENDING_AFTER = 30 * 60
    services.outbox_sweep()
    assert _statuses() == {"dead": "unsure", "busy": "unsure", "sent": "sent"}


def test_the_command_reports_them(rows):
    out = StringIO()
    call_command("send_queued_mail", stdout=out)
    assert out.getvalue().strip() == (
        "0 queued messages tried: 0 sent, 0 failed, 0 to retry; "
        "1 left in sending may have gone out."
    )


def test_the_outbox_filters_them_first_under_may_have_gone_out(rows, organizer):
    services.outbox_sweep()
    changelist = organizer.get(reverse(CHANGELIST)).context["cl"]
    (status_filter,) = [f for f in changelist.filter_specs if f.title == "status"]
    choices = [choice["display"] for choice in status_filter.choices(changelist)]
    assert choices == ["All", "May have gone out", "Queued", "Sending", "Sent", "Failed"]
    listed = organizer.get(reverse(CHANGELIST), {"status__exact": "unsure"}).context["cl"]
    assert [row.idempotency_key for row in listed.result_list] == ["dead"]


def test_an_organizer_sends_one_again(rows, organizer, django_capture_on_commit_callbacks):
    services.outbox_sweep()
    dead = OutboxMessage.objects.get(idempotency_key="dead")
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(
            reverse(CHANGELIST),
            {
                "action": "resend_unsure",
                ACTION_CHECKBOX_NAME: [dead.pk, rows["busy"].pk, rows["sent"].pk],
            },
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == [
        "1 message queued again; its recipient may receive it twice."
    ]
    assert _statuses() == {"dead": "sent", "busy": "sending", "sent": "sent"}
    assert [m.to for m in mail.outbox] == [["dead@mfa.example"]]


def test_an_organizer_marks_one_sent(rows, organizer):
    services.outbox_sweep()
    dead = OutboxMessage.objects.get(idempotency_key="dead")
    response = organizer.post(
        reverse(CHANGELIST),
        {"action": "mark_sent", ACTION_CHECKBOX_NAME: [dead.pk, rows["busy"].pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["1 message marked as sent."]
    dead.refresh_from_db()
    assert (dead.status, dead.sent_at, dead.last_error) == ("sent", dead.last_attempt_at, "")
    assert _statuses()["busy"] == "sending"
    assert mail.outbox == []
