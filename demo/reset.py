"""Delete the demo conferences, in an order that respects the PROTECT foreign keys."""

from conference.models import Conference
from documents.enums import DocumentStatus
from documents.models import Amendment, DocumentVersion, OutcomeDocument, Recommendation
from participants.models import Participant
from sessions.models import Session, Statement

from .common import ASHGABAT_SLUG, DUSHANBE_SLUG


def delete_demo() -> int:
    """Delete both demo conferences and everything hanging off them; return how many."""
    conferences = Conference.objects.filter(slug__in=[DUSHANBE_SLUG, ASHGABAT_SLUG])
    documents = OutcomeDocument.objects.filter(conference__in=conferences)
    Recommendation.objects.filter(source_conference__in=conferences).delete()
    Amendment.objects.filter(document__in=documents).delete()
    # Releases the PROTECT on final versions; an adopted document must keep one, hence the status.
    documents.update(final_version=None, status=DocumentStatus.CONCEPT)
    # Latest first, so no version is deleted while a revision still rests on it.
    versions = DocumentVersion.objects.filter(document__in=documents).order_by("-sequence")
    for pk in list(versions.values_list("pk", flat=True)):
        DocumentVersion.objects.filter(pk=pk).delete()
    documents.delete()
    Statement.objects.filter(session__conference__in=conferences).delete()
    Session.objects.filter(conference__in=conferences).delete()
    Participant.objects.filter(conference__in=conferences).delete()
    count = conferences.count()
    # Cascades to delegations, zones, badge categories, rooms and partners.
    conferences.delete()
    return count
