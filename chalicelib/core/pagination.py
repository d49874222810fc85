"""Opaque, tamper-evident cursors: a signed position, bound to the list (and org) it came from."""

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.core.errors import ValidationFailed

_SIGNATURE_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(scope: str, body: bytes) -> bytes:
    key = get_settings().signing_secret.encode()
    return hmac.new(key, scope.encode() + b"\x00" + body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(position: dict[str, Any], *, scope: str) -> str:
    """A cursor for `position` (e.g. a DynamoDB LastEvaluatedKey) that only `scope` will accept."""
    body = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(body)}.{_b64(_sign(scope, body))}"


def decode_cursor(cursor: str, *, scope: str) -> dict[str, Any]:
    """The position inside a cursor; a forged, altered or foreign cursor is a 400."""
    invalid = ValidationFailed.field("cursor", "is not a valid cursor for this list")
    try:
        body_text, signature_text = cursor.split(".", 1)
        body, signature = _unb64(body_text), _unb64(signature_text)
    except ValueError as error:
        raise invalid from error
    if not hmac.compare_digest(signature, _sign(scope, body)):
        raise invalid
    try:
        position = json.loads(body)
    except ValueError as error:
        raise invalid from error
    if not isinstance(position, dict):
        raise invalid
    return position
