"""Public pages also show data the agenda services do not write: the conference
itself, its partners, delegations, the names of speakers, and recommendations as
the admin's plain change form edits them. A change to any of them bumps the
published version too, so no cached public page outlives it."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from conference.models import Conference, ConferencePartner, Organization, Recommendation
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


def _bump_presenting_conferences(sender, instance, **kwargs) -> None:
    # A recommendation shows on the page of every conference it was presented at.
    for conference_id in instance.presented_at.values_list("pk", flat=True):
        conference_published_version_bump(conference_id=conference_id)


def _bump_on_presented_at_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        conference_published_version_bump(conference_id=instance.pk)
    elif action == "pre_clear":
        _bump_presenting_conferences(sender, instance)
    else:
        for conference_id in pk_set:
            conference_published_version_bump(conference_id=conference_id)


def connect() -> None:
    for model in (ConferencePartner, Delegation, Participant):
        post_save.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-{model}")
        post_delete.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-d-{model}")
    post_save.connect(_bump_conference, sender=Conference, dispatch_uid="bump-conference")
    post_save.connect(_bump_every_conference, sender=Organization, dispatch_uid="bump-org")
    post_save.connect(_bump_presenting_conferences, sender=Recommendation, dispatch_uid="bump-rec")
    # Before the delete, while the presented-at rows still say where it was shown.
    pre_delete.connect(
        _bump_presenting_conferences, sender=Recommendation, dispatch_uid="bump-d-rec"
    )
    m2m_changed.connect(
        _bump_on_presented_at_change,
        sender=Recommendation.presented_at.through,
        dispatch_uid="bump-rec-presented",
    )
