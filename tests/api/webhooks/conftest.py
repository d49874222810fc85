"""People in two organizations and a loopback server that receives the org's webhooks."""

import pytest

from chalicelib.webhooks import service
from tests.support.receiver import serving


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Retries are queued without SQS's delay, so the test's job runner picks them up at once."""
    monkeypatch.setattr(service, "BASE_DELAY_SECONDS", 0)


@pytest.fixture
def receiver():
    with serving("/hooks/stint") as state:
        yield state
