from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    DECLARATION = "declaration", _("Declaration")
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    CHAIRS_SUMMARY = "chairs_summary", _("Chair's summary")
    RECOMMENDATIONS = "recommendations", _("Recommendations")


class DocumentStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    ZERO_DRAFT = "zero_draft", _("Zero draft")
    UNDER_NEGOTIATION = "under_negotiation", _("Under negotiation")
    SILENCE_PROCEDURE = "silence_procedure", _("Silence procedure")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class AdoptionMethod(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    SILENCE_PROCEDURE = "silence_procedure", _("Silence procedure")
    VOTE = "vote", _("Vote")


class ParagraphKind(models.TextChoices):
    PREAMBULAR = "preambular", _("Preambular")
    OPERATIVE = "operative", _("Operative")


class AmendmentAction(models.TextChoices):
    ADD = "add", _("Add")
    DELETE = "delete", _("Delete")
    REPLACE = "replace", _("Replace")


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


class PositionKind(models.TextChoices):
    INTERPRETATIVE = "interpretative", _("Interpretative statement")
    RESERVATION = "reservation", _("Reservation")
    EXPLANATION = "explanation", _("Explanation of position")


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONSOLIDATED = "consolidated", _("Consolidated")
    PRESENTED = "presented", _("Presented")
    ENDORSED = "endorsed", _("Endorsed")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    IMPLEMENTED = "implemented", _("Implemented")
    DROPPED = "dropped", _("Dropped")


class ParagraphStatus(models.TextChoices):
    """Where a paragraph stands in the negotiation, as a facilitator reports it."""

    NOT_DISCUSSED = "not_discussed", _("Not yet discussed")
    BRACKETED = "bracketed", _("Bracketed")
    AD_REFERENDUM = "ad_referendum", _("Agreed ad referendum")
    AGREED = "agreed", _("Agreed")

    @classmethod
    def counts_as_agreed(cls) -> frozenset[str]:
        return frozenset({cls.AGREED})


class SilenceOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    ADOPTED = "adopted", _("Adopted by silence")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")
