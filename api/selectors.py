"""Reads of the api app: the token behind a key."""

from .models import ApiToken
from .services import token_key_hash


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is, revoked and expired ones included (the caller refuses)."""
    if not key or len(key) > 200:
        return None
    return (
        ApiToken.objects.select_related(
            "conference", "nomination_delegation", "checkin_zone", "checkin_device"
        )
        .filter(key_hash=token_key_hash(key))
        .first()
    )
