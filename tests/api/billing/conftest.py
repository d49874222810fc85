"""An org's owner, admin and member, another org's owner, and PayPal: the local sandbox, or a fake on loopback."""

import os

import pytest

from chalicelib.billing import paypal as paypal_client
from chalicelib.billing import service as billing
from chalicelib.core.config import get_settings
from tests.api.billing import fake_paypal


@pytest.fixture
def paypal(app):
    """Stint configured for PayPal, whose API is a fake on 127.0.0.1; the settings are restored afterwards."""
    fake = fake_paypal.FakePayPal().start()
    settings = {
        "STINT_PAYPAL_BASE_URL": fake.base_url,
        "STINT_PAYPAL_CLIENT_ID": fake_paypal.CLIENT_ID,
        "STINT_PAYPAL_CLIENT_SECRET": fake_paypal.CLIENT_SECRET,
        "STINT_PAYPAL_WEBHOOK_ID": fake_paypal.WEBHOOK_ID,
        "STINT_PAYPAL_PLAN_PRO": fake_paypal.PLAN_PRO,
        "STINT_PAYPAL_PLAN_BUSINESS": fake_paypal.PLAN_BUSINESS,
        "STINT_PAYPAL_TIMEOUT_SECONDS": "2",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        patch.setattr(paypal_client, "BACKOFF_SECONDS", 0.001)  # retries keep their shape, not their wait
        get_settings.cache_clear()
        try:
            yield fake
        finally:
            fake.stop()
    get_settings.cache_clear()
    assert "STINT_PAYPAL_CLIENT_ID" not in os.environ


@pytest.fixture
def small_plans(monkeypatch):
    """Plans with tiny limits, so a test reaches them in a few requests (the real figures are tested too)."""
    monkeypatch.setitem(billing.PLANS, "free", billing.Plan("free", "Free", members=3, projects=2, storage_bytes=1000))
    monkeypatch.setitem(billing.PLANS, "pro", billing.Plan("pro", "Pro", members=5, projects=4, storage_bytes=5000))
