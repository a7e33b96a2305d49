"""Writes of the api app: tokens, their call log, webhook endpoints and redelivery."""

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .enums import DeliveryStatus
from .models import ApiCall, ApiToken, WebhookDelivery, WebhookEndpoint

KEY_PREFIX = "plen"


def token_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, token: ApiToken, by: AbstractBaseUser | None) -> tuple[ApiToken, str]:
    """Save a new token and return its key, the only time the key is ever seen."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token.prefix = prefix
    token.key_hash = token_key_hash(key)
    token.created_by = by
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_save(*, token: ApiToken) -> ApiToken:
    """Change a token's name, scopes or expiry; its key stays."""
    token.full_clean()
    token.save()
    return token


@transaction.atomic
def api_tokens_revoke(*, tokens: Iterable[ApiToken], by: AbstractBaseUser | None) -> int:
    """The tokens stop working at once; their call log stays."""
    return ApiToken.objects.filter(
        pk__in=[token.pk for token in tokens], revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=by)


def api_call_record(*, token: ApiToken, method: str, path: str, status_code: int, address) -> None:
    ApiCall.objects.create(
        token=token, method=method, path=path[:300], status_code=status_code, address=address
    )
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def webhook_endpoint_create(*, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """Save a new endpoint with a fresh signing secret, returned for the partner."""
    endpoint.secret = secrets.token_hex(32)
    endpoint.full_clean()
    endpoint.save()
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_endpoint_save(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Change an endpoint; switching it back on clears its failure count."""
    if endpoint.is_active:
        endpoint.disabled_at = None
        endpoint.consecutive_failures = 0
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_deliveries_redeliver(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send the deliveries again from the first attempt (the log keeps the earlier ones)."""
    from .webhooks import deliveries_enqueue

    ids = [delivery.pk for delivery in deliveries]
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return len(ids)
