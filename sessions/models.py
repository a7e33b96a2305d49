from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.audit import AuditRecord
from conference.models import validate_same_conference
from participants.enums import INACTIVE_STATUSES, RepresentationLevel

from .enums import (
    INACTIVE_STATEMENT_STATUSES,
    UNLISTED_STATEMENT_STATUSES,
    FloorAction,
    InscriptionAction,
    SeatingLayout,
    SessionKind,
    SpeakingKind,
    StatementMode,
    StatementStatus,
)


def _named(participant):
    """The participant if the public may see their name (``Participant.is_publicly_named``)."""
    if participant is not None and participant.is_publicly_named:
        return participant
    return None


class Room(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="rooms",
        verbose_name=_("conference"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    capacity = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("capacity"))
    interpretation_languages = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Comma-separated, e.g. English, Russian, Tajik"),
        verbose_name=_("interpretation languages"),
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="room_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# The relation a delegation's public name reads through (``Delegation.local_name``: an
# organization's acronym), from a participant or a statement. Every public read of the agenda
# selects it, or each organization's delegation costs a query per line.
DELEGATION_NAME = "delegation__organization"


class SessionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, conference__is_public=True)

    def with_speakers(self):
        """The one way a session's chair and speakers' list are loaded for display."""
        statements = (
            Statement.objects.exclude(status__in=UNLISTED_STATEMENT_STATUSES)
            .select_related(f"speaker__{DELEGATION_NAME}", DELEGATION_NAME)
            .order_by("order", "inscribed_at", "id")
        )
        return self.select_related("room", f"chair__{DELEGATION_NAME}").prefetch_related(
            models.Prefetch("statements", queryset=statements)
        )


