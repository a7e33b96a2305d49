"""Writing, sending and retrying mail.

``outbox_write`` runs inside the caller's business transaction: the messages commit with the
status change they report, or not at all. After the commit each one is handed to the queue;
when the broker is unreachable the rows stay queued and ``outbox_sweep`` sends them later.
Sending claims the row first (queued -> sending, one conditional UPDATE), so a task delivered
twice, or a sweep beside a worker, sends a message once.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks, urlize
from modeltranslation.utils import build_localized_fieldname

from conference.models import Conference

from . import kinds, placeholders
from .enums import OutboxStatus
from .models import MailTemplate, OutboxMessage

log = logging.getLogger(__name__)
# A message is tried once and retried this many times, with exponential backoff, then failed.
MAX_RETRIES = 5
MAX_ATTEMPTS = MAX_RETRIES + 1


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """One message to write: who, in which language, and the placeholder values.

    ``values`` holds every placeholder's value, written by the caller in ``language``.
    """

    recipient: str
    language: str
    idempotency_key: str
    values: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def mail_templates_seed() -> int:
    """Create the template of every registered kind that has none yet; returns how many."""
    existing = set(MailTemplate.objects.values_list("key", flat=True))
    created = [
        MailTemplate(key=kind.key, **_default_columns(kind))
        for kind in kinds.all_kinds()
        if kind.key not in existing
    ]
    MailTemplate.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def _default_columns(kind: kinds.MailKind) -> dict[str, str]:
    columns = {}
    for field, texts in (("subject", kind.subject), ("body", kind.body)):
        for language, text in texts.items():
            columns[build_localized_fieldname(field, language)] = text
    return columns


@transaction.atomic
def mail_template_save(*, template: MailTemplate) -> MailTemplate:
    """Save an organizer's edit; an unknown placeholder is refused, naming it."""
    template.full_clean()
    template.save()
    return template


def mail_template_reset(*, template: MailTemplate) -> MailTemplate:
    """Put the default texts back."""
    for column, text in _default_columns(template.kind).items():
        setattr(template, column, text)
    return mail_template_save(template=template)


def mail_template(key: str) -> MailTemplate:
    template = MailTemplate.objects.filter(key=key).first()
    if template is None:
        mail_templates_seed()
        template = MailTemplate.objects.get(key=key)
    return template


def text_to_html(text: str) -> str:
    """The HTML alternative: the text escaped, its paragraphs and links kept."""
    return linebreaks(urlize(escape(text), autoescape=False))


def mail_render(*, template: MailTemplate, language: str, values: Mapping[str, str]) -> Rendered:
    """``template`` in ``language`` (English where that language's text is empty)."""
    with translation.override(language):
        subject, body = template.subject, template.body
    subject = " ".join(placeholders.substitute(subject, values).split())
    text = placeholders.substitute(body, values).strip() + "\n"
    return Rendered(subject=subject, text=text, html=text_to_html(text))


def outbox_write(
    *, key: str, messages: Iterable[Outgoing], conference: Conference | None = None
) -> list[int]:
    """Render and keep ``messages`` in the caller's transaction; queue them after the commit.

    A message whose idempotency key is already in the outbox is not written again. Returns
    the ids of the rows queued.
    """
    template = mail_template(key)
    rows = []
    for message in messages:
        rendered = mail_render(template=template, language=message.language, values=message.values)
        rows.append(
            OutboxMessage(
                conference=conference,
                kind=key,
                recipient=message.recipient,
                language=message.language,
                subject=rendered.subject[:300],
                body_text=rendered.text,
                body_html=rendered.html,
                idempotency_key=message.idempotency_key,
            )
        )
    if not rows:
        return []
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            OutboxMessage.objects.filter(
                idempotency_key__in=[row.idempotency_key for row in rows],
                status=OutboxStatus.QUEUED,
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: outbox_enqueue(message_ids=ids), robust=True)
    return ids


def outbox_enqueue(*, message_ids: list[int]) -> int:
    """Hand each message to the queue; returns how many were handed over.

    One connection for them all, tried once: a broker that is down must not hold the request
    (kombu would retry for seconds per message). It refuses the first message, the rest are
    not tried, and every row stays queued for the sweeper.
    """
    from .tasks import outbox_send

    app = outbox_send.app
    if app.conf.task_always_eager:
        for message_id in message_ids:
            outbox_send.apply_async((message_id,))
        return len(message_ids)
    with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
        for count, message_id in enumerate(message_ids):
            try:
                outbox_send.apply_async((message_id,), connection=connection, retry=False)
            except Exception as error:  # kombu's OperationalError, a refused connection…
                log.warning(
                    "Mail queue unreachable (%s): %d messages stay queued for send_queued_mail.",
                    error,
                    len(message_ids) - count,
                )
                return count
    return len(message_ids)


