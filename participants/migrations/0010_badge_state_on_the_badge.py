"""The issued badge becomes the only holder of "printed" and "collected".

Participants stored as badge_printed or badge_collected become approved; their badge in
circulation keeps (or, where an older row lacks it, gets) the printed and collected times,
taken from the audit trail's last event into that state. The audit trail itself is history
and stays as it was written. Backwards, the two statuses are derived again from the badge.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Max, OuterRef, Q, Subquery

BADGE_STAGES = ("badge_printed", "badge_collected")


def _last_event_at(AccreditationEvent, state):
    return Subquery(
        AccreditationEvent.objects.filter(participant=OuterRef("participant_id"), to_status=state)
        .values("participant_id")
        .annotate(at=Max("at"))
        .values("at")
    )


def badge_holds_its_state(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    AccreditationEvent = apps.get_model("participants", "AccreditationEvent")
    current = IssuedBadge.objects.filter(voided_at__isnull=True)
    # A participant had one badge in circulation by convention; from now on by constraint.
    # Any older extra one is voided, keeping the number the participant row names.
    doubled = current.values("participant_id").annotate(n=models.Count("pk")).filter(n__gt=1)
    for row in doubled:
        participant = Participant.objects.get(pk=row["participant_id"])
        current.filter(participant=participant).exclude(number=participant.badge_number).update(
            voided_at=participant.updated_at, void_reason="Superseded (one badge in circulation)"
        )
    printed = Q(participant__status__in=BADGE_STAGES)
    current.filter(printed, printed_at__isnull=True).update(
        printed_at=_last_event_at(AccreditationEvent, "badge_printed")
    )
    collected = Q(participant__status="badge_collected")
    current.filter(collected, collected_at__isnull=True).update(
        collected_at=_last_event_at(AccreditationEvent, "badge_collected")
    )
    # Where the trail has no such event either, the participant's last change dates it.
    for stage, field in (("badge_printed", "printed_at"), ("badge_collected", "collected_at")):
        statuses = BADGE_STAGES if stage == "badge_printed" else ("badge_collected",)
        current.filter(participant__status__in=statuses, **{f"{field}__isnull": True}).update(
            **{
                field: Subquery(
                    Participant.objects.filter(pk=OuterRef("participant_id")).values("updated_at")
                )
            }
        )
    Participant.objects.filter(status__in=BADGE_STAGES).update(status="approved")


def status_from_badge(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    current = IssuedBadge.objects.filter(voided_at__isnull=True)
    approved = Participant.objects.filter(status="approved")
    approved.filter(
        pk__in=current.filter(collected_at__isnull=False).values("participant_id")
    ).update(status="badge_collected")
    approved.filter(
        pk__in=current.filter(printed_at__isnull=False).values("participant_id")
    ).update(status="badge_printed")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0004_conference_scanner_photos"),
        ("participants", "0009_badge_category_label_translated"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="participant",
            name="badge_holder_has_category",
        ),
        migrations.AlterField(
            model_name="participant",
            name="status",
            field=models.CharField(
                choices=[
                    ("nominated", "Nominated"),
                    ("under_review", "Under review"),
                    ("vetting", "Security vetting"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("cancelled", "Cancelled"),
                    ("revoked", "Revoked"),
                ],
                default="nominated",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(badge_holds_its_state, status_from_badge),
    ]
