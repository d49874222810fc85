"""Password hashing (argon2id), opaque token digests, and access JWTs with a pinned algorithm."""

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.core.errors import Unauthorized
from chalicelib.core.ids import new_id
from chalicelib.core.timeutil import epoch_seconds, utcnow

JWT_ALGORITHM = "HS256"
ACCESS = "access"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "typ", "org", "sid"]


@lru_cache(maxsize=1)
def _hasher():
    from argon2 import PasswordHasher  # imported on first use: keeps it off the cold-start path

    settings = get_settings()
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1)


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash, spends the same time and says no."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    """An unguessable token, optionally prefixed (`stint_pat_…`)."""
    return prefix + secrets.token_urlsafe(nbytes)


def digest(token: str) -> str:
    """How opaque tokens are stored: their SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_access_token(*, user_id: str, org_id: str, session_id: str) -> tuple[str, int]:
    """A short-lived access JWT bound to one organization; returns it with its lifetime in seconds."""
    import jwt

    settings = get_settings()
    now = utcnow()
    claims = {
        "sub": user_id,
        "org": org_id,
        "sid": session_id,
        "typ": ACCESS,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": epoch_seconds(now),
        "exp": epoch_seconds(now + timedelta(seconds=settings.access_token_ttl_seconds)),
        "jti": new_id("jti"),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=JWT_ALGORITHM), settings.access_token_ttl_seconds


def read_access_token(token: str) -> dict[str, Any]:
    """The claims of a valid access JWT; anything else (other algorithm, type, audience, expired) is a 401."""
    import jwt

    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[JWT_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as error:
        raise Unauthorized("The access token is invalid or expired.") from error
    if claims.get("typ") != ACCESS:
        raise Unauthorized("The access token is invalid or expired.")
    return claims


def issue_signed_token(*, typ: str, claims: dict[str, Any], ttl_seconds: int) -> tuple[str, int]:
    """A short-lived token of type `typ` (e.g. a file view ticket), signed with the signing secret."""
    import jwt

    settings = get_settings()
    now = utcnow()
    body = {
        **claims,
        "typ": typ,
        "iss": settings.jwt_issuer,
        "aud": f"{settings.jwt_audience}:{typ}",
        "iat": epoch_seconds(now),
        "exp": epoch_seconds(now + timedelta(seconds=ttl_seconds)),
    }
    return jwt.encode(body, settings.signing_secret, algorithm=JWT_ALGORITHM), epoch_seconds(now) + ttl_seconds


def read_signed_token(token: str, *, typ: str, required: list[str]) -> dict[str, Any]:
    """The claims of a valid, unexpired token of type `typ`; anything else is a 401."""
    import jwt

    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            settings.signing_secret,
            algorithms=[JWT_ALGORITHM],
            audience=f"{settings.jwt_audience}:{typ}",
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "iss", "aud", "typ", *required]},
        )
    except jwt.PyJWTError as error:
        raise Unauthorized("The ticket is invalid or expired.") from error
    if claims.get("typ") != typ:
        raise Unauthorized("The ticket is invalid or expired.")
    return claims


_COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "12345678",
        "123456789",
        "1234567890",
        "qwertyuiop",
        "qwerty123",
        "11111111",
        "00000000",
        "iloveyou",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "welcome1",
        "welcome123",
        "letmein1",
        "trustno1",
        "abc12345",
        "abcd1234",
        "1q2w3e4r",
        "1qaz2wsx",
        "zaq12wsx",
        "qwerty12",
        "admin123",
        "administrator",
        "changeme",
        "secret123",
        "superman",
        "dragon12",
        "monkey123",
        "starwars",
        "michael1",
        "computer",
        "internet",
        "whatever",
        "asdfghjk",
        "asdf1234",
        "88888888",
    ]
)


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable as a new password, or None."""
    if len(password) < 8:
        return "must be at least 8 characters"
    if password.lower() in _COMMON_PASSWORDS:
        return "is too common; choose a less guessable password"
    return None