def outbox_deliver(*, message_id: int, final: bool) -> str:
    """Send one queued message; the row's status afterwards, or "" when it was not queued.

    Not atomic on purpose: the claim commits before the SMTP conversation, so a second worker
    (or a worker that died mid-send and is redelivered) finds the row taken and sends nothing.
    A failure puts the row back in the queue with the error, or fails it when ``final``.
    """
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return ""
    message = OutboxMessage.objects.get(pk=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        # The same Message-ID on every attempt: a receiving server can tell a repeat.
        headers={"Message-ID": f"<outbox-{message.pk}@{_domain()}>"},
    )
    email.attach_alternative(message.body_html, "text/html")
    try:
        email.send()
    except Exception as error:  # SMTP refusals, timeouts, a server that is down
        status = (
            OutboxStatus.FAILED
            if final or message.attempts >= MAX_ATTEMPTS
            else OutboxStatus.QUEUED
        )
        OutboxMessage.objects.filter(pk=message_id).update(
            status=status, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        log.warning("Mail %s to %s: %s (%s).", message_id, message.recipient, error, status)
        return status
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutboxStatus.SENT


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"


def outbox_sweep(
    *, older_than: timedelta = timedelta(minutes=2), stale_after: timedelta | None = None
) -> dict[str, int]:
    """Send every queued message nobody tried for ``older_than``: what the queue never got.

    A message claimed ("sending") longer ago than ``stale_after`` (OUTBOX_STALE_SENDING_AFTER)
    was left by a worker that died: it may or may not have reached the SMTP server, so it is
    not retried blindly but marked "may have gone out" for an organizer's decision.
    Returns the count of each resulting status.
    """
    counts: dict[str, int] = {}
    unsure = outbox_mark_stale(stale_after=stale_after)
    if unsure:
        counts[OutboxStatus.UNSURE] = unsure
    cutoff = timezone.now() - older_than
    waiting = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).filter(
        Q(last_attempt_at__isnull=True, created_at__lte=cutoff) | Q(last_attempt_at__lte=cutoff)
    )
    for message_id, attempts in waiting.order_by("pk").values_list("pk", "attempts"):
        status = outbox_deliver(message_id=message_id, final=attempts + 1 >= MAX_ATTEMPTS)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def outbox_retry(*, messages: Iterable[OutboxMessage]) -> int:
    """Queue failed messages again, with a fresh count of attempts; returns how many."""
    ids = [message.pk for message in messages]
    retried = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=ids, status=OutboxStatus.FAILED)
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=retried).update(status=OutboxStatus.QUEUED, attempts=0)
    transaction.on_commit(lambda: outbox_enqueue(message_ids=retried), robust=True)
    return len(retried)


def stale_sending_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_STALE_SENDING_AFTER)


def outbox_mark_stale(*, stale_after: timedelta | None = None) -> int:
    """Mark "may have gone out" every message left in "sending" for ``stale_after``."""
    cutoff = timezone.now() - (stale_after or stale_sending_after())
    count = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, last_attempt_at__lte=cutoff
    ).update(
        status=OutboxStatus.UNSURE,
        last_error=(
            "The worker sending this message stopped before it finished; the message may "
            "or may not have reached the mail server."
        ),
    )
    if count:
        log.warning("Mail: %d messages left in sending are marked for a decision.", count)
    return count


@transaction.atomic
def outbox_resend(*, messages: Iterable[OutboxMessage]) -> int:
    """Queue "may have gone out" messages again (the recipient may get them twice)."""
    ids = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=[message.pk for message in messages], status=OutboxStatus.UNSURE)
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.QUEUED, attempts=0, last_error=""
    )
    transaction.on_commit(lambda: outbox_enqueue(message_ids=ids), robust=True)
    return len(ids)


@transaction.atomic
def outbox_mark_sent(*, messages: Iterable[OutboxMessage]) -> int:
    """Record "may have gone out" messages as sent (the recipient confirmed, say)."""
    ids = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=[message.pk for message in messages], status=OutboxStatus.UNSURE)
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.SENT, sent_at=F("last_attempt_at"), last_error=""
    )
    return len(ids)
