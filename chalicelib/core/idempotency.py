"""`Idempotency-Key` on every authenticated POST (DESIGN.md §2): a retry gets the original response, once.

When authentication resolves the caller of a POST that carries the header, `begin` claims the key for the org
and user with a conditional PutItem holding a fingerprint of the request (method, route, path parameters,
query, body). The claim's owner runs; the middleware then stores its 2xx response on the claim (24 h), or
drops the claim when the request failed, so that a corrected retry may run. Meanwhile:

* same key, same request, first one done        → the stored response (same status and body), replayed;
* same key, same request, first one still running → 409 `conflict`, "still being processed" (+ Retry-After);
* same key, different request                     → 409 `conflict`.

A claim whose request died mid-flight (Lambda timeout) can be taken over after `LEASE_SECONDS`. Responses
marked `Cache-Control: no-store` (issued credentials) are never stored: their retries run again. Routes that
keep idempotency inside their own transaction (time-entry creates) opt out (docs/decisions.md 27).
"""

import hashlib
import json
import logging
import re
from contextvars import ContextVar
from typing import Any

from chalice import Chalice, Response
from chalice.app import ChaliceUnhandledError, Request
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.core.db import Item
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.timeutil import epoch_seconds, utcnow

HEADER = "Idempotency-Key"
KEEP_SECONDS = 24 * 3600
LEASE_SECONDS = 60  # longer than any request may run (API Gateway stops at 29 s)
MAX_STORED_BODY_BYTES = 300_000  # DynamoDB items stop at 400 KB
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_NOT_REPLAYED_HEADERS = {"x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}

logger = logging.getLogger(__name__)


class IdempotentRequest(Item, discriminator="IDEMPOTENT_REQUEST"):
    """A claimed `Idempotency-Key`: the request's fingerprint and, once done, the response it got."""

    request_hash = UnicodeAttribute()
    state = UnicodeAttribute()  # in_flight | done
    lease_until = NumberAttribute()
    status_code = NumberAttribute(null=True)
    body = UnicodeAttribute(null=True)
    headers = JSONAttribute(null=True)
    expires_at = NumberAttribute()

    @staticmethod
    def keys(org_id: str, user_id: str, key: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"IDEMPOTENT#{user_id}#{key}"


class Replayed(ChaliceUnhandledError):
    """Raised instead of running a request again; the middleware answers with the stored response."""

    def __init__(self, record: IdempotentRequest) -> None:
        super().__init__("replayed")
        self.record = record

    def response(self) -> Response:
        headers = {**(self.record.headers or {}), "Idempotent-Replayed": "true"}
        return Response(body=self.record.body or "", status_code=int(self.record.status_code), headers=headers)


_claimed: ContextVar[IdempotentRequest | None] = ContextVar("idempotency_claim", default=None)


def _canonical_body(raw: bytes) -> bytes:
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        return raw


def fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, route, path parameters, query and body (JSON canonical)."""
    head = json.dumps(
        [
            request.method,
            request.path,
            sorted((request.uri_params or {}).items()),
            sorted((request.query_params or {}).items()),
        ],
        default=str,
    )
    return hashlib.sha256(head.encode() + b"\n" + _canonical_body(request.raw_body or b"")).hexdigest()


def key_of(request: Request) -> str | None:
    """The request's Idempotency-Key, validated (400 naming the header), or None."""
    key = (request.headers or {}).get(HEADER.lower())
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationFailed.field(HEADER, "must be 1 to 255 visible ASCII characters")
    return key


def begin(request: Request, *, org_id: str, user_id: str) -> None:
    """Claim the POST's Idempotency-Key for this caller, or replay / refuse (see the module docstring)."""
    if request.method != "POST":
        return
    key = key_of(request)
    if key is None:
        return
    request_hash = fingerprint(request)
    for _attempt in range(3):
        now = epoch_seconds(utcnow())
        claim = IdempotentRequest(
            *IdempotentRequest.keys(org_id, user_id, key),
            request_hash=request_hash,
            state="in_flight",
            lease_until=now + LEASE_SECONDS,
            expires_at=now + KEEP_SECONDS,
        )
        abandoned = (
            (IdempotentRequest.state == "in_flight")
            & (IdempotentRequest.lease_until < now)
            & (IdempotentRequest.request_hash == request_hash)
        )
        try:
            claim.save(
                condition=IdempotentRequest.PK.does_not_exist() | (IdempotentRequest.expires_at < now) | abandoned
            )
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        else:
            _claimed.set(claim)
            return
        existing = IdempotentRequest.get_or_none(claim.PK, claim.SK, consistent=True)
        if existing is None or existing.expires_at < now:
            continue  # released or expired meanwhile: claim again
        if existing.request_hash != request_hash:
            raise Conflict(f"This {HEADER} was already used for a different request; use a new key for a new request.")
        if existing.state == "in_flight":
            raise Conflict(
                f"A request with this {HEADER} is still being processed; retry once it has completed.",
                headers={"Retry-After": "1"},
            )
        raise Replayed(existing)
    raise Conflict(f"This {HEADER} is being used by concurrent requests; retry.", headers={"Retry-After": "1"})


def _stored_form(response: Response) -> tuple[str, dict[str, str]] | None:
    headers = {
        name: value for name, value in (response.headers or {}).items() if name.lower() not in _NOT_REPLAYED_HEADERS
    }
    if "no-store" in str(headers.get("Cache-Control", "")).lower():
        return None
    body = response.body
    if isinstance(body, bytes):
        try:
            body = body.decode()
        except UnicodeDecodeError:
            return None
    if not isinstance(body, str):
        body = json.dumps(body, separators=(",", ":"), default=str)
        headers.setdefault("Content-Type", "application/json")
    if len(body.encode()) > MAX_STORED_BODY_BYTES:
        return None
    return body, headers


def _owned(claim: IdempotentRequest):
    return (IdempotentRequest.state == "in_flight") & (IdempotentRequest.request_hash == claim.request_hash)


def _release(claim: IdempotentRequest) -> None:
    try:
        claim.delete(condition=_owned(claim))
    except DeleteError:
        logger.warning("idempotency claim not released", exc_info=True)


def finish(response: Response, claim: IdempotentRequest | None) -> Response:
    """Store a 2xx response on the request's claim, or release the claim; the response goes out as it is."""
    if claim is None:
        return response
    stored = _stored_form(response) if 200 <= response.status_code < 300 else None
    if stored is None:
        _release(claim)
        return response
    body, headers = stored
    try:
        claim.update(
            actions=[
                IdempotentRequest.state.set("done"),
                IdempotentRequest.status_code.set(response.status_code),
                IdempotentRequest.body.set(body),
                IdempotentRequest.headers.set(headers),
            ],
            condition=_owned(claim),
        )
    except UpdateError:
        logger.warning("idempotent response not stored", exc_info=True)
    return response


def abandon() -> None:
    """The request failed: release its claim so a retry may run."""
    claim = _claimed.get()
    if claim is not None:
        _claimed.set(None)
        _release(claim)


def install(app: Chalice) -> None:
    """The middleware that answers replays and stores or releases each claim (inside the error envelope)."""

    @app.middleware("http")
    def idempotent_posts(request: Request, get_response) -> Any:
        outer = _claimed.set(None)
        try:
            response = get_response(request)
        except Replayed as replay:
            return replay.response()
        except BaseException:
            abandon()
            raise
        finally:
            pending = _claimed.get()
            _claimed.reset(outer)
        return finish(response, pending)
