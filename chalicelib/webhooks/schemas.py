from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, UtcDatetime
from chalicelib.webhooks import catalogue


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an https URL")
    if parts.fragment:
        raise ValueError("must not contain a fragment")
    return value


def _event_types(values: list[str]) -> list[str]:
    unknown = [value for value in values if not catalogue.known(value)]
    if unknown:
        raise ValueError(f"unknown event type {', '.join(unknown)}: see GET /api/v1/webhook-event-types")
    return list(dict.fromkeys(values))


TargetUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(_url)
]
EventName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
EventTypes = Annotated[
    list[EventName], Field(min_length=1, max_length=len(catalogue.EVENT_TYPES)), AfterValidator(_event_types)
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class WebhookCreate(RequestBody):
    url: TargetUrl
    events: EventTypes
    description: Description | None = None


class WebhookUpdate(RequestBody):
    """A partial update; `enabled: true` re-enables a disabled webhook and forgets its failures."""

    url: TargetUrl | None = None
    events: EventTypes | None = None
    description: Description | None = None
    enabled: bool | None = None


class WebhookOut(ResponseModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    disabled_at: UtcDatetime | None
    consecutive_failures: int
    last_attempt_at: UtcDatetime | None
    last_success_at: UtcDatetime | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, webhook) -> "WebhookOut":
        return cls(
            id=webhook.id,
            url=webhook.url,
            events=list(webhook.events),
            description=webhook.description,
            enabled=bool(webhook.enabled),
            disabled_reason=webhook.disabled_reason,
            disabled_at=webhook.disabled_at,
            consecutive_failures=int(webhook.consecutive_failures or 0),
            last_attempt_at=webhook.last_attempt_at,
            last_success_at=webhook.last_success_at,
            created_by=webhook.created_by,
            created_at=webhook.created_at,
            updated_at=webhook.updated_at,
        )


class WebhookWithSecret(WebhookOut):
    """The answer to creating a webhook or rotating its secret: the only time the secret is shown."""

    secret: str


class PingOut(ResponseModel):
    """A queued ping: its event id shows up in the webhook's deliveries once attempted."""

    id: str
    type: str
    status: str


class AttemptOut(ResponseModel):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    attempt: int
    succeeded: bool
    status_code: int | None
    latency_ms: int
    error: str | None
    next_attempt_at: UtcDatetime | None
    attempted_at: UtcDatetime

    @classmethod
    def of(cls, attempt) -> "AttemptOut":
        return cls(
            id=attempt.id,
            webhook_id=attempt.webhook_id,
            event_id=attempt.event_id,
            event_type=attempt.event_type,
            attempt=int(attempt.attempt),
            succeeded=bool(attempt.succeeded),
            status_code=int(attempt.status_code) if attempt.status_code is not None else None,
            latency_ms=int(attempt.latency_ms),
            error=attempt.error,
            next_attempt_at=attempt.next_attempt_at,
            attempted_at=attempt.attempted_at,
        )


class AttemptFilters(CursorPageParams):
    pass


class EventTypeOut(ResponseModel):
    type: str
    description: str