class Session(models.Model):
    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("conference"),
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    kind = models.CharField(max_length=16, choices=SessionKind.choices, verbose_name=_("kind"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("room"),
    )
    chair = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
        help_text=_("Chair or moderator."),
        verbose_name=_("chair"),
    )
    is_public = models.BooleanField(default=True, verbose_name=_("is public"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    inscription_closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Conference time. Until then delegations ask for the floor in their portal; "
            "empty: no online inscription for this session."
        ),
        verbose_name=_("online inscription closes at"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    # The floor's countdown per kind of statement; empty: each statement's allotted minutes.
    speaking_minutes_state = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Speaking time of a State's statement. Empty: each statement's own."),
        verbose_name=_("speaking time of a State (minutes)"),
    )
    speaking_minutes_organization = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Speaking time of an organization's statement. Empty: each statement's own."),
        verbose_name=_("speaking time of an organization (minutes)"),
    )
    speaking_minutes_reply = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Speaking time of a right of reply. Empty: each statement's own."),
        verbose_name=_("speaking time of a right of reply (minutes)"),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["conference", "starts_at", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(inscription_closes_at__isnull=True)
                | Q(inscription_closes_at__lte=F("ends_at")),
                name="session_inscription_closes_before_end",
                violation_error_message=_("Online inscription must close before the session ends."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(speaking_minutes_state__isnull=True) | Q(speaking_minutes_state__gte=1)
                )
                & (
                    Q(speaking_minutes_organization__isnull=True)
                    | Q(speaking_minutes_organization__gte=1)
                )
                & (Q(speaking_minutes_reply__isnull=True) | Q(speaking_minutes_reply__gte=1)),
                name="session_speaking_minutes_positive",
                violation_error_message=_("A speaking time is at least one minute."),
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

    @property
    def public_chair(self):
        """The chair as the public pages name them: only once accredited."""
        return _named(self.chair)


class Statement(models.Model):
    """A slot on a session's speakers' list.

    A delegation may be inscribed before it names who will speak: the statement then
    has a delegation and no speaker until the speaker is filled in.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="statements", verbose_name=_("session")
    )
    speaker = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text=_("Leave empty while the delegation has not named its speaker."),
        verbose_name=_("speaker"),
    )
    delegation = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("delegation"),
    )
    on_behalf_of = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("For group statements, e.g. the EU and its members"),
        verbose_name=_("on behalf of"),
    )
    mode = models.CharField(
        max_length=16,
        choices=StatementMode.choices,
        default=StatementMode.IN_PERSON,
        verbose_name=_("mode"),
    )
    inscribed_at = models.DateTimeField(default=timezone.now, verbose_name=_("inscribed at"))
    allotted_minutes = models.PositiveSmallIntegerField(
        default=5, verbose_name=_("allotted minutes")
    )
    title = models.CharField(max_length=300, blank=True, verbose_name=_("title"))
    # The level the delegation speaks at; empty: its level of representation.
    level = models.PositiveSmallIntegerField(
        choices=RepresentationLevel.choices,
        null=True,
        blank=True,
        help_text=_("The speaker's level; empty: the delegation's level of representation."),
        verbose_name=_("level of the speaker"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    status = models.CharField(
        max_length=12,
        choices=StatementStatus.choices,
        default=StatementStatus.SCHEDULED,
        verbose_name=_("status"),
    )
    is_right_of_reply = models.BooleanField(default=False, verbose_name=_("is right of reply"))
    # The floor: server timestamps, so every screen computes the time left itself.
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    paused_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paused at"))
    paused_seconds = models.PositiveIntegerField(default=0, verbose_name=_("paused seconds"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["session", "order", "inscribed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | Q(delegation__isnull=False),
                name="statement_has_speaker_or_delegation",
                violation_error_message=_(
                    "Name the speaker, or at least the delegation that will speak."
                ),
            ),
            # One speaker holds the floor of a session at a time.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(started_at__isnull=False, ended_at__isnull=True),
                name="statement_one_on_the_floor",
                violation_error_message=_("Someone already has the floor in this session."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False),
                name="statement_ends_after_start",
                violation_error_message=_("A statement ends only once it has started."),
            ),
            # A delegation has one request for the floor pending per list; rights of reply
            # come on top. The secretariat may still schedule a delegation twice (in its
            # national capacity and for a group); the request service refuses a request
            # while the delegation is scheduled.
            models.UniqueConstraint(
                fields=["session", "delegation"],
                condition=Q(status=StatementStatus.REQUESTED, is_right_of_reply=False),
                name="statement_one_per_delegation",
                violation_error_message=_(
                    "This delegation already has a request pending on this speakers' list."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker or self.delegation} — {self.session}"

    @property
    def speaking_kind(self) -> str:
        """Whose limit this statement runs on (the delegation is selected with it)."""
        if self.is_right_of_reply:
            return SpeakingKind.REPLY
        delegation = self.delegation or (self.speaker and self.speaker.delegation)
        if delegation is not None and delegation.is_state:
            return SpeakingKind.STATE
        return SpeakingKind.ORGANIZATION

    @property
    def allotted_seconds(self) -> int:
        """The countdown: the session's limit for this kind, else the statement's own minutes."""
        limit = getattr(self.session, f"speaking_minutes_{self.speaking_kind}")
        return (limit or self.allotted_minutes) * 60

    def clean(self):
        super().clean()
        try:
            conference_id = self.session.conference_id
        except Session.DoesNotExist:  # no session chosen yet: its field says so
            return
        validate_same_conference(self, "speaker", "delegation", conference_id=conference_id)
        # Withdrawn statements stay editable after their speaker's accreditation ends.
        if self.speaker_id is None or self.status in INACTIVE_STATEMENT_STATUSES:
            return
        if self.speaker.status in INACTIVE_STATUSES:
            raise ValidationError(
                {
                    "speaker": _("%(name)s cannot speak: their accreditation is %(status)s.")
                    % {
                        "name": self.speaker.full_name,
                        "status": self.speaker.get_status_display().lower(),
                    }
                }
            )

    @property
    def public_speaker(self):
        """The speaker as the public pages name them: only once accredited."""
        return _named(self.speaker)

    @property
    def delivered_seconds(self) -> int | None:
        """How long the statement held the floor, pauses excluded; None until it ended."""
        if self.started_at is None or self.ended_at is None:
            return None
        held = int((self.ended_at - self.started_at).total_seconds())
        return max(0, held - self.paused_seconds)


class StatementMove(AuditRecord):
    """Audit row of a manual move on a speakers' list; protocol order is the default."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="moves", verbose_name=_("statement")
    )
    from_position = models.PositiveSmallIntegerField(verbose_name=_("from position"))
    to_position = models.PositiveSmallIntegerField(verbose_name=_("to position"))
    reason = models.TextField(verbose_name=_("reason"))

    class Meta:
        verbose_name = _("move on a speakers' list")
        verbose_name_plural = _("moves on speakers' lists")
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


