"""Set-up and the receiver's side of a webhook (the verification recipe of docs/webhooks.md), for these tests."""

import hashlib
import hmac
import time

from chalice.test import HTTPResponse

from tests.support.factories import Account, drain_jobs
from tests.support.outbox import deliver_events


def create_webhook(account: Account, url: str, events: list[str] | None = None, **fields) -> dict:
    body = {"url": url, "events": events or ["task.*"], **fields}
    response = account.api.post("/api/v1/webhooks", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def pump() -> None:
    """Publish the outbox, run the events consumer and the jobs until nothing is left (deliveries included)."""
    while deliver_events() + drain_jobs():
        pass


def error(response: HTTPResponse, status: int, code: str) -> dict:
    assert response.status_code == status, response.json_body
    body = response.json_body["error"]
    assert body["code"] == code
    assert body["message"]
    return body


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """docs/webhooks.md's recipe: the `Stint-Signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
    `<t>.` followed by the raw body, with the webhook's secret; refuse a timestamp outside the replay window."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def types(receiver) -> list[str]:
    return [request.json["type"] for request in receiver.requests]
