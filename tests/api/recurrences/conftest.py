"""People, a project and a fixed clock for the recurrence tests; set-up goes through the public API."""

from datetime import UTC, datetime

import pytest

from tests.support import factories

NOW = datetime(2026, 3, 28, 9, 30, tzinfo=UTC)  # a Saturday


@pytest.fixture
def clock(monkeypatch):
    """The recurrence service's clock stands still at NOW (tokens keep the real clock)."""
    monkeypatch.setattr("chalicelib.recurrences.service.utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def owner(api, clock):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def project_id(owner):
    response = owner.api.post("/api/v1/projects", json={"name": "Operations"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]
