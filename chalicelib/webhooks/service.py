"""Outgoing webhooks: org admins subscribe URLs to event types; each event is POSTed, signed, with retries.

Where events come from (docs/decisions.md 85): the audit service adds one outbox event per catalogued type to
the transaction of every audited change (`catalogue.types_for`), so every surface and job raises them and no
request reads anything more. `_fan_out` (an events subscriber) queues one delivery job per matching enabled
subscription; `_deliver` POSTs it through `core.outbound` (SSRF-checked), records the attempt, and retries
with exponential backoff; consecutive failures disable the subscription and notify the org's admins (86).
"""

import hashlib
import hmac
import json
import secrets as random_secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import UpdateError

from chalicelib.audit import service as audit
from chalicelib.core import events, jobs, outbound, sealing
from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.logs import logger
from chalicelib.core.schemas import CursorPageParams
from chalicelib.core.timeutil import epoch_seconds, to_rfc3339, utcnow
from chalicelib.orgs import service as orgs
from chalicelib.webhooks import catalogue
from chalicelib.webhooks.models import ATTEMPTS_KEPT, WebhookAttempt, WebhookCount, WebhookSubscription
from chalicelib.webhooks.schemas import WebhookCreate, WebhookUpdate

DELIVER_JOB = "webhook_deliver"
DISABLED_TYPE = "webhook_disabled"  # the notification the org's admins get (notifications domain)
MAX_WEBHOOKS_PER_ORG = 20
MAX_ATTEMPTS = 8  # per event: the first try and 7 retries
BASE_DELAY_SECONDS = 30  # before the first retry; doubled before each next one
MAX_DELAY_SECONDS = 4 * 3600
SQS_MAX_DELAY = 900  # a longer wait is served by re-queueing until `not_before`
DISABLE_AFTER = 15  # consecutive failed attempts, across events
REPLAY_WINDOW_SECONDS = 300  # receivers should refuse a signature timestamp further than this from their clock
SECRET_PURPOSE = "event-webhook-secrets"
SIGNATURE_HEADER = "Stint-Signature"
NOT_FOUND = "Webhook not found."
TOO_MANY = f"An organization has at most {MAX_WEBHOOKS_PER_ORG} webhooks; delete one first."


# --- subscriptions -------------------------------------------------------------------------------------------


def event_types(*, principal: Principal) -> list[tuple[str, str]]:
    """The catalogue of subscribable event types, with what each means."""
    return list(catalogue.EVENT_TYPES.items())


def _allow_private() -> bool:
    return bool(get_settings().webhooks_allow_private_targets)


def _check_url(url: str) -> None:
    """https only (plain http too where private targets are allowed: tests and the local stack), never a private
    or loopback literal; names are resolved and checked again at every delivery (core.outbound)."""
    if not _allow_private() and urlsplit(url).scheme != "https":
        raise ValidationFailed.field("url", "must be an https URL")
    reason = outbound.literal_host_refused(url, allow_private=_allow_private())
    if reason:
        raise ValidationFailed.field("url", reason)


def _new_secret() -> str:
    return f"whsec_{random_secrets.token_urlsafe(32)}"


def _find(org_id: str, webhook_id: str, *, consistent: bool = False) -> WebhookSubscription | None:
    if not is_id(webhook_id, "whs"):
        return None
    return WebhookSubscription.get_or_none(*WebhookSubscription.keys(org_id, webhook_id), consistent=consistent)


def get(*, principal: Principal, webhook_id: str) -> WebhookSubscription:
    """One of the org's webhooks (admins and owners); another org's id is 404."""
    principal.require_admin()
    webhook = _find(principal.org_id, webhook_id)
    if webhook is None:
        raise NotFound(NOT_FOUND)
    return webhook


