from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.models import validate_same_conference

from .enums import INACTIVE_STATEMENT_STATUSES, SessionKind, StatementMode, StatementStatus


class Room(models.Model):
    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(max_length=120)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    interpretation_languages = models.CharField(
        max_length=100, blank=True, help_text=_("Comma-separated, e.g. English, Russian, Tajik")
    )

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="room_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, conference__is_public=True)

    def with_speakers(self):
        """The one way a session's chair and speakers' list are loaded for display."""
        statements = (
            Statement.objects.exclude(status__in=INACTIVE_STATEMENT_STATUSES)
            .select_related("speaker", "delegation")
            .order_by("order", "inscribed_at", "id")
        )
        return self.select_related("room", "chair__delegation").prefetch_related(
            models.Prefetch("statements", queryset=statements)
        )


class Session(models.Model):
    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    chair = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
        help_text=_("Chair or moderator."),
    )
    is_public = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "starts_at", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        validate_same_conference(self, "room", "chair", conference_id=self.conference_id)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Statement(models.Model):
    """A slot on a session's speakers' list."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="statements")
    speaker = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="statements"
    )
    delegation = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    on_behalf_of = models.CharField(
        max_length=200, blank=True, help_text=_("For group statements, e.g. the EU and its members")
    )
    mode = models.CharField(
        max_length=16, choices=StatementMode.choices, default=StatementMode.IN_PERSON
    )
    inscribed_at = models.DateTimeField(default=timezone.now)
    allotted_minutes = models.PositiveSmallIntegerField(default=5)
    title = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=StatementStatus.choices, default=StatementStatus.SCHEDULED
    )
    is_right_of_reply = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "order", "inscribed_at", "id"]

    def __str__(self) -> str:
        return f"{self.speaker} — {self.session}"

    def clean(self):
        super().clean()
        try:
            conference_id = self.session.conference_id
        except Session.DoesNotExist:  # no session chosen yet: its field says so
            return
        validate_same_conference(self, "speaker", "delegation", conference_id=conference_id)


class StatementMove(models.Model):
    """Audit row of a manual move on a speakers' list; protocol order is the default."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="moves")
    from_position = models.PositiveSmallIntegerField()
    to_position = models.PositiveSmallIntegerField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="statement_move_has_reason",
                violation_error_message=_("A manual move needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.from_position} → {self.to_position}"
