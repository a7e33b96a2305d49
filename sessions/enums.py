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


class ConflictKind(models.TextChoices):
    ROOM = "room", _("Room double-booked")
    PERSON = "person", _("Speaker or chair in overlapping sessions")
    OUTSIDE_DATES = "outside_dates", _("Session outside the conference dates")
    OVERRUN = "overrun", _("Statements exceed the session length")


# Statements that no longer take time on a speakers' list.
INACTIVE_STATEMENT_STATUSES = (StatementStatus.WITHDRAWN,)


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


class SpeakingKind(models.TextChoices):
    """Whose time limit a statement runs on: a State's, an organization's, a right of reply."""

    STATE = "state", _("State")
    ORGANIZATION = "organization", _("Organization")
    REPLY = "reply", _("Right of reply")
