"""Public pages also show data the agenda services do not write: the conference
itself, its partners, delegations, the names of speakers, and recommendations as
the admin's plain change form edits them. A change to any of them bumps the
published version too, so no cached public page outlives it.

Only the bump lives here; the rules about what a change may do stay in the
services and the admin that make it."""

from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from conference.models import Conference, ConferencePartner, Organization, Recommendation
from participants.models import Delegation, Participant

from .services import (
    conference_published_version_bump,
    conference_published_version_forget,
    conferences_published_version_bump,
)


def _bump_own_conference(sender, instance, **kwargs) -> None:
    conference_published_version_bump(conference_id=instance.conference_id)


def _bump_with_the_save(sender, instance, update_fields, **kwargs) -> None:
    """Let the conference's own UPDATE add one to the version in the database.

    A save writes every field, and the instance may hold a version another change
    has bumped since it was read: writing that back and bumping it would reuse a
    version whose cached pages predate this save.
    """
    if not instance._state.adding and (
        update_fields is None or "published_version" in update_fields
    ):
        instance.published_version = F("published_version") + 1


def _after_conference_save(sender, instance, **kwargs) -> None:
    if hasattr(instance.published_version, "resolve_expression"):
        instance.refresh_from_db(fields=["published_version"])
        conference_published_version_forget(slug=instance.slug)
    else:
        conference_published_version_bump(conference_id=instance.pk)


def _bump_showing_conferences(sender, instance, **kwargs) -> None:
    # An organization shows as a partner or a delegation, possibly of several conferences.
    shown_by = Q(
        pk__in=ConferencePartner.objects.filter(organization=instance).values("conference_id")
    ) | Q(pk__in=Delegation.objects.filter(organization=instance).values("conference_id"))
    conferences_published_version_bump(conferences=Conference.objects.filter(shown_by))


def _bump_presenting_conferences(sender, instance, **kwargs) -> None:
    # A recommendation shows on the page of every conference it was presented at.
    conferences_published_version_bump(
        conferences=Conference.objects.filter(presented_recommendations=instance)
    )


def _bump_on_presented_at_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        conference_published_version_bump(conference_id=instance.pk)
    elif action == "pre_clear":
        _bump_presenting_conferences(sender, instance)
    else:
        conferences_published_version_bump(conferences=Conference.objects.filter(pk__in=pk_set))


def connect() -> None:
    for model in (ConferencePartner, Delegation, Participant):
        post_save.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-{model}")
        post_delete.connect(_bump_own_conference, sender=model, dispatch_uid=f"bump-d-{model}")
    pre_save.connect(_bump_with_the_save, sender=Conference, dispatch_uid="bump-conference-pre")
    post_save.connect(_after_conference_save, sender=Conference, dispatch_uid="bump-conference")
    post_save.connect(_bump_showing_conferences, sender=Organization, dispatch_uid="bump-org")
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
