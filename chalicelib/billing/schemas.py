from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, StringConstraints

from chalicelib.core.schemas import QueryParams, RequestBody, ResponseModel, UtcDatetime

PaidPlan = Literal["pro", "business"]


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


WebUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_web_url)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class SubscriptionCreate(RequestBody):
    """Subscribe to a paid plan; PayPal sends the payer back to `return_url` (or `cancel_url` if they give up)."""

    plan: PaidPlan
    return_url: WebUrl | None = None
    cancel_url: WebUrl | None = None


class SubscriptionCancel(RequestBody):
    reason: Reason | None = None


class SandboxApproval(QueryParams):
    token: str = ""


class ReturnParams(QueryParams):
    subscription_id: str | None = None
    cancelled: bool = False


class Limits(ResponseModel):
    """`null` means unlimited."""

    members: int | None
    projects: int | None
    storage_bytes: int | None


class PlanOut(ResponseModel):
    id: str
    name: str
    limits: Limits
    available: bool  # whether it can be subscribed to here (free is always "available")

    @classmethod
    def of(cls, plan, *, available: bool) -> "PlanOut":
        return cls(id=plan.id, name=plan.name, limits=Limits(**plan.limits()), available=available)


class Payment(ResponseModel):
    amount: int
    currency: str
    paid_at: UtcDatetime


class SubscriptionOut(ResponseModel):
    id: str
    plan: str | None
    status: str
    payment_failed_at: UtcDatetime | None
    last_payment: Payment | None


class PendingSubscriptionOut(ResponseModel):
    id: str
    plan: str
    approval_url: str
    created_at: UtcDatetime | None


class BillingOut(ResponseModel):
    plan: str
    limits: Limits
    usage: Limits
    subscription: SubscriptionOut | None
    pending_subscription: PendingSubscriptionOut | None
    updated_at: UtcDatetime | None

    @classmethod
    def of(cls, state) -> "BillingOut":
        account = state.account
        subscription = pending = None
        if account is not None and account.subscription_id:
            payment = None
            if account.last_payment_at is not None:
                payment = Payment(
                    amount=int(account.last_payment_amount or 0),
                    currency=account.last_payment_currency or "",
                    paid_at=account.last_payment_at,
                )
            subscription = SubscriptionOut(
                id=account.subscription_id,
                plan=account.subscription_plan,
                status=account.subscription_status or "active",
                payment_failed_at=account.payment_failed_at,
                last_payment=payment,
            )
        if account is not None and account.pending_subscription_id:
            pending = PendingSubscriptionOut(
                id=account.pending_subscription_id,
                plan=account.pending_plan or "",
                approval_url=account.approval_url or "",
                created_at=account.pending_since,
            )
        return cls(
            plan=state.plan.id,
            limits=Limits(**state.plan.limits()),
            usage=Limits(**state.usage),
            subscription=subscription,
            pending_subscription=pending,
            updated_at=account.updated_at if account is not None else None,
        )


class CreatedSubscriptionOut(ResponseModel):
    subscription_id: str
    plan: str
    status: Literal["approval_pending"]
    approval_url: str


class WebhookOut(ResponseModel):
    event_id: str
    processed: bool  # False for a delivery of an event already processed
