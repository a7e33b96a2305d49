from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from conference.mail.services import outbox_sweep


class Command(BaseCommand):
    help = _(
        "Send the outbox messages still queued: those the task queue never received "
        "(a broker that was down), and mark those left in sending by a dead worker as "
        "'may have gone out'. Run it from cron, or let Celery beat run outbox_sweep."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=120,
            help=_("Seconds a message waits untried before it is swept (default 120)."),
        )

    def handle(self, *args, older_than: int, **options):
        counts = outbox_sweep(older_than=timedelta(seconds=older_than))
        total = sum(count for status, count in counts.items() if status != "unsure")
        self.stdout.write(
            _(
                "%(total)d queued messages tried: %(sent)d sent, %(failed)d failed, "
                "%(queued)d to retry; %(unsure)d left in sending may have gone out."
            )
            % {
                "total": total,
                "sent": counts.get("sent", 0),
                "failed": counts.get("failed", 0),
                "queued": counts.get("queued", 0),
                "unsure": counts.get("unsure", 0),
            }
        )