def create(*, principal: Principal, body: WebhookCreate) -> tuple[WebhookSubscription, str]:
    """Subscribe a URL to event types (admins and owners); returns it with its signing secret, shown this once."""
    principal.require_admin()
    _check_url(body.url)
    secret, now, webhook_id = _new_secret(), utcnow(), new_id("whs")
    webhook = WebhookSubscription(
        *WebhookSubscription.keys(principal.org_id, webhook_id),
        id=webhook_id,
        org_id=principal.org_id,
        url=body.url,
        events=list(body.events),
        description=body.description or None,
        enabled=True,
        sealed_secret=sealing.seal(secret, bound_to=webhook_id, purpose=SECRET_PURPOSE),
        consecutive_failures=0,
        attempt_seq=0,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.update(
            WebhookCount(*WebhookCount.keys(principal.org_id)),
            actions=[WebhookCount.count.add(1), WebhookCount.entity.set(WebhookCount)],
            condition=WebhookCount.count.does_not_exist() | (WebhookCount.count < MAX_WEBHOOKS_PER_ORG),
        )
        tx.save(webhook, condition=WebhookSubscription.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="webhook",
            entity_id=webhook_id,
            changes=audit.diff({}, {"url": body.url, "events": webhook.events}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict(TOO_MANY) from error
    return webhook, secret


def list_webhooks(*, principal: Principal, filters: CursorPageParams) -> Page:
    """The org's webhooks, oldest first (admins and owners; no secrets)."""
    principal.require_admin()
    return query_page(
        WebhookSubscription,
        WebhookSubscription.keys(principal.org_id, "")[0],
        range_key_condition=key_prefix(WebhookSubscription.SK, WebhookSubscription.SK_PREFIX),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:webhooks",
    )


def update(*, principal: Principal, webhook_id: str, changes: WebhookUpdate) -> WebhookSubscription:
    """Change a webhook's URL, events, description, or enable/disable it; enabling forgets its failures."""
    webhook = get(principal=principal, webhook_id=webhook_id)
    wanted = changes.model_dump(exclude_unset=True)
    for name in ("url", "events", "enabled"):
        if name in wanted and wanted[name] is None:
            raise ValidationFailed.field(name, "must not be null")
    if wanted.get("url"):
        _check_url(wanted["url"])
    if "description" in wanted:
        wanted["description"] = wanted["description"] or None
    current = {
        "url": webhook.url,
        "events": list(webhook.events),
        "description": webhook.description,
        "enabled": bool(webhook.enabled),
    }
    changed = audit.diff({name: current[name] for name in wanted}, wanted)
    if not changed:
        return webhook
    now = utcnow()
    actions = [WebhookSubscription.updated_at.set(now)]
    for name in changed:
        attribute = getattr(WebhookSubscription, name)
        actions.append(attribute.set(wanted[name]) if wanted[name] is not None else attribute.remove())
    if changed.get("enabled", {}).get("to") is True:
        actions += [
            WebhookSubscription.consecutive_failures.set(0),
            WebhookSubscription.disabled_reason.remove(),
            WebhookSubscription.disabled_at.remove(),
        ]
    elif changed.get("enabled", {}).get("to") is False:
        actions += [
            WebhookSubscription.disabled_reason.set("Disabled by an admin."),
            WebhookSubscription.disabled_at.set(now),
        ]

    def write(tx) -> None:
        tx.update(webhook, actions=actions, condition=WebhookSubscription.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="webhook",
            entity_id=webhook.id,
            changes=changed,
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound(NOT_FOUND) from error
    return get(principal=principal, webhook_id=webhook_id)


def delete(*, principal: Principal, webhook_id: str) -> None:
    """Remove a webhook (admins and owners): nothing more is sent to it; its attempt log goes with it."""
    webhook = get(principal=principal, webhook_id=webhook_id)

    def write(tx) -> None:
        tx.delete(webhook, condition=WebhookSubscription.PK.exists())
        tx.update(
            WebhookCount(*WebhookCount.keys(principal.org_id)),
            actions=[WebhookCount.count.add(-1)],
            condition=WebhookCount.count > 0,
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="webhook",
            entity_id=webhook.id,
            changes={"url": {"from": webhook.url, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound(NOT_FOUND) from error
    # At most ATTEMPTS_KEPT items: one Query and a few batch deletes.
    with WebhookAttempt.batch_write() as batch:
        for attempt in WebhookAttempt.query(WebhookAttempt.partition(principal.org_id, webhook.id)):
            batch.delete(attempt)


def rotate_secret(*, principal: Principal, webhook_id: str) -> tuple[WebhookSubscription, str]:
    """Replace a webhook's signing secret; the new one is returned this once and signs every later delivery."""
    webhook = get(principal=principal, webhook_id=webhook_id)
    secret, now = _new_secret(), utcnow()
    sealed = sealing.seal(secret, bound_to=webhook.id, purpose=SECRET_PURPOSE)

    def write(tx) -> None:
        tx.update(
            webhook,
            actions=[
                WebhookSubscription.sealed_secret.set(sealed),
                WebhookSubscription.secret_rotated_at.set(now),
                WebhookSubscription.updated_at.set(now),
            ],
            condition=WebhookSubscription.PK.exists(),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="secret_rotated",
            entity_type="webhook",
            entity_id=webhook.id,
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound(NOT_FOUND) from error
    webhook.updated_at = now
    return webhook, secret


def ping(*, principal: Principal, webhook_id: str) -> dict[str, Any]:
    """Queue a `webhook.ping` delivery (sent even to a disabled webhook); its attempts show in the deliveries."""
    webhook = get(principal=principal, webhook_id=webhook_id)
    envelope = {
        "id": new_id("evt"),
        "type": catalogue.PING,
        "created_at": to_rfc3339(utcnow()),
        "org_id": principal.org_id,
        "data": {"webhook_id": webhook.id, "message": "Stint is checking that this URL receives its webhooks."},
    }
    jobs.enqueue(DELIVER_JOB, {"org_id": principal.org_id, "webhook_id": webhook.id, "event": envelope, "attempt": 1})
    return envelope


def list_attempts(
    *, principal: Principal, webhook_id: str, filters: CursorPageParams
) -> tuple[list[WebhookAttempt], str | None]:
    """The webhook's last 100 delivery attempts, newest first; the cursor is the last attempt's number."""
    webhook = get(principal=principal, webhook_id=webhook_id)
    found = WebhookAttempt.query(WebhookAttempt.partition(principal.org_id, webhook.id), limit=ATTEMPTS_KEPT)
    newest_first = sorted(found, key=lambda attempt: int(attempt.seq), reverse=True)
    if filters.cursor:
        if not filters.cursor.isdigit():
            raise ValidationFailed.field("cursor", "is not a cursor this list gave out")
        newest_first = [attempt for attempt in newest_first if int(attempt.seq) < int(filters.cursor)]
    page = newest_first[filters.offset : filters.offset + filters.per_page]
    more = len(newest_first) > filters.offset + filters.per_page
    return page, (str(int(page[-1].seq)) if more and page else None)


# --- fan-out and delivery ------------------------------------------------------------------------------------


def _subscriptions(org_id: str) -> list[WebhookSubscription]:
    """All of the org's webhooks: at most MAX_WEBHOOKS_PER_ORG, one Query."""
    return list(
        WebhookSubscription.query(
            WebhookSubscription.keys(org_id, "")[0],
            key_prefix(WebhookSubscription.SK, WebhookSubscription.SK_PREFIX),
        )
    )


def envelope(event: events.Event) -> dict[str, Any]:
    """The JSON body a subscriber receives for an event."""
    return {
        "id": event.id,
        "type": event.type,
        "created_at": to_rfc3339(event.created_at),
        "org_id": event.org_id,
        "data": event.data,
    }


@events.subscriber(*catalogue.EVENT_TYPES)
def _fan_out(event: events.Event) -> None:
    """Queue one delivery per enabled webhook of the org that subscribes to the event's type."""
    for webhook in _subscriptions(event.org_id):
        if webhook.enabled and catalogue.matches(list(webhook.events), event.type):
            payload = {"org_id": event.org_id, "webhook_id": webhook.id, "event": envelope(event), "attempt": 1}
            jobs.enqueue(DELIVER_JOB, payload)


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1-based): 30 s, doubling, at most 4 h."""
    return min(BASE_DELAY_SECONDS * 2 ** (attempt - 1), MAX_DELAY_SECONDS)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Stint-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@jobs.job(DELIVER_JOB)
def _deliver(payload: dict) -> None:
    """POST one event to one webhook, record the attempt, then retry, disable or stop."""
    now = utcnow()
    wait = int(payload.get("not_before") or 0) - epoch_seconds(now)
    if wait > 0:  # longer than SQS can delay a message: wait again
        jobs.enqueue(DELIVER_JOB, payload, delay_seconds=min(wait, SQS_MAX_DELAY))
        return
    org_id, event = payload["org_id"], payload["event"]
    webhook = _find(org_id, payload["webhook_id"], consistent=True)
    if webhook is None or (not webhook.enabled and event["type"] != catalogue.PING):
        return  # deleted or disabled since: nothing more is sent
    attempt = int(payload["attempt"])
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    secret = sealing.unseal(webhook.sealed_secret, bound_to=webhook.id, purpose=SECRET_PURPOSE)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Stint-Webhooks/1.0",
        "Stint-Event-Id": event["id"],
        "Stint-Event-Type": event["type"],
        "Stint-Delivery-Attempt": str(attempt),
        SIGNATURE_HEADER: signature(secret, epoch_seconds(now), body),
    }
    outcome = outbound.send(webhook.url, body, headers, allow_private=_allow_private())
    retry = outcome.retryable and attempt < MAX_ATTEMPTS
    next_at = now + timedelta(seconds=retry_delay(attempt)) if retry else None
    failures = _record(webhook, event, attempt, outcome, next_at)
    context = {"webhook_id": webhook.id, "event_id": event["id"], "attempt": attempt, "status": outcome.status}
    if failures is None:
        return  # deleted while we were sending
    if outcome.delivered:
        logger.info("webhook delivered", extra=context)
        return
    logger.info("webhook delivery failed", extra={**context, "error": outcome.error})
    if failures >= DISABLE_AFTER and webhook.enabled:
        _disable(webhook, failures)
        return
    if next_at is not None:
        follow = {**payload, "attempt": attempt + 1, "not_before": epoch_seconds(next_at)}
        jobs.enqueue(DELIVER_JOB, follow, delay_seconds=min(retry_delay(attempt), SQS_MAX_DELAY))


def _record(webhook: WebhookSubscription, event: dict, attempt: int, outcome, next_at) -> int | None:
    """Count the attempt on the webhook and write it to its slot in the log; the consecutive failures after it."""
    now = utcnow()
    counting = (
        [WebhookSubscription.consecutive_failures.set(0), WebhookSubscription.last_success_at.set(now)]
        if outcome.delivered
        else [WebhookSubscription.consecutive_failures.add(1)]
    )
    try:
        webhook.update(
            actions=[WebhookSubscription.attempt_seq.add(1), WebhookSubscription.last_attempt_at.set(now), *counting],
            condition=WebhookSubscription.PK.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    seq = int(webhook.attempt_seq) - 1
    WebhookAttempt(
        *WebhookAttempt.keys(webhook.org_id, webhook.id, seq),
        id=new_id("wha"),
        webhook_id=webhook.id,
        seq=seq,
        event_id=event["id"],
        event_type=event["type"],
        attempt=attempt,
        succeeded=outcome.delivered,
        status_code=outcome.status,
        latency_ms=outcome.latency_ms,
        error=outcome.error or (None if outcome.delivered else f"HTTP {outcome.status}"),
        next_attempt_at=next_at,
        attempted_at=now,
    ).save()
    return int(webhook.consecutive_failures or 0)


def _disable(webhook: WebhookSubscription, failures: int) -> None:
    """Turn the webhook off after `failures` consecutive failed attempts and tell the org's admins, once."""
    now = utcnow()
    reason = f"Disabled after {failures} consecutive failed deliveries."
    admins = sorted(m.user_id for m in orgs.active_members(org_id=webhook.org_id) if m.role in ("owner", "admin"))

    def write(tx) -> None:
        tx.update(
            WebhookSubscription(*WebhookSubscription.keys(webhook.org_id, webhook.id)),
            actions=[
                WebhookSubscription.enabled.set(False),
                WebhookSubscription.disabled_reason.set(reason),
                WebhookSubscription.disabled_at.set(now),
                WebhookSubscription.updated_at.set(now),
            ],
            condition=WebhookSubscription.enabled == True,  # noqa: E712  (a DynamoDB condition, not a comparison)
        )
        events.emit(
            tx,
            org_id=webhook.org_id,
            type=DISABLED_TYPE,
            recipients=admins,
            data={
                "webhook_id": webhook.id,
                "title": webhook.url,
                "url": webhook.url,
                "failures": failures,
                "link": f"/settings/webhooks?webhook={webhook.id}",
            },
        )
        audit.record(
            tx,
            org_id=webhook.org_id,
            actor=audit.Actor(None),
            action="disabled",
            entity_type="webhook",
            entity_id=webhook.id,
            changes={"enabled": {"from": True, "to": False}},
        )

    try:
        transact(write)
    except TransactionCancelled:
        return  # disabled already (by an admin, or by a concurrent delivery that told the admins)
    logger.warning("webhook disabled", extra={"webhook_id": webhook.id, "failures": failures})
