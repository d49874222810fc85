"""Personal API tokens narrowed by access (read_write | read_only) and by resource scopes (decision 94)."""

import re

import pytest

from app import app as chalice_app
from chalicelib.auth.models import ApiToken
from chalicelib.core import routing
from chalicelib.core.auth import IDENTITY_ROUTES, READ_ONLY_SAFE_ROUTES, SCOPES, is_known_route, route_scope
from chalicelib.core.security import digest
from tests.api.core.test_every_route_requires_credentials import _is_public
from tests.support.factories import IssuedApiToken


def _token(account, **fields) -> IssuedApiToken:
    """A token created by `account` with `fields` (access, scopes, …)."""
    response = account.api.post("/api/v1/api-tokens", json={"name": "script", **fields})
    assert response.status_code == 201, response.json_body
    body = response.json_body
    return IssuedApiToken(id=body["id"], secret=body["token"], api=account.api.as_token(body["token"]), body=body)


def _project(account) -> str:
    response = account.api.post("/api/v1/projects", json={"name": "Website"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _task(account, project_id: str, title: str = "Write copy") -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id})
    assert response.status_code == 201, response.json_body
    return response.json_body


def _forbidden(response) -> dict:
    assert response.status_code == 403, response.json_body
    assert response.json_body["error"]["code"] == "forbidden"
    return response.json_body["error"]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "xyz_01HV0000000000000000000000", path)


def _protected_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, path)
        for path, methods in chalice_app.routes.items()
        for method in methods
        if method != "OPTIONS" and not _is_public(method, path)
    )


# --- creating and listing ------------------------------------------------------------------------------------


def test_a_token_is_read_write_on_every_resource_unless_asked_otherwise(owner):
    # WHEN a token is created with a name only
    issued = _token(owner)
    # THEN it says so: read_write, no scopes (every resource)
    assert issued.body["access"] == "read_write"
    assert issued.body["scopes"] is None


def test_the_token_list_shows_each_tokens_access_and_scopes(owner):
    # GIVEN a full token and a read-only one scoped to time entries and projects
    full = _token(owner)
    narrow = _token(owner, access="read_only", scopes=["time_entries", "projects"])
    # WHEN the user lists their tokens
    listed = {token["id"]: token for token in owner.api.get("/api/v1/api-tokens").json_body["data"]}
    # THEN each shows what it may do (scopes in catalogue order)
    assert (listed[full.id]["access"], listed[full.id]["scopes"]) == ("read_write", None)
    assert (listed[narrow.id]["access"], listed[narrow.id]["scopes"]) == ("read_only", ["projects", "time_entries"])


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"access": "admin"}, "access"),
        ({"scopes": ["tasks", "payroll"]}, "scopes.1"),
        ({"scopes": []}, "scopes"),
        ({"scopes": "tasks"}, "scopes"),
    ],
)
def test_an_unknown_access_or_scope_is_400_and_nothing_is_created(owner, fields, field):
    # WHEN a token is asked for with an access level or scope that does not exist (or an empty scope list)
    response = owner.api.post("/api/v1/api-tokens", json={"name": "script", **fields})
    # THEN it is a 400 naming the field, and no token exists
    assert response.status_code == 400
    assert field in {detail["field"] for detail in response.json_body["error"]["details"]}
    assert owner.api.get("/api/v1/api-tokens").json_body["data"] == []


def test_creating_a_scoped_token_is_audited_with_its_access_and_scopes(owner):
    # WHEN a read-only tasks token is created
    issued = _token(owner, access="read_only", scopes=["tasks"])
    # THEN the audit entry records what it may do
    entries = owner.api.get(f"/api/v1/audit-logs?entity_type=api_token&entity_id={issued.id}").json_body["data"]
    assert entries[0]["changes"]["access"]["to"] == "read_only"
    assert entries[0]["changes"]["scopes"]["to"] == ["tasks"]


# --- read-only tokens ----------------------------------------------------------------------------------------


def test_a_read_only_token_reads(owner):
    # GIVEN a project and a read-only token
    project_id = _project(owner)
    issued = _token(owner, access="read_only")
    # WHEN it reads projects and a project
    # THEN both answer
    assert project_id in {p["id"] for p in issued.api.get("/api/v1/projects").json_body["data"]}
    assert issued.api.get(f"/api/v1/projects/{project_id}").status_code == 200


def test_a_read_only_token_cannot_create_change_or_delete(owner):
    # GIVEN a task and a read-only token
    project_id = _project(owner)
    task = _task(owner, project_id)
    issued = _token(owner, access="read_only")
    # WHEN it tries to create, edit and delete tasks
    created = issued.api.post("/api/v1/tasks", json={"title": "Sneaky", "project_id": project_id})
    edited = issued.api.put(f"/api/v1/tasks/{task['id']}", json={"title": "Renamed"})
    deleted = issued.api.delete(f"/api/v1/tasks/{task['id']}")
    # THEN each is a 403 forbidden saying the token is read-only, and the task is as it was
    for response in (created, edited, deleted):
        assert "read-only" in _forbidden(response)["message"]
    assert owner.api.get(f"/api/v1/tasks/{task['id']}").json_body["title"] == "Write copy"
    assert [t["title"] for t in owner.api.get("/api/v1/tasks").json_body["data"]] == ["Write copy"]


