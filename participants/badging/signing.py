"""The badge QR's signature: Ed25519, so a scanner holding only the public key checks it offline.

The key pair is derived from ``SECRET_KEY`` (HKDF), so every app server signs with the same key
and nothing new is configured; a new secret key makes new badges, as it did with the HMAC
signature before. Ed25519 signatures are deterministic: one badge always prints the same QR.
Badges printed with the older HMAC signature (a 27-character signature) still verify on the
server; an offline scanner cannot check those and says so.
"""

from __future__ import annotations

import base64
import functools
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core import signing

SIGNATURE_LENGTH = 86  # 64 bytes in unpadded base64url


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=4)
def _private_key(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"plenary.badge-signature", info=b"ed25519"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _public_key(secret: str) -> Ed25519PublicKey:
    return _private_key(secret).public_key()


def public_key() -> Ed25519PublicKey:
    """Derived once per secret key: every scan verifies with it."""
    return _public_key(settings.SECRET_KEY)


def public_key_text() -> str:
    """The raw public key, base64url: what a scanner imports into WebCrypto."""
    raw = public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _b64(raw)


def sign(value: str) -> str:
    """``value:signature``; the value must not contain a colon."""
    return f"{value}:{_b64(private_key().sign(value.encode()))}"


def unsign(token: str) -> str:
    """The signed value; raises ``signing.BadSignature`` for a forged or damaged token."""
    value, _sep, signature = token.rpartition(":")
    if len(signature) != SIGNATURE_LENGTH:
        raise signing.BadSignature(token)
    try:
        public_key().verify(_unb64(signature), value.encode())
    except (InvalidSignature, ValueError) as error:
        raise signing.BadSignature(token) from error
    return value


def signed_document(data) -> dict:
    """A JSON document and its signature, for a scanner to check before it trusts it."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return {"body": body, "signature": _b64(private_key().sign(body.encode()))}
