"""The participant list's cached counts (conference/admin_counts.py) and what resets them.

Every save or delete of a participant, an identity document (the photo and passport filters)
or a delegation (the delegation filters) resets them through the model signals; the bulk
writes (transitions, the import, the shredder) call ``participant_counts_changed`` themselves.
"""

from django.db.models.signals import post_delete, post_save

from conference.admin_counts import CachedCountPaginator, admin_counts_changed

SCOPE = "participants"


def participant_counts_changed() -> None:
    admin_counts_changed(SCOPE)


class ParticipantCountPaginator(CachedCountPaginator):
    count_scope = SCOPE


def _changed(sender, **kwargs) -> None:
    participant_counts_changed()


def connect() -> None:
    from participants.models import Delegation, IdentityDocument, Participant

    for model in (Participant, IdentityDocument, Delegation):
        post_save.connect(_changed, sender=model, dispatch_uid=f"counts-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"counts-delete-{model.__name__}")
