"""Writes to conferences, organizations and partners, as the admin makes them.

Each one retires the cached public pages that show what it changed.
"""

from django.db import transaction
from django.db.models import Q

from .models import Conference, ConferencePartner, Organization
from .site.publishing import public_pages_invalidate

# Written by the services that issue badges and publish pages, never by a conference form:
# a form holds the values it read, and writing them back would reuse numbers.
COUNTERS = ("next_badge_number", "published_version")


@transaction.atomic
def conference_save(*, conference: Conference) -> Conference:
    if conference._state.adding:
        conference.save()
        return conference
    fields = [
        f.name
        for f in Conference._meta.concrete_fields
        if not f.primary_key and f.name not in COUNTERS
    ]
    conference.save(update_fields=fields)
    public_pages_invalidate(conference_ids=[conference.pk])
    conference.refresh_from_db(fields=COUNTERS)
    return conference


@transaction.atomic
def conference_delete(*, conference: Conference) -> None:
    # The list of conferences counts them, so a deletion retires it without a bump.
    conference.delete()


def _showing(organization: Organization) -> list[int]:
    """The conferences whose pages name this organization, as a partner or a delegation."""
    return list(
        Conference.objects.filter(
            Q(partners__organization=organization) | Q(delegations__organization=organization)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    organization.save()
    public_pages_invalidate(conference_ids=_showing(organization))
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization) -> None:
    showing = _showing(organization)
    organization.delete()
    public_pages_invalidate(conference_ids=showing)


@transaction.atomic
def conference_partner_save(*, partner: ConferencePartner) -> ConferencePartner:
    # A partner moved to another conference leaves the first one's home page too.
    previous = ConferencePartner.objects.filter(pk=partner.pk).values_list(
        "conference_id", flat=True
    )
    public_pages_invalidate(conference_ids={partner.conference_id, *previous})
    partner.save()
    return partner


@transaction.atomic
def conference_partner_delete(*, partner: ConferencePartner) -> None:
    partner.delete()
    public_pages_invalidate(conference_ids=[partner.conference_id])
