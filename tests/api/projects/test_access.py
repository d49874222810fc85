"""Authentication and tenancy on every project route: no credentials is 401, another org's project is 404."""

import pytest

from tests.api.projects import helpers
from tests.api.projects.helpers import add_member, create_project, get_project, member_ids

ROUTES = [
    ("GET", "/api/v1/projects/{project_id}", None),
    ("PUT", "/api/v1/projects/{project_id}", {"name": "Taken over"}),
    ("DELETE", "/api/v1/projects/{project_id}", None),
    ("GET", "/api/v1/projects/{project_id}/members", None),
    ("POST", "/api/v1/projects/{project_id}/members", {"user_id": "{user_id}"}),
    ("DELETE", "/api/v1/projects/{project_id}/members/{member_id}", None),
    ("GET", "/api/v1/projects/{project_id}/rates", None),
    ("POST", "/api/v1/projects/{project_id}/rates", {"hourly_rate": 1, "effective_from": "2026-05-01"}),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ROUTES]


def _call(account_api, method, path, body, **ids):
    url = path.format(**ids)
    payload = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()} if body else None
    return account_api.request(method, url, json=payload)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=ROUTE_IDS)
def test_another_orgs_project_is_404_on_every_route(owner, member, outsider, method, path, body):
    # GIVEN a project of the owner's org with an explicit member
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN the owner of another org calls the route with that project's id (and their own user id to add)
    response = _call(
        outsider.api, method, path, body, project_id=project["id"], user_id=outsider.user_id, member_id=member.user_id
    )
    # THEN it does not exist for them, and the project and its member are untouched
    helpers.error(response, 404, "not_found")
    assert get_project(owner, project["id"]).json_body["name"] == project["name"]
    assert member_ids(owner, project["id"]) == [member.user_id]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/api/v1/projects", None), ("POST", "/api/v1/projects", {"name": "Anonymous"}), *ROUTES],
    ids=["GET /api/v1/projects", "POST /api/v1/projects", *ROUTE_IDS],
)
def test_every_project_route_needs_credentials(api, owner, member, method, path, body):
    # GIVEN a project with an explicit member
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN the route is called without a token
    response = _call(
        api, method, path, body, project_id=project["id"], user_id=member.user_id, member_id=member.user_id
    )
    # THEN it is 401 and nothing changed
    helpers.error(response, 401, "unauthorized")
    assert helpers.listed_ids(owner) == [project["id"]]
    assert member_ids(owner, project["id"]) == [member.user_id]


def test_a_bad_token_is_401(api):
    # WHEN projects are listed with a token the API never issued
    response = api.as_token("not-a-token").get("/api/v1/projects")
    # THEN it is 401
    helpers.error(response, 401, "unauthorized")
