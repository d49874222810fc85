"""A fake PayPal REST API on loopback (a tiny http.server in a thread): nothing in the tests leaves the machine.

It answers the calls Stint makes — OAuth tokens, creating and cancelling subscriptions, verifying webhook
signatures — records each request, and can be told to fail the next few calls. A webhook delivery verifies
only if the test signed it with `sign(event)`: PayPal vouches for exactly the event it sent, to our webhook id.
"""

import base64
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "stint-test-client"
CLIENT_SECRET = "stint-test-secret"
WEBHOOK_ID = "WH-STINT-TEST"
PLAN_PRO = "P-PRO-TEST"
PLAN_BUSINESS = "P-BUSINESS-TEST"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class FakePayPal:
    requests: list[Recorded] = field(default_factory=list)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)  # statuses to answer the next calls with, in order
    signed: dict[str, dict] = field(default_factory=dict)  # transmission signature -> the event it vouches for
    revoked: set[str] = field(default_factory=set)  # access tokens PayPal no longer accepts
    _ids = itertools.count(1)

    def start(self) -> "FakePayPal":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, answer = fake.answer(self.command, self.path, dict(self.headers), raw)
                data = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "3")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- what tests use ----------------------------------------------------------------------------------------

    def fail_next(self, *statuses: int) -> None:
        """Answer the next calls with these statuses (e.g. 503, 503), then behave again."""
        self.failures.extend(statuses)

    def revoke_tokens(self) -> None:
        """Expire every access token issued so far (as PayPal does after `expires_in`)."""
        self.revoked |= {
            call.headers["authorization"].removeprefix("Bearer ")
            for call in self.requests
            if "authorization" in call.headers and call.headers["authorization"].startswith("Bearer ")
        }

    def calls(self, path_part: str) -> list[Recorded]:
        return [request for request in self.requests if path_part in request.path]

    def sign(self, event: dict) -> dict[str, str]:
        """The headers PayPal would send with this event; verification succeeds for exactly this event."""
        signature = f"sig-{next(self._ids)}"
        self.signed[signature] = json.loads(json.dumps(event))
        return {
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
            "PAYPAL-TRANSMISSION-ID": f"tx-{signature}",
            "PAYPAL-TRANSMISSION-SIG": signature,
            "PAYPAL-TRANSMISSION-TIME": "2026-03-28T09:00:00Z",
        }

    # --- the API -----------------------------------------------------------------------------------------------

    def answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict | None]:
        body = json.loads(raw) if raw.startswith(b"{") else {"form": raw.decode()}
        self.requests.append(Recorded(method, path, {k.lower(): v for k, v in headers.items()}, body))
        if self.failures:
            return self.failures.pop(0), {"name": "INTERNAL_SERVICE_ERROR"}
        lowered = {k.lower(): v for k, v in headers.items()}
        if path == "/v1/oauth2/token":
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if lowered.get("authorization") != expected:
                return 401, {"error": "invalid_client"}
            return 200, {"access_token": f"A21-token-{next(self._ids)}", "token_type": "Bearer", "expires_in": 32400}
        token = lowered.get("authorization", "").removeprefix("Bearer ")
        if not token.startswith("A21-token-") or token in self.revoked:
            return 401, {"name": "AUTHENTICATION_FAILURE"}
        if path == "/v1/billing/subscriptions":
            subscription_id = f"I-FAKE{next(self._ids):08d}"
            self.subscriptions[subscription_id] = {"plan_id": body["plan_id"], "status": "APPROVAL_PENDING"}
            approve = f"https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=BA-{subscription_id}"
            return 201, {
                "id": subscription_id,
                "status": "APPROVAL_PENDING",
                "links": [
                    {"href": approve, "rel": "approve", "method": "GET"},
                    {"href": f"{self.base_url}/v1/billing/subscriptions/{subscription_id}", "rel": "self"},
                ],
            }
        if path.startswith("/v1/billing/subscriptions/") and path.endswith("/cancel"):
            subscription_id = path.split("/")[4]
            if subscription_id not in self.subscriptions:
                return 404, {"name": "RESOURCE_NOT_FOUND"}
            self.subscriptions[subscription_id]["status"] = "CANCELLED"
            return 204, None
        if path == "/v1/notifications/verify-webhook-signature":
            vouched = self.signed.get(body.get("transmission_sig"))
            ok = vouched is not None and vouched == body.get("webhook_event") and body.get("webhook_id") == WEBHOOK_ID
            return 200, {"verification_status": "SUCCESS" if ok else "FAILURE"}
        return 404, {"name": "RESOURCE_NOT_FOUND"}