def test_a_read_only_token_cannot_mint_a_token_that_writes(owner):
    # GIVEN a read-only token
    issued = _token(owner, access="read_only")
    # WHEN it asks for a new read_write token
    response = issued.api.post("/api/v1/api-tokens", json={"name": "escalate", "access": "read_write"})
    # THEN it is refused and the user still holds one token
    _forbidden(response)
    assert len(owner.api.get("/api/v1/api-tokens").json_body["data"]) == 1


def test_a_read_only_token_is_refused_every_write_of_the_app(api, owner):
    # GIVEN a read-only token
    issued = _token(owner, access="read_only")
    routing.load_all()
    # WHEN every protected non-GET route is called with it (ids no one owns, an empty body)
    writes = [
        (m, p) for m, p in _protected_routes() if m not in ("GET", "HEAD") and (m, p) not in READ_ONLY_SAFE_ROUTES
    ]
    wrong = []
    for method, path in writes:
        content_type = chalice_app.routes[path][method].content_types[0]
        body = b"{}" if content_type == "application/json" else b""
        response = issued.api.request(method, _concrete(path), body=body, headers={"content-type": content_type})
        if response.status_code != 403 or "read-only" not in response.json_body["error"]["message"]:
            wrong.append(f"{method} {path} -> {response.status_code}")
    # THEN each is refused as a write before anything else is looked at, on both API surfaces
    assert writes and not wrong, wrong


def test_a_read_only_token_may_ask_for_a_file_view_ticket(owner):
    # GIVEN a read-only token
    issued = _token(owner, access="read_only")
    # WHEN it asks for a view ticket (a POST that only grants a short read)
    response = issued.api.post("/api/v1/files/view-ticket", json={})
    # THEN it is not refused as a write (whatever the ticket request itself answers)
    assert not (response.status_code == 403 and "read-only" in response.json_body["error"]["message"])


# --- scoped tokens -------------------------------------------------------------------------------------------


def test_a_scoped_token_uses_its_resource(owner):
    # GIVEN a project, and a token scoped to projects and tasks
    project_id = _project(owner)
    issued = _token(owner, scopes=["projects", "tasks"])
    # WHEN it creates a task in the project and lists the project's tasks
    created = issued.api.post("/api/v1/tasks", json={"title": "From CI", "project_id": project_id})
    listed = issued.api.get(f"/api/v1/tasks?project_id={project_id}")
    # THEN both work
    assert created.status_code == 201
    assert [t["title"] for t in listed.json_body["data"]] == ["From CI"]


def test_a_scoped_token_is_refused_other_resources_naming_the_missing_scope(owner):
    # GIVEN a token scoped to time entries only
    issued = _token(owner, scopes=["time_entries"])
    # WHEN it reads invoices, creates a client and lists tasks
    invoices = issued.api.get("/api/v1/invoices")
    client = issued.api.post("/api/v1/clients", json={"name": "Acme"})
    tasks = issued.api.get("/api/v1/tasks")
    # THEN each is 403 forbidden naming the scope it lacks, and no client was created
    assert "`invoices` scope" in _forbidden(invoices)["message"]
    assert _forbidden(client)["details"] == [{"field": "scopes", "message": "does not include clients"}]
    assert "`tasks` scope" in _forbidden(tasks)["message"]
    assert owner.api.get("/api/v1/clients").json_body["data"] == []
    # AND its own resource answers
    assert issued.api.get("/api/v1/time-entries").status_code == 200


def test_a_scoped_token_is_refused_every_route_of_other_families(api, owner):
    # GIVEN a token scoped to search only
    issued = _token(owner, scopes=["search"])
    routing.load_all()
    # WHEN every protected route outside search (and the identity reads) is called with it
    others = [(m, p) for m, p in _protected_routes() if route_scope(p) != "search" and (m, p) not in IDENTITY_ROUTES]
    wrong = []
    for method, path in others:
        content_type = chalice_app.routes[path][method].content_types[0]
        body = b"{}" if content_type == "application/json" else b""
        response = issued.api.request(method, _concrete(path), body=body, headers={"content-type": content_type})
        missing = f"`{route_scope(path)}` scope"
        if response.status_code != 403 or missing not in response.json_body["error"]["message"]:
            wrong.append(f"{method} {path} -> {response.status_code}")
    # THEN each is refused naming the scope its family needs, before anything else is looked at
    assert others and not wrong, wrong


