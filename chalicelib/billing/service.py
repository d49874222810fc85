"""Plans and their limits, and the PayPal subscriptions that move an org between plans.

Other domains enforce the limits inside their own transactions: `consume` adds the org's counter update,
conditioned on the plan and the room left, to the transaction that creates a member, project or file;
`release` gives the room back in the transaction that removes one; `require_within` checks without counting
(a pending invitation becoming a member). A cancelled transaction is explained by `raise_if_over_limit`.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.billing.models import BillingAccount, SubscriptionLink, WebhookReceipt
from chalicelib.billing.paypal import (
    VERIFY_HEADERS,
    LocalSandbox,
    PayPalClient,
    PayPalRefused,
    PayPalUnavailable,
)
from chalicelib.billing.schemas import SubscriptionCancel, SubscriptionCreate
from chalicelib.core import security
from chalicelib.core.auth import Principal
from chalicelib.core.config import Settings, get_settings
from chalicelib.core.db import TransactionCancelled, transact, transaction
from chalicelib.core.errors import (
    Conflict,
    FeatureGated,
    InternalError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    ValidationFailed,
)
from chalicelib.core.http import MAX_JSON_BODY_BYTES
from chalicelib.core.ids import new_id
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, from_rfc3339, to_rfc3339, utcnow

FREE = "free"
GIB = 1024**3
RETURN_PATH = "/api/v1/billing/return"
SANDBOX_APPROVE_PATH = "/api/v1/billing/sandbox/approve"
SANDBOX_TICKET = "billing_sandbox"
SANDBOX_TICKET_SECONDS = 3 * 3600
RECEIPT_DAYS = 90
LIVE = ("active", "past_due", "suspended")  # a subscription that still exists at PayPal
ALREADY_SUBSCRIBED = "The organization already has a subscription; cancel it before subscribing to another plan."
NOTHING_TO_CANCEL = "There is no subscription to cancel."
PAYPAL_DOWN = "PayPal is not answering right now; retry shortly."

ACTIVATED = ("BILLING.SUBSCRIPTION.ACTIVATED", "BILLING.SUBSCRIPTION.RE-ACTIVATED")
ENDED = {"BILLING.SUBSCRIPTION.CANCELLED": "cancelled", "BILLING.SUBSCRIPTION.EXPIRED": "expired"}
SUSPENDED = "BILLING.SUBSCRIPTION.SUSPENDED"
PAYMENT_FAILED = "BILLING.SUBSCRIPTION.PAYMENT.FAILED"
PAYMENT_COMPLETED = "PAYMENT.SALE.COMPLETED"
_AUDIT_ACTIONS = {
    **dict.fromkeys(ACTIVATED, "subscription_activated"),
    **dict.fromkeys(ENDED, "subscription_ended"),
    SUSPENDED: "subscription_suspended",
    PAYMENT_FAILED: "payment_failed",
    PAYMENT_COMPLETED: "payment_received",
}
_ZERO_DECIMAL_CURRENCIES = {"HUF", "JPY", "TWD"}  # PayPal's currencies without a minor unit
_PENDING_FIELDS = ("pending_subscription_id", "pending_plan", "approval_url", "pending_since")


@dataclass(frozen=True)
class Plan:
    """A plan and its limits; `None` is unlimited."""

    id: str
    name: str
    members: int | None
    projects: int | None
    storage_bytes: int | None

    def limit(self, resource: str) -> int | None:
        """The most of `resource` (members | projects | storage) an org on this plan may have."""
        return {"members": self.members, "projects": self.projects, "storage": self.storage_bytes}[resource]

    def limits(self) -> dict[str, int | None]:
        return {"members": self.members, "projects": self.projects, "storage_bytes": self.storage_bytes}


# Members count invitations still pending and the owner (decision 55).
PLANS = {
    FREE: Plan(FREE, "Free", members=10, projects=20, storage_bytes=1 * GIB),
    "pro": Plan("pro", "Pro", members=50, projects=200, storage_bytes=100 * GIB),
    "business": Plan("business", "Business", members=None, projects=None, storage_bytes=1024 * GIB),
}
_USAGE_NAMES = {"members": "members", "projects": "projects", "storage_bytes": "storage"}  # as the API names them
_COUNTERS = {
    "members": BillingAccount.members,
    "projects": BillingAccount.projects,
    "storage": BillingAccount.storage_bytes,
}


@dataclass(frozen=True)
class BillingState:
    """An org's plan, what it uses, and its account item (None for an org that never had one)."""

    plan: Plan
    usage: dict[str, int]
    account: BillingAccount | None


