from django.db import models
from django.utils.translation import gettext_lazy as _


class ConferenceStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    IN_SESSION = "in_session", _("In session")
    CONCLUDED = "concluded", _("Concluded")
    ARCHIVED = "archived", _("Archived")


class BadgeFormat(models.TextChoices):
    """The printed badge: a plastic card (ISO/IEC 7810 ID-1, "CR80") or an A6 sheet."""

    CR80 = "cr80", _("Card 54 × 86 mm (CR80)")
    A6 = "a6", _("A6 sheet 105 × 148 mm")


class PrecedenceAlphabet(models.TextChoices):
    ENGLISH = "en", _("English alphabetical order")
    FRENCH = "fr", _("French alphabetical order")
    # For a conference whose working language is Russian: "Австрия" before "Беларусь".
    RUSSIAN = "ru", _("Russian alphabetical order")


class OrganizationKind(models.TextChoices):
    UN_ENTITY = "un_entity", _("UN entity")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
    REGIONAL = "regional", _("Regional organization")
    GOVERNMENT_BODY = "government_body", _("Government body")
    CIVIL_SOCIETY = "civil_society", _("NGO / civil society")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    MEDIA = "media", _("Media")
    ACADEMIC = "academic", _("Academic")


class PartnerRole(models.TextChoices):
    HOST = "host", _("Host")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    PARTNER = "partner", _("Partner")
    SUPPORTER = "supporter", _("Supporter")


class DomainEvent(models.TextChoices):
    """What the domain services announce through ``conference.events`` (partners' webhooks)."""

    PARTICIPANT_APPROVED = "participant.approved", _("Participant approved")
    PARTICIPANT_REJECTED = "participant.rejected", _("Participant rejected")
    PARTICIPANT_REVOKED = "participant.revoked", _("Participant revoked")
    BADGE_PRINTED = "badge.printed", _("Badge printed")
    BADGE_VOIDED = "badge.voided", _("Badge voided")
    PARTICIPANT_CHECKED_IN = "participant.checked_in", _("Participant checked in")
    SESSION_CHANGED = "session.changed", _("Session changed")
    DOCUMENT_ADOPTED = "document.adopted", _("Document adopted")


class AccreditationTransition(models.TextChoices):
    """The accreditation transitions by name, as the participants' transition table defines
    them; a conference picks which of them are mailed to the focal point."""

    REVIEW = "review", _("Taken under review")
    SEND_TO_VETTING = "send_to_vetting", _("Sent to security vetting")
    APPROVE = "approve", _("Approved")
    PRINT_BADGE = "print_badge", _("Badge printed")
    REPRINT_BADGE = "reprint_badge", _("Badge voided and reissued")
    COLLECT = "collect", _("Badge collected")
    REJECT = "reject", _("Rejected")
    CANCEL = "cancel", _("Cancelled")
    REVOKE = "revoke", _("Revoked")
    RETURN_TO_REVIEW = "return_to_review", _("Returned to review")


def decision_transitions() -> list[str]:
    """Mailed unless a conference chooses otherwise: the decisions and what undoes one (a
    return to review voids the badge), not the steps before them."""
    T = AccreditationTransition
    decisions = (T.APPROVE, T.REPRINT_BADGE, T.REJECT, T.CANCEL, T.REVOKE, T.RETURN_TO_REVIEW)
    return [t.value for t in decisions]
