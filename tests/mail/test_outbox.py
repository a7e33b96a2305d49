"""The outbox: digests per delegation, languages, idempotent sending, retries, templates."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conference.mail import services as mail_services
from conference.mail.models import MailTemplate, OutboxMessage
from conference.mail.tasks import outbox_send
from participants.accreditation import notifications, services
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent
from tests.factories import DelegationFactory, ParticipantFactory
from tests.mail import backends

pytestmark = pytest.mark.django_db

INTERNAL = "Flagged by the security service"
TOLD = "Please send a recent photograph."


def bulk(client, action, participants, **extra):
    return client.post(
        reverse("admin:participants_participant_changelist"),
        {
            "action": f"transition_{action}",
            ACTION_CHECKBOX_NAME: [p.pk for p in participants],
            "confirm": "yes",
            "reason": "",
            "message": "",
        }
        | extra,
    )


def everything_mailed() -> str:
    rows = OutboxMessage.objects.values_list("subject", "body_text", "body_html")
    sent = [(m.subject, m.body, *(body for body, _type in m.alternatives)) for m in mail.outbox]
    return "\n".join(part for row in [*rows, *sent] for part in row)


def test_approving_three_members_in_one_action_sends_one_digest_in_the_delegations_language(
    organizer, django_capture_on_commit_callbacks
):
    delegation = DelegationFactory(
        country="KG", correspondence_language="ru", focal_point_name="Айгуль Асанова"
    )
    members = ParticipantFactory.create_batch(3, delegation=delegation, status=S.VETTING)
    rejected = ParticipantFactory(delegation=delegation, status=S.VETTING)
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(organizer, "approve", members)
    assert response.status_code == 302

    [message] = mail.outbox
    assert message.to == [delegation.focal_point_email]
    assert message.subject.endswith("аккредитация (Кыргызстан) — Одобрена: 3")
    assert message.body.startswith("Здравствуйте, Айгуль Асанова!\n")
    assert all(f"{member.full_name}: Одобрена" in message.body for member in members)
    assert [alternative.mimetype for alternative in message.alternatives] == ["text/html"]
    [row] = OutboxMessage.objects.all()
    assert (row.status, row.language, row.attempts, row.kind) == (
        "sent",
        "ru",
        1,
        "accreditation_digest",
    )

    with django_capture_on_commit_callbacks(execute=True):
        bulk(organizer, "reject", [rejected], reason=INTERNAL, message=TOLD)
    assert len(mail.outbox) == 2
    assert TOLD in mail.outbox[1].body
    # The internal reason is in the file and in no e-mail, text, HTML or subject.
    assert (
        AccreditationEvent.objects.get(participant=rejected, to_status=S.REJECTED).reason
        == INTERNAL
    )
    assert INTERNAL not in everything_mailed()


def test_one_action_over_two_delegations_writes_one_digest_to_each(
    django_capture_on_commit_callbacks,
):
    english, russian = DelegationFactory(), DelegationFactory(correspondence_language="ru")
    people = [
        *ParticipantFactory.create_batch(2, delegation=english, status=S.NOMINATED),
        *ParticipantFactory.create_batch(3, delegation=russian, status=S.NOMINATED),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done, refused = services.participants_transition(
            name="reject", participants=people, by=None, reason="No note verbale"
        )
    assert (len(done), refused) == (5, [])
    assert sorted((m.to[0], m.body.count("\n- ")) for m in mail.outbox) == sorted(
        [(english.focal_point_email, 2), (russian.focal_point_email, 3)]
    )


def test_a_refused_member_is_left_out_of_the_digest(django_capture_on_commit_callbacks):
    delegation = DelegationFactory()
    ready = ParticipantFactory(delegation=delegation, status=S.NOMINATED)
    approved = ParticipantFactory(delegation=delegation, status=S.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        done, refused = services.participants_transition(
            name="reject", participants=[ready, approved], by=None, reason="No note verbale"
        )
    assert [p.pk for p in done] == [ready.pk] and len(refused) == 1
    [message] = mail.outbox
    assert ready.full_name in message.body and approved.full_name not in message.body


def test_a_participant_writes_in_their_own_language_else_the_delegations(
    django_capture_on_commit_callbacks,
):
    delegation = DelegationFactory(correspondence_language="ru")
    inherits = ParticipantFactory(delegation=delegation)
    own = ParticipantFactory(delegation=delegation, correspondence_language="en")
    assert (inherits.mail_language, own.mail_language) == ("ru", "en")


def test_running_the_send_task_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message_id] = _write_one()
    assert len(callbacks) == 1  # the enqueue, after the commit
    assert outbox_send.apply(args=[message_id]).get() == "sent"
    # A redelivered task (a worker that died before acknowledging) finds the row taken.
    assert outbox_send.apply(args=[message_id]).get() == ""
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_writing_the_same_message_twice_keeps_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _write_one()
        _write_one()
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def _write_one() -> list[int]:
    delegation = DelegationFactory.build(pk=1)  # only for its name in the values
    return mail_services.outbox_write(
        key="circular",
        messages=[
            mail_services.Outgoing(
                recipient="focal@mfa.example",
                language="en",
                idempotency_key="test:one",
                values={
                    "recipient_name": "Focal",
                    "delegation": delegation.represented_name,
                    "conference": "Conference",
                    "subject": "Hello",
                    "message": "Text <b>bold</b> https://example.org/x",
                },
            )
        ],
    )


def test_the_html_alternative_is_escaped_and_keeps_links(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _write_one()
    html = mail.outbox[0].alternatives[0].content
    assert "Text &lt;b&gt;bold&lt;/b&gt;" in html
    assert '<a href="https://example.org/x"' in html


def test_an_smtp_failure_is_retried_then_kept_as_failed(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _write_one()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.sent_at) == ("failed", mail_services.MAX_ATTEMPTS, None)
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    # The organizer queues it again once the server is back: it goes, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_services.outbox_retry(messages=[row]) == 1
        assert mail_services.outbox_retry(messages=[row]) == 0  # no longer failed
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert len(mail.outbox) == 1


def test_a_passing_failure_is_retried_until_sent(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mail.backends.FlakyBackend"
    backends.FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        _write_one()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(mail.outbox) == 1


def test_the_retry_action_of_the_outbox(organizer, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mail.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _write_one()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    changelist = reverse("admin:mail_outboxmessage_changelist")
    assert organizer.get(changelist, {"status__exact": "failed"}).context["cl"].result_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(
            changelist,
            {"action": "retry_failed", ACTION_CHECKBOX_NAME: [OutboxMessage.objects.get().pk]},
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.get().status == "sent"


# Templates ---------------------------------------------------------------------------------


def test_every_kind_has_its_default_template_in_both_languages():
    templates = {t.key: t for t in MailTemplate.objects.all()}
    assert set(templates) == {
        "accreditation_digest",
        "circular",
        "nomination_link",
        "silence_break_receipt",
        "silence_circulation",
        "silence_outcome",
        "webhook_endpoint_disabled",
    }
    assert all(
        t.subject_en and t.subject_ru and t.body_en and t.body_ru for t in templates.values()
    )
    assert templates["nomination_link"].body_ru.startswith("Здравствуйте, {recipient_name}!")


def test_an_unknown_placeholder_is_refused_naming_it():
    template = MailTemplate.objects.get(key="nomination_link")
    template.body_ru = "Ссылка: {url}. Цвет бейджа: {badge_colour}, {{ evil }}"
    with pytest.raises(ValidationError) as refused:
        mail_services.mail_template_save(template=template)
    [message] = refused.value.message_dict["body_ru"]
    assert message.startswith("Unknown placeholder: {badge_colour}. Allowed: {recipient_name},")
    template.refresh_from_db()
    assert "{badge_colour}" not in template.body_ru


def test_the_admin_refuses_an_unknown_placeholder_and_saves_a_known_one(
    organizer, django_capture_on_commit_callbacks
):
    template = MailTemplate.objects.get(key="nomination_link")
    url = reverse("admin:mail_mailtemplate_change", args=[template.pk])
    page = organizer.get(url).content.decode()
    assert "<code>{url}</code>" in page
    form = {
        "subject_en": "{conference_short}: your link",
        "subject_ru": "{conference_short}: ваша ссылка",
        "body_en": "Dear {recipient_name}, {url} until {expiry}",
        "body_ru": "",
    }
    response = organizer.post(url, form)
    assert response.status_code == 200
    assert "Unknown placeholder: {expiry}." in response.content.decode()
    response = organizer.post(url, form | {"body_en": "Dear {recipient_name}, {url}"})
    assert response.status_code == 302

    # The edited text is what goes out; an empty Russian body reads as the English one.
    delegation = DelegationFactory(correspondence_language="ru", focal_point_name="")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.nomination_link_write(
            delegation=delegation, url="https://x.example/n/", send_id="1"
        )
    [message] = mail.outbox
    assert message.subject == f"{delegation.conference.short_title}: ваша ссылка"
    assert message.body == "Dear уважаемые коллеги, https://x.example/n/\n"


def _outbox_rows(count: int) -> None:
    conference = DelegationFactory().conference
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            conference=conference,
            kind="circular",
            recipient=f"r{OutboxMessage.objects.count() + n}@example.org",
            language="en",
            subject="S",
            body_text="T",
            body_html="<p>T</p>",
            idempotency_key=f"list:{OutboxMessage.objects.count() + n}",
        )
        for n in range(count)
    )


def test_the_outbox_list_makes_the_same_queries_for_one_row_or_many(organizer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changelist = reverse("admin:mail_outboxmessage_changelist")
    counts = []
    for rows in (1, 6):
        _outbox_rows(rows)
        with CaptureQueriesContext(connection) as queries:
            assert organizer.get(changelist).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_outbox_lists_each_message_in_its_conferences_time(organizer):
    from tests.factories import ConferenceFactory

    conference = ConferenceFactory(time_zone="Asia/Dushanbe")
    message = OutboxMessage.objects.create(
        conference=conference,
        kind="circular",
        recipient="focal@mfa.example",
        language="en",
        subject="Circular",
        body_text="Text",
        body_html="<p>Text</p>",
        idempotency_key="zone:1",
    )
    page = organizer.get(reverse("admin:mail_outboxmessage_changelist")).content.decode()
    assert conference.local_text(message.created_at) in page
    assert conference.local_text(message.created_at).endswith("+05")
