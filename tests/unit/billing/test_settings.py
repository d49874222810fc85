"""The STINT_PAYPAL_* settings: complete or absent, PayPal over https, and the sandbox only where it is safe."""

import pytest

from chalicelib.core.config import Settings

PAYPAL = {
    "paypal_client_id": "id",
    "paypal_client_secret": "secret",
    "paypal_webhook_id": "WH-1",
    "paypal_plan_pro": "P-1",
    "paypal_plan_business": "P-2",
}


@pytest.mark.parametrize("missing", sorted(set(PAYPAL) - {"paypal_client_id"}))
def test_a_paypal_client_id_without_the_rest_is_refused_at_startup(missing):
    with pytest.raises(ValueError, match=missing.upper()):
        Settings(**{name: value for name, value in PAYPAL.items() if name != missing})


@pytest.mark.parametrize("url", ["http://api-m.paypal.com", "ftp://127.0.0.1", "http://10.0.0.5:8080"])
def test_paypal_is_reached_over_https_only_except_on_loopback(url):
    with pytest.raises(ValueError, match="PAYPAL_BASE_URL"):
        Settings(paypal_base_url=url)


def test_a_loopback_paypal_is_allowed_for_fakes():
    assert Settings(paypal_base_url="http://127.0.0.1:8123", **PAYPAL).paypal_base_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(("stage", "sandbox"), [("local", True), ("test", True), ("dev", False), ("prod", False)])
def test_the_billing_sandbox_runs_only_locally_and_in_tests_without_credentials(stage, sandbox):
    assert Settings(stage=stage).billing_sandbox is sandbox
    assert Settings(stage=stage, **PAYPAL).billing_sandbox is False
