from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DelegationCategory(models.TextChoices):
    PARTICIPATING_STATE = "participating_state", _("OSCE participating State")
    PARTNER_STATE = "partner_state", _("Partner for Co-operation")
    OTHER_STATE = "other_state", _("Other State")
    UN_ENTITY = "un_entity", _("UN entity")
    ORGANIZATION = "organization", _("International / regional organization")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MEDIA = "media", _("Media")
    HOST = "host", _("Host")


STATE_CATEGORIES = frozenset(
    {
        DelegationCategory.PARTICIPATING_STATE,
        DelegationCategory.PARTNER_STATE,
        DelegationCategory.OTHER_STATE,
        DelegationCategory.HOST,
    }
)


class RepresentationLevel(models.IntegerChoices):
    """Ordered by protocol precedence: a lower value speaks and sits first."""

    HEAD_OF_STATE = 1, _("Head of State")
    HEAD_OF_GOVERNMENT = 2, _("Head of Government")
    MINISTER = 3, _("Minister")
    DEPUTY_MINISTER = 4, _("Deputy Minister")
    AMBASSADOR = 5, _("Ambassador")
    SENIOR_OFFICIAL = 6, _("Senior Official")
    EXPERT = 7, _("Expert")


class CredentialsStatus(models.TextChoices):
    NONE = "none", _("None")
    COPY = "copy", _("Copy received")
    ORIGINAL = "original", _("Original received")
    ACCEPTED = "accepted", _("Accepted")


class DelegationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    NOMINATED = "nominated", _("Nominated")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DelegationRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    DEPUTY = "deputy", _("Deputy / alternate")
    REPRESENTATIVE = "representative", _("Representative")
    ADVISER = "adviser", _("Adviser")
    EXPERT = "expert", _("Expert")
    SECURITY = "security", _("Security")
    PROTOCOL = "protocol", _("Protocol")
    INTERPRETER = "interpreter", _("Interpreter")
    SUPPORT = "support", _("Support staff")


class AccreditationStatus(models.TextChoices):
    """The decision on a participant, stored on the participant row.

    Whether the badge of an approved participant is printed or collected is not a decision:
    the issued badge holds it (``IssuedBadge.printed_at`` / ``collected_at``), and
    ``AccreditationState`` shows both together.
    """

    NOMINATED = "nominated", _("Nominated")
    UNDER_REVIEW = "under_review", _("Under review")
    VETTING = "vetting", _("Security vetting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")


class AccreditationState(models.TextChoices):
    """What a reader is shown: the decision, and for an approved participant how far the
    badge has come. The audit trail (``AccreditationEvent``) records these states."""

    NOMINATED = "nominated", _("Nominated")
    UNDER_REVIEW = "under_review", _("Under review")
    VETTING = "vetting", _("Security vetting")
    APPROVED = "approved", _("Approved")
    BADGE_PRINTED = "badge_printed", _("Badge printed")
    BADGE_COLLECTED = "badge_collected", _("Badge collected")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")


# The badge's own stages, all of them stored as an approved participant.
BADGE_STAGES = frozenset({AccreditationState.BADGE_PRINTED, AccreditationState.BADGE_COLLECTED})


def status_of_state(state: str) -> str:
    """The participant's stored status for a displayed state."""
    return AccreditationStatus.APPROVED if state in BADGE_STAGES else state


# Statuses in which a participant holds (or is about to hold) a valid badge.
BADGE_HOLDING_STATUSES = frozenset({AccreditationStatus.APPROVED})
# The states shown for those, from approval to the badge handed over.
BADGE_HOLDING_STATES = frozenset({AccreditationState.APPROVED, *BADGE_STAGES})
# Statuses still waiting for the decision.
PENDING_STATUSES = frozenset(
    {AccreditationStatus.NOMINATED, AccreditationStatus.UNDER_REVIEW, AccreditationStatus.VETTING}
)
# States that no longer count against a delegation's size or quota.
INACTIVE_STATUSES = (
    AccreditationStatus.REJECTED,
    AccreditationStatus.CANCELLED,
    AccreditationStatus.REVOKED,
)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / prefer not to say")


class PreferredLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")


class IdentityAccessKind(models.TextChoices):
    VIEW = "view", _("Viewed in admin")
    EXPORT = "export", _("Exported")
    FILE = "file", _("Opened a file")


