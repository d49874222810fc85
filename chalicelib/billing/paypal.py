"""PayPal's REST API, as much of it as billing needs: OAuth, subscriptions, webhook signature verification.

Every call has a connect and a read timeout and is retried with exponential backoff when PayPal could not
answer (connection errors, timeouts, 429, 5xx); a POST carries a `PayPal-Request-Id`, the same on each
retry, so PayPal runs it once. The OAuth token is cached per process until shortly before it expires.

`LocalSandbox` has the same methods and stands in when no PayPal credentials are configured on a
developer's machine (decision 57): its approval links point at this API.
"""

import json
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import urllib3

from chalicelib.core.config import Settings
from chalicelib.core.ids import new_id
from chalicelib.core.logs import logger

ATTEMPTS = 3
BACKOFF_SECONDS = 0.25
MAX_RETRY_AFTER_SECONDS = 5
TOKEN_EARLY_REFRESH_SECONDS = 120
VERIFY_HEADERS = (
    "paypal-auth-algo",
    "paypal-cert-url",
    "paypal-transmission-id",
    "paypal-transmission-sig",
    "paypal-transmission-time",
)
_RETRYABLE = {429, 500, 502, 503, 504}
_pool = urllib3.PoolManager(retries=False, maxsize=4)
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


class PayPalUnavailable(Exception):
    """PayPal did not answer usefully after every attempt (down, slow, or rate limiting us)."""


class PayPalRefused(Exception):
    """PayPal answered with a 4xx: the request was wrong for PayPal (our configuration, or the object's state)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"PayPal answered {status}")
        self.status = status
        self.body = body

    @property
    def name(self) -> str | None:
        """PayPal's error name (`RESOURCE_NOT_FOUND`, `UNPROCESSABLE_ENTITY`…), if it gave one."""
        return self.body.get("name") if isinstance(self.body, dict) else None


@dataclass(frozen=True)
class CreatedSubscription:
    subscription_id: str
    approval_url: str


