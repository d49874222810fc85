"""People and a project for the workflow-status tests; set-up goes through the public API."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def admin(api, owner):
    return factories.join(api, owner, role="admin", name="Ada Admin")


@pytest.fixture
def member(api, owner):
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def outsider(api):
    """The owner of a different organization."""
    return factories.register(api, name="Otto Outsider")


@pytest.fixture
def project_id(owner):
    response = owner.api.post("/api/v1/projects", json={"name": "Website"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]
