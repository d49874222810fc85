from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal, request_actor
from chalicelib.billing import service
from chalicelib.billing.schemas import (
    BillingOut,
    CreatedSubscriptionOut,
    PlanOut,
    ReturnParams,
    SandboxApproval,
    SubscriptionCancel,
    SubscriptionCreate,
    WebhookOut,
)
from chalicelib.core.http import created, parse_body, parse_query

bp = Blueprint(__name__)


@bp.route("/billing", methods=["GET"])
def get_billing():
    principal = current_principal(bp.current_request)
    return BillingOut.of(service.get_state(principal=principal)).dump()


@bp.route("/billing/plans", methods=["GET"])
def list_plans():
    current_principal(bp.current_request)
    return {"data": [PlanOut.of(plan, available=available).dump() for plan, available in service.list_plans()]}


@bp.route("/billing/create-subscription", methods=["POST"])
def create_subscription():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, SubscriptionCreate)
    subscription = service.create_subscription(principal=principal, body=body)
    return created(
        CreatedSubscriptionOut(
            subscription_id=subscription.subscription_id,
            plan=subscription.plan,
            status="approval_pending",
            approval_url=subscription.approval_url,
        ).dump()
    )


@bp.route("/billing/cancel-subscription", methods=["POST"])
def cancel_subscription():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, SubscriptionCancel)
    return BillingOut.of(service.cancel_subscription(principal=principal, body=body)).dump()


@bp.route("/billing/webhook", methods=["POST"])
def paypal_webhook():
    """PayPal's deliveries: no bearer credential, each event verified with PayPal before anything changes."""
    request = bp.current_request
    event_id, processed = service.receive_webhook(
        headers=dict(request.headers or {}), body=request.raw_body or b"", actor=request_actor(request)
    )
    return WebhookOut(event_id=event_id, processed=processed).dump()


@bp.route("/billing/sandbox/approve", methods=["GET"])
def approve_in_sandbox():
    """The local sandbox's stand-in for PayPal's approval page (404 wherever PayPal is configured)."""
    request = bp.current_request
    ticket = parse_query(request, SandboxApproval).token
    location, _ = service.approve_in_sandbox(ticket=ticket, actor=request_actor(request))
    return Response(body="", status_code=302, headers={"Location": location})


@bp.route("/billing/return", methods=["GET"])
def payer_returned():
    """Where PayPal sends the payer back when the client gave no return URL of its own."""
    params = parse_query(bp.current_request, ReturnParams)
    if params.cancelled:
        message = "The subscription was not approved; the organization's plan is unchanged."
    else:
        message = "Thank you: the plan changes as soon as PayPal confirms the subscription."
    return {"subscription_id": params.subscription_id, "approved": not params.cancelled, "message": message}