class PayPalClient:
    """A small client of PayPal's REST API at the configured base URL."""

    def __init__(self, settings: Settings, *, sleep=time.sleep) -> None:
        self._base = settings.paypal_base_url.rstrip("/")
        self._client_id = settings.paypal_client_id
        self._secret = settings.paypal_client_secret
        self._webhook_id = settings.paypal_webhook_id
        self._plan_ids = {"pro": settings.paypal_plan_pro, "business": settings.paypal_plan_business}
        self._timeout = urllib3.Timeout(
            connect=min(3.0, settings.paypal_timeout_seconds), read=settings.paypal_timeout_seconds
        )
        self._sleep = sleep

    def plan_name(self, plan_id: str | None) -> str | None:
        """Stint's plan for a PayPal plan id, or None for one Stint does not sell."""
        return next((name for name, known in self._plan_ids.items() if known and known == plan_id), None)

    def create_subscription(
        self, *, plan: str, org_id: str, return_url: str, cancel_url: str, request_id: str
    ) -> CreatedSubscription:
        """A subscription awaiting the payer's approval, and the link where they approve it."""
        body = {
            "plan_id": self._plan_ids[plan],
            "custom_id": org_id,
            "application_context": {
                "brand_name": "Stint",
                "user_action": "SUBSCRIBE_NOW",
                "shipping_preference": "NO_SHIPPING",
                "return_url": return_url,
                "cancel_url": cancel_url,
            },
        }
        created = self._call("POST", "/v1/billing/subscriptions", body=body, request_id=request_id)
        links = {link.get("rel"): link.get("href") for link in created.get("links") or [] if isinstance(link, dict)}
        if not created.get("id") or not links.get("approve"):
            raise PayPalUnavailable("PayPal's answer had no subscription id or approval link")
        return CreatedSubscription(subscription_id=created["id"], approval_url=links["approve"])

    def cancel_subscription(self, *, subscription_id: str, reason: str) -> None:
        """Cancel at PayPal; one that is already cancelled or gone counts as cancelled."""
        path = f"/v1/billing/subscriptions/{quote(subscription_id, safe='')}/cancel"
        try:
            self._call("POST", path, body={"reason": reason}, request_id=new_id("cancel"))
        except PayPalRefused as error:
            if error.status == 404 or error.name == "UNPROCESSABLE_ENTITY":  # gone, or not active any more
                logger.info("subscription already ended at PayPal", extra={"subscription_id": subscription_id})
                return
            raise

    def verify_webhook(self, *, headers: dict[str, str], event: dict) -> bool:
        """Whether PayPal confirms it sent this event to our webhook (verify-webhook-signature)."""
        body = {
            "auth_algo": headers["paypal-auth-algo"],
            "cert_url": headers["paypal-cert-url"],
            "transmission_id": headers["paypal-transmission-id"],
            "transmission_sig": headers["paypal-transmission-sig"],
            "transmission_time": headers["paypal-transmission-time"],
            "webhook_id": self._webhook_id,
            "webhook_event": event,
        }
        try:
            answer = self._call("POST", "/v1/notifications/verify-webhook-signature", body=body)
        except PayPalRefused:
            return False  # PayPal could not make sense of the headers: not a delivery it vouches for
        return answer.get("verification_status") == "SUCCESS"

    # --- transport ---------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: dict | None = None, request_id: str | None = None) -> dict:
        """Send with a bearer token, retrying what may succeed later; a 401 refreshes the token once."""
        for refresh in (False, True):
            headers = {"Authorization": f"Bearer {self._token(refresh=refresh)}", "Content-Type": "application/json"}
            if request_id:
                headers["PayPal-Request-Id"] = request_id
            status, answer = self._send(method, path, headers=headers, body=json.dumps(body or {}).encode())
            if status != 401:
                break
        if status >= 400:
            raise PayPalRefused(status, answer)
        return answer if isinstance(answer, dict) else {}

    def _token(self, *, refresh: bool = False) -> str:
        key = (self._base, self._client_id)
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not refresh and cached[1] > time.monotonic():
                return cached[0]
            headers = urllib3.make_headers(basic_auth=f"{self._client_id}:{self._secret}")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            status, answer = self._send(
                "POST", "/v1/oauth2/token", headers=headers, body=b"grant_type=client_credentials"
            )
            if status >= 400 or not isinstance(answer, dict) or not answer.get("access_token"):
                logger.error("PayPal refused our credentials", extra={"status": status})
                raise PayPalUnavailable("PayPal did not issue an access token")
            lifetime = max(0, int(answer.get("expires_in") or 0) - TOKEN_EARLY_REFRESH_SECONDS)
            _tokens[key] = (answer["access_token"], time.monotonic() + lifetime)
            return answer["access_token"]

    def _send(self, method: str, path: str, *, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        """One request, tried up to ATTEMPTS times with exponential backoff (honouring a short Retry-After)."""
        for attempt in range(ATTEMPTS):
            delay = BACKOFF_SECONDS * 2**attempt
            try:
                response = _pool.request(
                    method, self._base + path, headers=headers, body=body, timeout=self._timeout, redirect=False
                )
            except urllib3.exceptions.HTTPError as error:
                logger.warning("PayPal unreachable", extra={"path": path, "attempt": attempt + 1, "error": str(error)})
            else:
                if response.status not in _RETRYABLE:
                    return response.status, _json(response.data)
                delay = max(delay, min(_retry_after(response), MAX_RETRY_AFTER_SECONDS))
                logger.warning("PayPal busy", extra={"path": path, "attempt": attempt + 1, "status": response.status})
            if attempt < ATTEMPTS - 1:
                self._sleep(delay)
        raise PayPalUnavailable(f"PayPal did not answer {method} {path}")


def _json(data: bytes) -> Any:
    try:
        return json.loads(data) if data else {}
    except ValueError:
        return {}


def _retry_after(response) -> float:
    try:
        return float(response.headers.get("Retry-After") or 0)
    except ValueError:
        return 0.0


class LocalSandbox:
    """Stands in for PayPal without credentials (local and test stages only): nothing leaves the machine.

    Its approval link is this API's `GET /api/v1/billing/sandbox/approve?token=…` (built by the service),
    which activates the subscription as PayPal's ACTIVATED webhook would. Webhooks cannot be verified
    without PayPal, so every one is refused.
    """

    PLAN_IDS = {"pro": "SANDBOX-PRO", "business": "SANDBOX-BUSINESS"}

    def __init__(self, approval_url) -> None:
        self._approval_url = approval_url

    def plan_name(self, plan_id: str | None) -> str | None:
        return next((name for name, known in self.PLAN_IDS.items() if known == plan_id), None)

    def create_subscription(
        self, *, plan: str, org_id: str, return_url: str, cancel_url: str, request_id: str
    ) -> CreatedSubscription:
        subscription_id = f"I-SANDBOX{new_id('x')[2:]}"
        url = self._approval_url(subscription_id=subscription_id, plan=plan, org_id=org_id, return_url=return_url)
        return CreatedSubscription(subscription_id=subscription_id, approval_url=url)

    def cancel_subscription(self, *, subscription_id: str, reason: str) -> None:
        return None

    def verify_webhook(self, *, headers: dict[str, str], event: dict) -> bool:
        return False
