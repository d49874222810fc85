"""Small readers and actions shared by the billing tests."""

from urllib.parse import parse_qs, urlsplit

from tests.support import factories

BILLING = "/api/v1/billing"
CREATE = "/api/v1/billing/create-subscription"
CANCEL = "/api/v1/billing/cancel-subscription"
WEBHOOK = "/api/v1/billing/webhook"


def state(account: factories.Account) -> dict:
    response = account.api.get(BILLING)
    assert response.status_code == 200, response.json_body
    return response.json_body


def subscribe(account: factories.Account, plan: str = "pro", **extra) -> dict:
    """`account` starts a subscription; the answer with its approval URL."""
    response = account.api.post(CREATE, json={"plan": plan, **extra})
    assert response.status_code == 201, response.json_body
    return response.json_body


def approve_in_sandbox(account: factories.Account, approval_url: str):
    """What the payer's browser does with a sandbox approval link: open it (no credentials)."""
    parts = urlsplit(approval_url)
    return account.api.as_token(None).get(f"{parts.path}?{parts.query}")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def audit_actions(owner: factories.Account, entity_id: str) -> list[str]:
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={entity_id}&per_page=100")
    assert response.status_code == 200, response.json_body
    return [entry["action"] for entry in response.json_body["data"]]


def event(event_type: str, resource: dict, *, event_id: str, at: str = "2026-03-28T09:00:00Z") -> dict:
    """A PayPal webhook event, shaped as PayPal sends it."""
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": at,
        "resource_type": "sale" if event_type.startswith("PAYMENT.SALE") else "subscription",
        "event_type": event_type,
        "summary": event_type,
        "resource": resource,
        "links": [],
    }


def deliver(api, paypal, body: dict, *, signed: bool = True, headers: dict | None = None):
    """POST an event to the webhook as PayPal would, signed (verifiable) or not."""
    sent = {**(paypal.sign(body) if signed else {}), **(headers or {})}
    return api.as_token(None).post(WEBHOOK, json=body, headers=sent)


def activated(subscription_id: str, org_id: str, *, plan_id: str, event_id: str, at: str = "2026-03-28T09:00:00Z"):
    return event(
        "BILLING.SUBSCRIPTION.ACTIVATED",
        {"id": subscription_id, "status": "ACTIVE", "plan_id": plan_id, "custom_id": org_id},
        event_id=event_id,
        at=at,
    )
