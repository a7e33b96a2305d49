"""The constraints that keep "printed" and "collected" on the badge.

Apart from 0010 so that PostgreSQL builds their indexes after the data moved and committed.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0010_badge_state_on_the_badge"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="issuedbadge",
            constraint=models.UniqueConstraint(
                condition=models.Q(("voided_at__isnull", True)),
                fields=("participant",),
                name="one_badge_in_circulation",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "nominated",
                            "under_review",
                            "vetting",
                            "approved",
                            "rejected",
                            "cancelled",
                            "revoked",
                        ],
                    )
                ),
                name="participant_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", frozenset(["approved"])), _negated=True),
                    ("badge_category__isnull", False),
                    _connector="OR",
                ),
                name="badge_holder_has_category",
                violation_error_message="An approved participant needs a badge category.",
            ),
        ),
    ]