@dataclass(frozen=True)
class NewSubscription:
    subscription_id: str
    plan: str
    approval_url: str


# --- plans and limits ----------------------------------------------------------------------------------------


def _read(org_id: str) -> BillingAccount | None:
    return BillingAccount.get_or_none(*BillingAccount.keys(org_id), consistent=True)


def _plan_of(account: BillingAccount | None) -> Plan:
    name = account.plan if account is not None and account.plan else FREE
    return PLANS.get(name, PLANS[FREE])


def _used(account: BillingAccount | None, resource: str) -> int:
    value = getattr(account, _COUNTERS[resource].attr_name) if account is not None else None
    return max(0, int(value or 0))


def _size(limit: int) -> str:
    return f"{limit // GIB} GB" if limit >= GIB else f"{limit} bytes"


def _gated(plan: Plan, resource: str, limit: int) -> FeatureGated:
    what = {
        "members": f"{limit} members (pending invitations included)",
        "projects": f"{limit} projects",
        "storage": f"{_size(limit)} of files",
    }[resource]
    return FeatureGated(
        f"The {plan.name} plan allows {what}; upgrade the plan to add more.",
        details=[{"limit": resource, "plan": plan.id, "max": limit}],
    )


def list_plans() -> list[tuple[Plan, bool]]:
    """Every plan, with whether it can be subscribed to here (PayPal configured, or the local sandbox)."""
    settings = get_settings()
    configured = bool(settings.paypal_client_id) or settings.billing_sandbox
    return [(plan, plan.id == FREE or configured) for plan in PLANS.values()]


def get_state(*, principal: Principal) -> BillingState:
    """The caller's org's plan, limits and usage (any member may look)."""
    account = _read(principal.org_id)
    usage = {name: _used(account, resource) for name, resource in _USAGE_NAMES.items()}
    return BillingState(plan=_plan_of(account), usage=usage, account=account)


def open_account(tx, *, org_id: str) -> None:
    """In the transaction that creates an org: its account on the free plan, the owner counted."""
    pk, sk = BillingAccount.keys(org_id)
    account = BillingAccount(
        PK=pk,
        SK=sk,
        org_id=org_id,
        plan=FREE,
        members=1,
        projects=0,
        storage_bytes=0,
        state_version=1,
        updated_at=utcnow(),
    )
    tx.save(account, condition=BillingAccount.PK.does_not_exist())


def check(*, org_id: str, resource: str, amount: int = 1) -> None:
    """402 `feature_gated` now if `amount` more of `resource` would exceed the plan (a read; `consume` decides)."""
    account = BillingAccount.get_or_none(*BillingAccount.keys(org_id))
    plan = _plan_of(account)
    limit = plan.limit(resource)
    if limit is not None and _used(account, resource) + amount > limit:
        raise _gated(plan, resource, limit)


def _plan_unchanged(plan: Plan):
    condition = BillingAccount.plan == plan.id
    return BillingAccount.plan.does_not_exist() | condition if plan.id == FREE else condition


def _upsert_actions(org_id: str) -> list:
    """What makes a counter's first ADD a readable account (orgs created before billing have none)."""
    return [
        BillingAccount.entity.set(BillingAccount),
        BillingAccount.org_id.set(org_id),
        BillingAccount.plan.set(BillingAccount.plan | FREE),
    ]


