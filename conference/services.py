"""Writes to conferences, organizations and partners, as the admin makes them.

Each one retires the cached public pages that show what it changed.
"""

from functools import partial

import django_otp
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Conference, ConferencePartner, Organization
from .site.caching import forget_public_conference
from .site.publishing import public_pages_invalidate

# Written by the services that issue badges and publish pages, never by a conference form:
# a form holds the values it read, and writing them back would reuse numbers.
COUNTERS = ("next_badge_number", "published_version")


@transaction.atomic
def conference_save(*, conference: Conference) -> Conference:
    if conference._state.adding:
        conference.save()
        # The list of conferences counts them: its ready copies go (conference.site.ready).
        transaction.on_commit(partial(forget_public_conference, conference.slug))
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
    # The list of conferences counts them, so a deletion retires it without a bump; the
    # state kept in the cache and every ready copy of its pages go at the commit.
    transaction.on_commit(partial(forget_public_conference, conference.slug))
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


# Two-factor devices. A new authenticator stays unconfirmed until its first code proves the
# person scanned it; confirming it also issues the recovery codes, shown once.
RECOVERY_CODES = 10


@transaction.atomic
def otp_totp_device_start(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for ``user``; an earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def otp_totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code; the new recovery codes, or None if wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return otp_recovery_codes_issue(user=device.user)


@transaction.atomic
def otp_recovery_codes_issue(*, user, codes: list[str] | None = None) -> list[str]:
    """Replace the user's recovery codes (each works once) with new ones, or with ``codes``."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def otp_devices_reset(*, user) -> int:
    """Delete every second-factor device of ``user``; the number deleted."""
    deleted = 0
    for device in django_otp.devices_for_user(user, confirmed=None):
        device.delete()
        deleted += 1
    return deleted