class FloorEvent(AuditRecord):
    """Audit row of one action of the secretary's console on a statement."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="floor_events",
        verbose_name=_("statement"),
    )
    action = models.CharField(max_length=12, choices=FloorAction.choices, verbose_name=_("action"))

    class Meta:
        verbose_name = _("floor event")
        verbose_name_plural = _("floor events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.statement}: {self.get_action_display()}"


class InscriptionEvent(AuditRecord):
    """Audit row of a delegation's request for the floor: asked, withdrawn, confirmed, refused.

    ``by`` is the secretariat's user; a request from the portal has none and says in
    ``actor_label`` who asked (the focal point or the delegate they named).
    """

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="inscription_events",
        verbose_name=_("statement"),
    )
    action = models.CharField(
        max_length=12, choices=InscriptionAction.choices, verbose_name=_("action")
    )
    actor_label = models.CharField(max_length=200, blank=True, verbose_name=_("actor"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("inscription event")
        verbose_name_plural = _("inscription events")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=InscriptionAction.REFUSE) | ~Q(reason=""),
                name="inscription_refusal_has_reason",
                violation_error_message=_("A refusal needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.get_action_display()}"


class PointOfOrder(models.Model):
    """A point of order interrupting the speaker who holds the floor.

    The speaker is paused while it is heard (unless they already were) and resumed when it
    is closed. At most one is open in a session at a time; each step is also a FloorEvent.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="points_of_order", verbose_name=_("session")
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="points_of_order",
        help_text=_("The statement it interrupted."),
        verbose_name=_("statement"),
    )
    delegation = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_of_order",
        help_text=_("The delegation that raised it, if known."),
        verbose_name=_("delegation"),
    )
    raised_at = models.DateTimeField(default=timezone.now, verbose_name=_("raised at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    paused_speaker = models.BooleanField(
        default=True,
        help_text=_("Whether raising it paused the speaker, who is then resumed when it closes."),
        verbose_name=_("paused the speaker"),
    )

    class Meta:
        verbose_name = _("point of order")
        verbose_name_plural = _("points of order")
        ordering = ["session", "raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(closed_at__isnull=True),
                name="point_of_order_one_open",
                violation_error_message=_("A point of order is already being heard."),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("raised_at")),
                name="point_of_order_closes_after_raised",
                violation_error_message=_("A point of order closes after it is raised."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegation or '—'}: {self.statement}"

    def clean(self):
        super().clean()
        conference_id = self.session.conference_id if self.session_id else None
        validate_same_conference(self, "delegation", conference_id=conference_id)


class SeatingPlan(models.Model):
    """Where the delegations sit in a room: the layout is stored, the order is not.

    Who sits where is computed when the plan is read (``selectors.seating_plan_places``):
    the host and the chair first, then protocol precedence, then the recorded swaps. A
    delegation that withdraws therefore leaves the plan by itself.
    """

    conference = models.ForeignKey(
        "conference.Conference",
        on_delete=models.CASCADE,
        related_name="seating_plans",
        verbose_name=_("conference"),
    )
    # A room with a plan cannot be deleted on its own; with its whole conference it can.
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, related_name="seating_plans", verbose_name=_("room")
    )
    layout = models.CharField(
        max_length=12,
        choices=SeatingLayout.choices,
        default=SeatingLayout.ROWS,
        verbose_name=_("layout"),
    )
    places = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text=_("Delegation places in the room: one place is one delegation's seats."),
        verbose_name=_("places"),
    )
    places_per_row = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Rows only: delegation places side by side in one row."),
        verbose_name=_("places per row"),
    )
    seats_per_delegation = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Chairs at each place: the head at the table, advisers behind."),
        verbose_name=_("seats per delegation"),
    )

    class Meta:
        verbose_name = _("seating plan")
        verbose_name_plural = _("seating plans")
        ordering = ["conference", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "room"],
                name="seating_plan_room_unique",
                violation_error_message=_("This room already has a seating plan."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1, places_per_row__gte=1, seats_per_delegation__gte=1),
                name="seating_plan_counts_positive",
                violation_error_message=_("Places and seats are counted from one."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.room)

    def clean(self):
        super().clean()
        validate_same_conference(self, "room", conference_id=self.conference_id)
        room = self.room if self.room_id else None
        if room is not None and room.capacity and self.seats > room.capacity:
            raise ValidationError(
                _(
                    "%(places)d places of %(seats)d seats need %(total)d seats; "
                    "%(room)s holds %(capacity)d."
                )
                % {
                    "places": self.places,
                    "seats": self.seats_per_delegation,
                    "total": self.seats,
                    "room": room,
                    "capacity": room.capacity,
                }
            )

    @property
    def seats(self) -> int:
        return (self.places or 0) * (self.seats_per_delegation or 0)


class SeatSwap(AuditRecord):
    """Audit row of two delegations swapping places by hand; precedence is the default.

    The swaps are replayed in the order they were made whenever the plan is read.
    """

    plan = models.ForeignKey(
        SeatingPlan, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("plan")
    )
    first = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("first delegation"),
    )
    second = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("second delegation"),
    )
    reason = models.TextField(verbose_name=_("reason"))

    class Meta:
        verbose_name = _("seat swap")
        verbose_name_plural = _("seat swaps")
        ordering = ["plan", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="seat_swap_has_reason",
                violation_error_message=_("A swap needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(first=F("second")),
                name="seat_swap_two_delegations",
                violation_error_message=_("Choose two different delegations."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second}"

    def clean(self):
        super().clean()
        conference_id = self.plan.conference_id if self.plan_id else None
        validate_same_conference(self, "first", "second", conference_id=conference_id)
