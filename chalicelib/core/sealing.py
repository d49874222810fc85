"""Webhook secrets at rest: AES-256-GCM under a key derived from `signing_secret` (docs/decisions.md 46, 85).

Each caller names its `purpose` (Git webhooks, event subscriptions), and each purpose gets its own derived key.

A webhook secret cannot be stored as a hash: HMAC verification of inbound deliveries and signing of outbound
ones both need the secret itself. Each sealed value is `v1.<base64url(nonce ‖ ciphertext ‖ tag)>`, bound to the
webhook's id as associated data, so a sealed secret copied onto another webhook does not open.
"""

import base64
import os
from functools import lru_cache

from chalicelib.core.config import get_settings

_VERSION = "v1"
_NONCE_BYTES = 12


@lru_cache(maxsize=8)
def _cipher(signing_secret: str, purpose: str):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"stint/{purpose}/v1".encode()).derive(
        signing_secret.encode()
    )
    return AESGCM(key)


def seal(secret: str, *, bound_to: str, purpose: str) -> str:
    """The secret encrypted for storage, readable only together with `bound_to` (the webhook id)."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(get_settings().signing_secret, purpose).encrypt(nonce, secret.encode(), bound_to.encode())
    return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(value: str, *, bound_to: str, purpose: str) -> str:
    """The secret `seal` stored; raises ValueError if it was altered, moved or sealed under another key."""
    from cryptography.exceptions import InvalidTag

    version, _, payload = value.partition(".")
    if version != _VERSION:
        raise ValueError("unknown sealed-secret version")
    raw = base64.urlsafe_b64decode(payload.encode())
    try:
        plain = _cipher(get_settings().signing_secret, purpose).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode()
        )
    except InvalidTag as error:
        raise ValueError("sealed secret does not open") from error
    return plain.decode()
