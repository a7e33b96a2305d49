from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    PLENARY = "plenary", _("Plenary")
    MINISTERIAL = "ministerial", _("Ministerial segment")
    THEMATIC = "thematic", _("Thematic session")
    SIDE_EVENT = "side_event", _("Side event")
    BILATERAL = "bilateral", _("Bilateral meeting")
    PRESS = "press", _("Press conference")
    BREAK = "break", _("Break")
    CLOSING = "closing", _("Closing")


class StatementMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video statement")
    PRE_RECORDED = "pre_recorded", _("Pre-recorded")
    WRITTEN = "written", _("Written statement only")


class StatementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFUSED = "refused", _("Refused")


class ConflictKind(models.TextChoices):
    ROOM = "room", _("Room double-booked")
    PERSON = "person", _("Speaker or chair in overlapping sessions")
    OUTSIDE_DATES = "outside_dates", _("Session outside the conference dates")
    OVERRUN = "overrun", _("Statements exceed the session length")


# Statements that no longer take time on a speakers' list.
INACTIVE_STATEMENT_STATUSES = (StatementStatus.WITHDRAWN, StatementStatus.REFUSED)
# Not on the public list: gone from it, or a delegation's request not confirmed yet.
UNLISTED_STATEMENT_STATUSES = (*INACTIVE_STATEMENT_STATUSES, StatementStatus.REQUESTED)
# A delegation's inscription still on a list: it may hold one of these per session.
PENDING_STATEMENT_STATUSES = (StatementStatus.REQUESTED, StatementStatus.SCHEDULED)


class SeatingLayout(models.TextChoices):
    ROWS = "rows", _("Rows facing the podium")
    HORSESHOE = "horseshoe", _("Horseshoe open to the podium")


class FloorAction(models.TextChoices):
    START = "start", _("Start")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    END = "end", _("End")
    REPLY = "reply", _("Right of reply requested")
    POINT_OF_ORDER = "order", _("Point of order raised")
    ORDER_CLOSED = "order_done", _("Point of order closed")


class InscriptionAction(models.TextChoices):
    """What happened to a delegation's request for the floor (sessions/inscription.py)."""

    REQUEST = "request", _("Requested by the delegation")
    WITHDRAW = "withdraw", _("Withdrawn by the delegation")
    CONFIRM = "confirm", _("Confirmed by the secretariat")
    REFUSE = "refuse", _("Refused by the secretariat")


class SpeakingGroup(models.TextChoices):
    """The groups speaking time is counted for: States and organizations."""

    STATES = "states", _("States")
    ORGANIZATIONS = "organizations", _("Organizations")
    OTHERS = "others", _("Speakers without a delegation")


class SpeakingKind(models.TextChoices):
    """Whose time limit a statement runs on: a State's, an organization's, a right of reply."""

    STATE = "state", _("State")
    ORGANIZATION = "organization", _("Organization")
    REPLY = "reply", _("Right of reply")
