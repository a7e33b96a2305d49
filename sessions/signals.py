"""Public pages also show data the agenda services do not write: the conference
itself, its partners, delegations and the names of speakers. A change to any of
them bumps the published version too, so no cached public page outlives it."""

from django.db.models.signals import post_delete, post_save

from conference.models import Conference, ConferencePartner, Organization
from participants.models import Delegation, Participant

from .services import conference_published_version_bump


def _bump_own_conference(sender, instance, **kwargs) -> None:
    conference_published_version_bump(conference_id=instance.conference_id)


def _bump_conference(sender, instance, **kwargs) -> None:
    conference_published_version_bump(conference_id=instance.pk)


def _bump_every_conference(sender, instance, **kwargs) -> None:
    # An organization is shared by conferences; renaming one is rare.
    for conference_id in Conference.objects.values_list("pk", flat=True):
        conference_published_version_bump(conference_id=conference_id)


def connect() -> None:
    for model in (ConferencePartner, Delegation, Participant):
        post_save.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-{model}")
        post_delete.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-d-{model}")
    post_save.connect(_bump_conference, sender=Conference, dispatch_uid="bump-conference")
    post_save.connect(_bump_every_conference, sender=Organization, dispatch_uid="bump-org")