def test_a_scoped_token_may_still_say_who_it_is(owner):
    # GIVEN a token scoped to time entries
    issued = _token(owner, scopes=["time_entries"])
    # WHEN it calls the identity endpoints integrations use to check a credential
    # THEN both answer with the token's user
    assert issued.api.get("/api/v1/me").json_body["user"]["id"] == owner.user_id
    assert issued.api.get("/api/v1/users/me").json_body["id"] == owner.user_id


def test_scopes_apply_on_the_tatatrack_surface_too(owner):
    # GIVEN a token scoped to the knowledge base, in the TataTrack spelling
    issued = _token(owner, scopes=["kb"])
    alias = owner.api.as_token("tt_live_" + issued.secret.removeprefix("stint_pat_"))
    # WHEN it reads the knowledge base and the tasks of the TataTrack surface
    # THEN the first answers and the second is refused for the tasks scope
    assert alias.get("/api/kb").status_code == 200
    assert "`tasks` scope" in _forbidden(alias.get("/api/tasks"))["message"]


def test_a_scoped_token_cannot_mint_a_wider_token(owner):
    # GIVEN a token scoped to account and tasks
    issued = _token(owner, scopes=["account", "tasks"])
    # WHEN it asks for a token with the invoices scope, and for one without scopes
    wider = issued.api.post("/api/v1/api-tokens", json={"name": "wider", "scopes": ["tasks", "invoices"]})
    inherited = issued.api.post("/api/v1/api-tokens", json={"name": "same"})
    # THEN the first is refused naming invoices, and the second gets the calling token's scopes
    assert "invoices" in _forbidden(wider)["message"]
    assert inherited.status_code == 201
    assert inherited.json_body["scopes"] == ["account", "tasks"]


def test_a_session_is_not_limited_by_scopes(owner):
    # GIVEN a signed-in user (a JWT session) and a project
    # WHEN they use resources of several families
    # THEN none is refused
    assert owner.api.post("/api/v1/clients", json={"name": "Acme"}).status_code == 201
    assert owner.api.get("/api/v1/time-entries").status_code == 200
    assert owner.api.get("/api/v1/audit-logs").status_code == 200


def test_a_token_made_before_scopes_existed_is_read_write_on_everything(owner):
    # GIVEN a token whose stored item has no access and no scopes (as tokens made before decision 94)
    issued = _token(owner)
    stored = ApiToken.get(*ApiToken.keys(digest(issued.secret)))
    stored.update(actions=[ApiToken.access.remove(), ApiToken.scopes.remove()])
    # WHEN it writes in two families and is listed
    client = issued.api.post("/api/v1/clients", json={"name": "Acme"})
    project = issued.api.post("/api/v1/projects", json={"name": "Site"})
    listed = owner.api.get("/api/v1/api-tokens").json_body["data"]
    # THEN it may, and it is shown as read_write on every resource
    assert (client.status_code, project.status_code) == (201, 201)
    assert (listed[0]["access"], listed[0]["scopes"]) == ("read_write", None)


# --- the route table -----------------------------------------------------------------------------------------


def test_every_route_of_the_app_belongs_to_a_scope_family():
    # GIVEN the app's route table (both surfaces)
    routing.load_all()
    # WHEN each route's scope is looked up from its path
    unknown = sorted({path for path in chalice_app.routes if not is_known_route(path)})
    # THEN every family is in the table (a new family must be given a scope in core/auth.py)
    assert unknown == []


def test_every_scope_of_the_catalogue_reaches_some_route():
    # GIVEN the scopes a token may name
    routing.load_all()
    # WHEN the routes' scopes are collected
    used = {route_scope(path) for path in chalice_app.routes}
    # THEN none of the catalogue's scopes is empty
    assert set(SCOPES) <= used


def test_identity_routes_exist():
    assert all(path in chalice_app.routes and method in chalice_app.routes[path] for method, path in IDENTITY_ROUTES)
    assert all(p in chalice_app.routes and m in chalice_app.routes[p] for m, p in READ_ONLY_SAFE_ROUTES)


@pytest.mark.parametrize(
    "path, scope",
    [
        ("/api/v1/tasks/{task_id}/comments", "tasks"),
        ("/api/v1/tasks/bulk", "tasks"),
        ("/api/v1/organizations/{org_id}/projects/{project_id}/milestones", "projects"),
        ("/api/v1/organizations/{org_id}/milestones/{milestone_id}", "projects"),
        ("/api/v1/organizations/{org_id}", "organization"),
        ("/api/v1/entries/{entry_id}", "time_entries"),
        ("/api/team", "members"),
        ("/api/profile/api-tokens", "account"),
        ("/api/v1/health", None),
    ],
)
def test_a_routes_scope_is_its_paths_family(path, scope):
    # WHEN a route template's scope is looked up
    # THEN sub-resources follow their parent, org-level milestones are projects, public routes need none
    assert route_scope(path) == scope