def consume(tx, *, org_id: str, resource: str, amount: int = 1) -> None:
    """In `tx`: count `amount` more of `resource`, on condition the plan read still applies and has room."""
    account = _read(org_id)
    plan = _plan_of(account)
    limit = plan.limit(resource)
    if limit is not None and _used(account, resource) + amount > limit:
        raise _gated(plan, resource, limit)
    counter = _COUNTERS[resource]
    condition = _plan_unchanged(plan)
    if limit is not None:
        condition &= counter.does_not_exist() | (counter <= limit - amount)
    tx.update(
        BillingAccount(*BillingAccount.keys(org_id)),
        actions=[counter.add(amount), *_upsert_actions(org_id)],
        condition=condition,
    )


def release(tx, *, org_id: str, resource: str, amount: int = 1) -> None:
    """In `tx`: `amount` of `resource` is gone (unconditional, so removing never fails on billing's account)."""
    tx.update(
        BillingAccount(*BillingAccount.keys(org_id)),
        actions=[_COUNTERS[resource].add(-amount), *_upsert_actions(org_id)],
    )


def release_now(*, org_id: str, resource: str, amount: int) -> None:
    """`release` in a transaction of its own (background clean-ups that delete item by item)."""
    transact(lambda tx: release(tx, org_id=org_id, resource=resource, amount=amount))


def require_within(tx, *, org_id: str, resource: str) -> None:
    """In `tx`: on condition what is already counted stays within the plan (a downgrade may have cut it)."""
    account = _read(org_id)
    plan = _plan_of(account)
    limit = plan.limit(resource)
    if limit is not None and _used(account, resource) > limit:
        raise _gated(plan, resource, limit)
    counter = _COUNTERS[resource]
    condition = _plan_unchanged(plan)
    if limit is not None:
        condition &= counter.does_not_exist() | (counter <= limit)
    tx.condition_check(BillingAccount, *BillingAccount.keys(org_id), condition=condition)


def raise_if_over_limit(error: TransactionCancelled, *, org_id: str, resource: str, amount: int = 1) -> None:
    """Explain a cancelled transaction whose billing condition failed: 402 over the limit, 409 plan changed."""
    if not error.failed(*BillingAccount.keys(org_id)):
        return
    account = _read(org_id)
    plan = _plan_of(account)
    limit = plan.limit(resource)
    if limit is not None and _used(account, resource) + amount > limit:
        raise _gated(plan, resource, limit) from error
    raise Conflict("The organization's plan changed meanwhile; retry.") from error


# --- subscriptions -------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _paypal(settings: Settings) -> PayPalClient:
    return PayPalClient(settings)


def _provider() -> PayPalClient | LocalSandbox:
    settings = get_settings()
    if settings.paypal_client_id:
        return _paypal(settings)
    if settings.billing_sandbox:
        return LocalSandbox(_sandbox_approval_url)
    logger.error("billing is not configured: set the STINT_PAYPAL_* settings")
    raise ServiceUnavailable(message="Billing is not available right now.")


def _sandbox_approval_url(*, subscription_id: str, plan: str, org_id: str, return_url: str) -> str:
    claims = {"org": org_id, "sub": subscription_id, "plan": plan, "ret": return_url}
    ticket, _ = security.issue_signed_token(typ=SANDBOX_TICKET, claims=claims, ttl_seconds=SANDBOX_TICKET_SECONDS)
    return f"{get_settings().public_base_url.rstrip('/')}{SANDBOX_APPROVE_PATH}?{urlencode({'token': ticket})}"


def _not_subscribed():
    return BillingAccount.subscription_status.does_not_exist() | ~BillingAccount.subscription_status.is_in(*LIVE)


