"""People and a project for the workflow-status tests; set-up goes through the public API."""

import pytest


@pytest.fixture
def project_id(owner):
    response = owner.api.post("/api/v1/projects", json={"name": "Website"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]
