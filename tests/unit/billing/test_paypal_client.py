"""The PayPal client: timeouts, retries with exponential backoff, and the cached OAuth token."""

import contextlib
import socket
import threading

import pytest

from chalicelib.billing.paypal import ATTEMPTS, PayPalClient, PayPalRefused, PayPalUnavailable
from chalicelib.core.config import Settings
from tests.api.billing import fake_paypal

EVENT = {"id": "WH-1", "event_type": "BILLING.SUBSCRIPTION.ACTIVATED", "resource": {}}


@pytest.fixture
def fake():
    server = fake_paypal.FakePayPal().start()
    yield server
    server.stop()


def _client(base_url: str, sleeps: list[float] | None = None, timeout: int = 2) -> PayPalClient:
    settings = Settings(
        stage="test",
        paypal_base_url=base_url,
        paypal_client_id=fake_paypal.CLIENT_ID,
        paypal_client_secret=fake_paypal.CLIENT_SECRET,
        paypal_webhook_id=fake_paypal.WEBHOOK_ID,
        paypal_plan_pro=fake_paypal.PLAN_PRO,
        paypal_plan_business=fake_paypal.PLAN_BUSINESS,
        paypal_timeout_seconds=timeout,
    )
    return PayPalClient(settings, sleep=(sleeps if sleeps is not None else []).append)


def _verify(client: PayPalClient, fake) -> bool:
    headers = {name.lower(): value for name, value in fake.sign(EVENT).items()}
    return client.verify_webhook(headers=headers, event=EVENT)


def test_busy_answers_are_retried_with_doubling_waits(fake):
    # GIVEN a token already issued, then PayPal answering 503 twice
    sleeps: list[float] = []
    client = _client(fake.base_url, sleeps)
    assert _verify(client, fake)
    fake.fail_next(503, 502)
    # WHEN the client calls again
    verified = _verify(client, fake)
    # THEN it succeeded on the third try, having waited 0.25 s then 0.5 s
    assert verified
    assert sleeps == [0.25, 0.5]


def test_a_429_waits_as_long_as_retry_after_says(fake):
    sleeps: list[float] = []
    client = _client(fake.base_url, sleeps)
    assert _verify(client, fake)
    fake.fail_next(429)
    assert _verify(client, fake)
    assert sleeps == [3.0]


def test_the_client_gives_up_after_three_tries(fake):
    # GIVEN PayPal failing every try after the token
    client = _client(fake.base_url)
    assert _verify(client, fake)
    fake.fail_next(*[503] * ATTEMPTS)
    # WHEN the client calls
    with pytest.raises(PayPalUnavailable):
        _verify(client, fake)
    # THEN it tried three times
    assert len(fake.calls("verify-webhook-signature")) == 1 + ATTEMPTS


def test_a_client_error_is_not_retried(fake):
    client = _client(fake.base_url)
    client.create_subscription(
        plan="pro", org_id="org_1", return_url="https://a", cancel_url="https://b", request_id="r1"
    )
    fake.fail_next(400)
    with pytest.raises(PayPalRefused) as refused:
        client.create_subscription(
            plan="pro", org_id="org_1", return_url="https://a", cancel_url="https://b", request_id="r2"
        )
    assert refused.value.status == 400
    assert len(fake.calls("/v1/billing/subscriptions")) == 2


def test_an_expired_token_is_replaced_once_and_the_call_succeeds(fake):
    # GIVEN a cached token that PayPal has since expired
    client = _client(fake.base_url)
    assert _verify(client, fake)
    fake.revoke_tokens()
    # WHEN the client calls
    verified = _verify(client, fake)
    # THEN it fetched a new token and the call went through
    assert verified
    assert len(fake.calls("/v1/oauth2/token")) == 2


def test_a_paypal_that_never_answers_times_out_on_every_try():
    # GIVEN a server that accepts connections and never answers
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):  # the accept timed out: look at `stop` again
                held.append(listener.accept()[0])

    threading.Thread(target=hold, daemon=True).start()
    client = _client(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=1)
    try:
        # WHEN the client asks for a token
        with pytest.raises(PayPalUnavailable):
            _verify(client, fake_paypal.FakePayPal())
        # THEN each of the three tries connected and was cut off by the read timeout
        assert len(held) == ATTEMPTS
    finally:
        stop.set()
        for connection in held:
            connection.close()
        listener.close()


def test_nothing_listening_is_unavailable_after_three_tries():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(PayPalUnavailable):
        _verify(_client(f"http://127.0.0.1:{port}", sleeps), fake_paypal.FakePayPal())
    assert sleeps == [0.25, 0.5]


def test_plan_ids_map_to_stints_plans(fake):
    client = _client(fake.base_url)
    assert (client.plan_name(fake_paypal.PLAN_PRO), client.plan_name("P-OTHER"), client.plan_name(None)) == (
        "pro",
        None,
        None,
    )