def create_subscription(*, principal: Principal, body: SubscriptionCreate) -> NewSubscription:
    """A PayPal subscription to a paid plan, awaiting the payer's approval at the returned URL (admins)."""
    principal.require_admin()
    account = _read(principal.org_id)
    if account is not None and account.subscription_status in LIVE:
        raise Conflict(ALREADY_SUBSCRIBED)
    provider = _provider()
    base = get_settings().public_base_url.rstrip("/")
    try:
        created = provider.create_subscription(
            plan=body.plan,
            org_id=principal.org_id,
            return_url=body.return_url or f"{base}{RETURN_PATH}",
            cancel_url=body.cancel_url or f"{base}{RETURN_PATH}?cancelled=true",
            request_id=new_id("sub"),
        )
    except PayPalUnavailable as error:
        raise ServiceUnavailable(message=PAYPAL_DOWN) from error
    except PayPalRefused as error:
        logger.error("PayPal refused to create a subscription", extra={"status": error.status, "name": error.name})
        raise InternalError() from error
    now = utcnow()
    link = SubscriptionLink(
        *SubscriptionLink.keys(created.subscription_id),
        subscription_id=created.subscription_id,
        org_id=principal.org_id,
        plan=body.plan,
        created_at=now,
    )

    def write(tx) -> None:
        tx.save(link, condition=SubscriptionLink.PK.does_not_exist())
        tx.update(
            BillingAccount(*BillingAccount.keys(principal.org_id)),
            actions=[
                BillingAccount.pending_subscription_id.set(created.subscription_id),
                BillingAccount.pending_plan.set(body.plan),
                BillingAccount.approval_url.set(created.approval_url),
                BillingAccount.pending_since.set(now),
                BillingAccount.updated_at.set(now),
                BillingAccount.state_version.add(1),
                *_upsert_actions(principal.org_id),
            ],
            condition=_not_subscribed(),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="subscription_created",
            entity_type="subscription",
            entity_id=created.subscription_id,
            changes={"plan": {"from": None, "to": body.plan}, "status": {"from": None, "to": "approval_pending"}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict(ALREADY_SUBSCRIBED) from error
    return NewSubscription(created.subscription_id, body.plan, created.approval_url)


def cancel_subscription(*, principal: Principal, body: SubscriptionCancel) -> BillingState:
    """Cancel the org's subscription at PayPal and return to the free plan, or drop one awaiting approval."""
    principal.require_admin()
    account = _read(principal.org_id)
    live = account is not None and account.subscription_status in LIVE
    if not live and (account is None or not account.pending_subscription_id):
        raise Conflict(NOTHING_TO_CANCEL)
    now = utcnow()
    after: dict[str, Any] = dict.fromkeys(_PENDING_FIELDS)
    if live:
        try:
            _provider().cancel_subscription(
                subscription_id=account.subscription_id, reason=body.reason or "Cancelled from Stint"
            )
        except PayPalUnavailable as error:
            raise ServiceUnavailable(message=PAYPAL_DOWN) from error
        except PayPalRefused as error:
            logger.error("PayPal refused to cancel", extra={"status": error.status, "name": error.name})
            raise InternalError() from error
        after.update(plan=FREE, subscription_status="cancelled", status_changed_at=now)
    changes = _changed(account, after)
    subscription_id = account.subscription_id if live else account.pending_subscription_id
    try:
        with transaction() as tx:
            _write_changes(tx, account, changes, now=now)
            audit.record(
                tx,
                org_id=principal.org_id,
                actor=principal,
                action="subscription_cancelled",
                entity_type="subscription",
                entity_id=subscription_id,
                changes=_audited(account, changes),
            )
    except TransactionCancelled as error:
        raise Conflict("The subscription changed meanwhile; retry.") from error
    return get_state(principal=principal)


def end_subscription_of_deleted_org(*, org_id: str) -> None:
    """Cancel a deleted org's live subscription at PayPal, so it stops being charged (the org deletion job).

    Raises while PayPal is unreachable, so the job is retried; a refusal (e.g. already cancelled) is logged.
    """
    account = _read(org_id)
    if account is None or account.subscription_status not in LIVE:
        return
    try:
        _provider().cancel_subscription(subscription_id=account.subscription_id, reason="Organization deleted")
    except PayPalRefused as error:
        logger.error("PayPal refused to cancel a deleted org's subscription", extra={"status": error.status})


def _changed(account: BillingAccount, after: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in after.items() if getattr(account, name) != value}


def _write_changes(tx, account: BillingAccount, changes: dict[str, Any], *, now: datetime) -> None:
    """Apply field changes to the account in `tx`, on condition nobody changed its state since it was read."""
    actions = [
        getattr(BillingAccount, name).set(value) if value is not None else getattr(BillingAccount, name).remove()
        for name, value in changes.items()
    ]
    if account.state_version is None:
        unchanged = BillingAccount.PK.exists() & BillingAccount.state_version.does_not_exist()
    else:
        unchanged = BillingAccount.state_version == account.state_version
    tx.update(
        account,
        actions=[*actions, BillingAccount.state_version.add(1), BillingAccount.updated_at.set(now)],
        condition=unchanged,
    )


def _audited(account: BillingAccount, changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def plain(value):
        return to_rfc3339(value) if isinstance(value, datetime) else value

    before = {name: plain(getattr(account, name)) for name in changes}
    return audit.diff(before, {name: plain(value) for name, value in changes.items()})


# --- webhooks ------------------------------------------------------------------------------------------------


def receive_webhook(*, headers: dict[str, str], body: bytes, actor: Actor) -> tuple[str, bool]:
    """Verify a PayPal event with PayPal and apply it once: (event id, whether this delivery applied it)."""
    if len(body) > MAX_JSON_BODY_BYTES:
        raise PayloadTooLarge(f"The JSON body exceeds {MAX_JSON_BODY_BYTES} bytes.")
    event = _parse_event(body)
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in VERIFY_HEADERS:
        if not lowered.get(name):
            raise ValidationFailed.field(name, "is required: PayPal signs every webhook delivery")
    try:
        verified = _provider().verify_webhook(headers=lowered, event=event)
    except PayPalUnavailable as error:
        raise ServiceUnavailable(message="PayPal could not verify the event now; deliver it again later.") from error
    if not verified:
        logger.warning("unverified PayPal webhook", extra={"event_id": event["id"], "type": event["event_type"]})
        raise ValidationFailed(
            "The event could not be verified with PayPal.",
            details=[{"field": "paypal-transmission-sig", "message": "was not verified by PayPal"}],
        )
    return event["id"], _apply(event, actor=actor)


def _parse_event(body: bytes) -> dict:
    try:
        event = json.loads(body or b"{}")
    except ValueError as error:
        raise ValidationFailed(
            "Malformed JSON body.", details=[{"field": "body", "message": "is not valid JSON"}]
        ) from error
    if not isinstance(event, dict):
        raise ValidationFailed.field("body", "must be a JSON object")
    for name in ("id", "event_type"):
        if not isinstance(event.get(name), str) or not 0 < len(event[name]) <= 200:
            raise ValidationFailed.field(name, "is required: a PayPal webhook event's id and event_type")
    if not isinstance(event.get("resource"), dict):
        raise ValidationFailed.field("resource", "is required: a PayPal webhook event's resource object")
    return event


def _occurred(event: dict) -> datetime:
    """When PayPal says the event happened (millisecond precision, as stored); now if it does not say."""
    try:
        at = from_rfc3339(str(event.get("create_time")))
    except ValueError:
        return utcnow()
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _subscription_of(kind: str, resource: dict) -> str | None:
    found = resource.get("billing_agreement_id") if kind.startswith("PAYMENT.SALE.") else resource.get("id")
    return found if isinstance(found, str) and 0 < len(found) <= 200 else None


def _apply(event: dict, *, actor: Actor) -> bool:
    """Claim the event id and apply its effect in one transaction; False if it was processed before."""
    kind, resource = event["event_type"], event["resource"]
    subscription_id = _subscription_of(kind, resource)
    link = SubscriptionLink.get_or_none(*SubscriptionLink.keys(subscription_id)) if subscription_id else None
    if link is not None and resource.get("custom_id") not in (None, link.org_id):
        logger.warning("PayPal event names another org", extra={"event_id": event["id"]})
        link = None
    now = utcnow()
    conflict = None
    for _ in range(3):
        account = _read(link.org_id) if link is not None else None
        changes = _transition(account, link, kind, resource, _occurred(event)) if account is not None else {}
        receipt = WebhookReceipt(
            *WebhookReceipt.keys(event["id"]),
            event_type=kind[:100],
            org_id=link.org_id if link is not None else None,
            outcome="applied" if changes else "ignored",
            received_at=now,
            expires_at=epoch_seconds(now + timedelta(days=RECEIPT_DAYS)),
        )
        try:
            with transaction() as tx:
                tx.save(receipt, condition=WebhookReceipt.PK.does_not_exist())
                if changes:
                    _write_changes(tx, account, changes, now=now)
                    audit.record(
                        tx,
                        org_id=link.org_id,
                        actor=actor,
                        action=_AUDIT_ACTIONS.get(kind, "subscription_updated"),
                        entity_type="subscription",
                        entity_id=link.subscription_id,
                        changes=_audited(account, changes),
                    )
        except TransactionCancelled as error:
            if error.failed(*WebhookReceipt.keys(event["id"])):
                return False
            conflict = error  # the account changed between the read and the write: read it again
            continue
        logger.info("PayPal event processed", extra={"event_id": event["id"], "type": kind, "applied": bool(changes)})
        return True
    raise Conflict("The subscription changed meanwhile; deliver the event again.") from conflict


def _transition(
    account: BillingAccount, link: SubscriptionLink, kind: str, resource: dict, occurred: datetime
) -> dict[str, Any]:
    """The account fields an event changes (none when it is stale, or about a subscription no longer in use)."""
    subscription_id = link.subscription_id
    current = subscription_id == account.subscription_id
    newer = account.status_changed_at is None or occurred >= account.status_changed_at
    after: dict[str, Any] = {}
    if kind in ACTIVATED and newer:
        plan = _provider().plan_name(resource.get("plan_id")) or link.plan
        after.update(
            plan=plan,
            subscription_id=subscription_id,
            subscription_plan=plan,
            subscription_status="active",
            status_changed_at=occurred,
            payment_failed_at=None,
        )
        if account.pending_subscription_id == subscription_id:
            after.update(dict.fromkeys(_PENDING_FIELDS))
    elif kind in ENDED:
        if account.pending_subscription_id == subscription_id:
            after.update(dict.fromkeys(_PENDING_FIELDS))
        if current and newer:
            after.update(plan=FREE, subscription_status=ENDED[kind], status_changed_at=occurred)
    elif kind == SUSPENDED and current and newer:
        after.update(plan=FREE, subscription_status="suspended", status_changed_at=occurred)
    elif kind == PAYMENT_FAILED and current and account.subscription_status in ("active", "past_due"):
        after.update(subscription_status="past_due", payment_failed_at=occurred)
    elif kind == PAYMENT_COMPLETED and current:
        amount, currency = _amount(resource.get("amount"))
        after.update(last_payment_at=occurred, last_payment_amount=amount, last_payment_currency=currency)
        if account.subscription_status == "past_due":
            after.update(subscription_status="active", payment_failed_at=None)
    return _changed(account, after)


def _amount(amount: Any) -> tuple[int | None, str | None]:
    """PayPal's `{"total": "12.00", "currency": "USD"}` as integer minor units (None if it is not exact)."""
    if not isinstance(amount, dict):
        return None, None
    currency = str(amount.get("currency") or "").upper()[:3] or None
    try:
        value = Decimal(str(amount.get("total")))
    except InvalidOperation:
        return None, currency
    minor = value.scaleb(0 if currency in _ZERO_DECIMAL_CURRENCIES else 2)
    if not minor.is_finite() or minor != minor.to_integral_value():
        return None, currency
    return int(minor), currency


# --- the local sandbox ---------------------------------------------------------------------------------------


def approve_in_sandbox(*, ticket: str, actor: Actor) -> tuple[str, str]:
    """Local sandbox only: activate the subscription a sandbox approval link names; (return URL, its id)."""
    if not get_settings().billing_sandbox:
        raise NotFound("No such route.")
    claims = security.read_signed_token(ticket, typ=SANDBOX_TICKET, required=["org", "sub", "plan"])
    event = {
        "id": f"WH-SANDBOX-{claims['sub']}",
        "event_type": ACTIVATED[0],
        "create_time": to_rfc3339(utcnow()),
        "resource": {
            "id": claims["sub"],
            "status": "ACTIVE",
            "plan_id": LocalSandbox.PLAN_IDS.get(claims["plan"]),
            "custom_id": claims["org"],
        },
    }
    _apply(event, actor=actor)
    return _with_query(claims.get("ret") or RETURN_PATH, subscription_id=claims["sub"]), claims["sub"]


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))