class BadgeKind(models.TextChoices):
    """What a badge category is for; approval picks the conference's category of this kind."""

    HEAD = "head", _("Head of delegation")
    DELEGATE = "delegate", _("Delegate")
    ORGANIZATION = "organization", _("Organization")
    GUEST = "guest", _("Guest")
    MEDIA = "media", _("Media")
    SECURITY = "security", _("Security")
    STAFF = "staff", _("Staff")
    HOST = "host", _("Host")
    TECHNICAL = "technical", _("Technical")


class ScanAction(models.TextChoices):
    LOOKUP = "lookup", _("Checked at the accreditation desk")
    HANDOVER = "handover", _("Badge handed over")
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class ScanResult(models.TextChoices):
    """Green results first; every other one is a red screen with this reason."""

    VALID = "valid", _("Valid")
    HANDED_OVER = "handed_over", _("Badge handed over")
    UNKNOWN = "unknown", _("Unknown code")
    FORGED = "forged", _("Forged or damaged code")
    OTHER_CONFERENCE = "other_conference", _("Badge of another conference")
    VOIDED = "voided", _("Badge voided")
    REVOKED = "revoked", _("Accreditation withdrawn")
    SECURITY_HOLD = "security_hold", _("Security hold")
    NOT_PRINTED = "not_printed", _("Badge not printed yet")
    NOT_COLLECTED = "not_collected", _("Badge not collected yet")
    ALREADY_COLLECTED = "already_collected", _("Badge already handed over")
    WRONG_ZONE = "wrong_zone", _("No access to this zone")
    CLOSED = "closed", _("Zone closed to this badge now")
    ALREADY_INSIDE = "already_inside", _("Already inside: entry only after exit")
    ALREADY_ENTERED = "already_entered", _("Already entered: one entry only")


GREEN_RESULTS = frozenset({ScanResult.VALID, ScanResult.HANDED_OVER})
# A person the door knows but refuses, or a code made to look like a badge: the guard sends
# them to the supervisor rather than away.
SUPERVISOR_RESULTS = frozenset(
    {ScanResult.FORGED, ScanResult.VOIDED, ScanResult.REVOKED, ScanResult.SECURITY_HOLD}
)
# No badge of this conference answers to the code.
NO_MATCH_RESULTS = frozenset({ScanResult.UNKNOWN, ScanResult.OTHER_CONFERENCE})
# A re-entry rule refused: the badge is good and may enter later.
RULE_RESULTS = frozenset({ScanResult.CLOSED, ScanResult.ALREADY_INSIDE, ScanResult.ALREADY_ENTERED})


class ScanVerdict(models.TextChoices):
    """What the screen tells the guard, from the result's group."""

    ENTER = "enter", _("Let in")
    REFUSE = "refuse", _("Refuse")
    SUPERVISOR = "supervisor", _("Send to the supervisor")
    NO_MATCH = "no_match", _("Nobody matches")

    @classmethod
    def of(cls, result: str) -> ScanVerdict:
        if result in GREEN_RESULTS:
            return cls.ENTER
        if result in SUPERVISOR_RESULTS:
            return cls.SUPERVISOR
        if result in NO_MATCH_RESULTS:
            return cls.NO_MATCH
        return cls.REFUSE


class CircularAudience(models.TextChoices):
    FOCAL_POINTS = "focal_points", _("Focal points of the delegations")
    PARTICIPANTS = "participants", _("Participants")


class ImportJobStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking the file")
    PREVIEWED = "previewed", _("Ready to import")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped with errors")


# A confirmed import in these states is still going: a worker runs it batch by batch.
IMPORT_JOB_PENDING_STATUSES = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
# Confirmed: the import's progress or its result is shown.
IMPORT_JOB_CONFIRMED_STATUSES = (
    *IMPORT_JOB_PENDING_STATUSES,
    ImportJobStatus.DONE,
    ImportJobStatus.FAILED,
)
# A job in these states is still working: its page reloads itself.
IMPORT_JOB_WORKING_STATUSES = (ImportJobStatus.VALIDATING, *IMPORT_JOB_PENDING_STATUSES)
# The preview's outcome: the file checked, waiting for a confirmation or refused.
IMPORT_JOB_PREVIEW_STATUSES = (ImportJobStatus.PREVIEWED, ImportJobStatus.REFUSED)
# A preview nobody confirmed is emptied after a while (import_jobs_expire).
IMPORT_JOB_UNCONFIRMED_STATUSES = (ImportJobStatus.VALIDATING, *IMPORT_JOB_PREVIEW_STATUSES)
