"""`/api/workspaces` (+ `/create`, `/switch`): list, create and switch the active workspace."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named, project, task
from tests.support import factories


def test_list_shows_every_workspace_with_the_active_one_marked(owner):
    # GIVEN the owner made a second workspace
    second = factories.create_organization(owner, name="Side Project")
    # WHEN the workspaces are listed
    response = owner.api.get("/api/workspaces")
    # THEN both are there with the owner's role and the current one active
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert body["activeWorkspaceId"] == owner.org_id
    assert [(w["id"], w["role"], w["isActive"]) for w in body["workspaces"]] == [
        (owner.org_id, "owner", True),
        (second["id"], "owner", False),
    ]


def test_create_makes_a_workspace_the_caller_owns(owner):
    response = owner.api.post("/api/workspaces/create", json={"name": "Acme Labs"})
    assert response.status_code == 201, response.json_body
    assert response.json_body["name"] == "Acme Labs"
    assert response.json_body["role"] == "owner"
    assert response.json_body["isActive"] is False
    assert response.json_body["id"] in [w["id"] for w in owner.api.get("/api/workspaces").json_body["workspaces"]]


def test_create_without_a_name_is_400(owner):
    assert fields_named(error(owner.api.post("/api/workspaces/create", json={}), 400, "validation_error")) == {"name"}


def test_switch_issues_tokens_for_the_other_workspace_without_signing_in_again(owner):
    # GIVEN a task in the first workspace and a second workspace
    task(owner, project(owner)["id"])
    second = factories.create_organization(owner, name="Side Project")
    # WHEN the owner switches
    response = owner.api.post("/api/workspaces/switch", json={"workspaceId": second["id"]})
    # THEN new tokens act in the second workspace, which has no tasks yet
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert body["workspace"]["id"] == second["id"]
    assert body["workspace"]["isActive"] is True
    switched = owner.api.as_token(body["accessToken"])
    assert switched.get("/api/tasks").json_body["tasks"] == []
    assert switched.get("/api/workspaces").json_body["activeWorkspaceId"] == second["id"]


def test_switching_to_a_workspace_one_does_not_belong_to_is_404(owner, outsider):
    response = owner.api.post("/api/workspaces/switch", json={"workspaceId": outsider.org_id})
    error(response, 404, "not_found")


def test_switch_without_workspaceId_is_400_naming_it(owner):
    response = owner.api.post("/api/workspaces/switch", json={"organization_id": owner.org_id})
    assert "workspaceId" in fields_named(error(response, 400, "validation_error"))


def test_an_api_token_cannot_switch(owner):
    second = factories.create_organization(owner, name="Side Project")
    token = factories.api_token(owner)
    error(token.api.post("/api/workspaces/switch", json={"workspaceId": second["id"]}), 404, "not_found")
    error(token.api.post("/api/workspaces/switch", json={"workspaceId": owner.org_id}), 400, "validation_error")
