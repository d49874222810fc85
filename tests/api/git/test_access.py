"""Who may call the Git routes: no token → 401, another org's ids → 404 (and untouched), members → 403."""

import pytest

from tests.api.git.helpers import activity, commit, connect, error, github_delivery, push, register_webhook, run_jobs

# (method, path, body) with `{repo}`, `{whk}` and `{tsk}` standing for a repository, a webhook and a task.
ID_ROUTES = [
    ("DELETE", "/api/v1/git/repositories/{repo}", None),
    ("DELETE", "/api/v1/git/webhooks/{whk}", None),
    ("GET", "/api/v1/tasks/{tsk}/git-activity", None),
]
ALL_ROUTES = [
    ("GET", "/api/v1/git/repositories", None),
    ("POST", "/api/v1/git/repositories", {"provider": "github", "repo_url": "https://github.com/acme/app"}),
    ("GET", "/api/v1/git/webhooks", None),
    ("POST", "/api/v1/git/webhooks", {"repository_id": "{repo}", "events": ["push"], "url": "https://x.example/h"}),
    *ID_ROUTES,
]
ADMIN_ONLY_ROUTES = [route for route in ALL_ROUTES if route[0] != "GET" or route[1] == "/api/v1/git/webhooks"]
ADMIN_ONLY_ROUTES = [route for route in ADMIN_ONLY_ROUTES if "git-activity" not in route[1]]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


def _fill(value, ids: dict):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.fixture
def existing(api, owner, login_task) -> dict:
    """A repository of the owner's org with a webhook, and a task with one linked commit."""
    repository = connect(owner)
    webhook = register_webhook(owner, repository["id"])
    github_delivery(api, repository["id"], "push", push(commit(f"Start {login_task['id']}")))
    run_jobs()
    return {"repo": repository["id"], "whk": webhook["id"], "tsk": login_task["id"]}


def _untouched(owner, existing: dict) -> bool:
    repositories = owner.api.get("/api/v1/git/repositories").json_body["data"]
    webhooks = owner.api.get("/api/v1/git/webhooks").json_body["data"]
    return (
        [r["id"] for r in repositories] == [existing["repo"]]
        and [w["id"] for w in webhooks] == [existing["whk"]]
        and len(activity(owner, existing["tsk"])) == 1
    )


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_every_git_route_needs_a_token(api, route):
    method, path, body = route
    ids = {"repo": "repo_01JD0000000000000000000000", "whk": "whk_01JD0000000000000000000000"}
    ids["tsk"] = "tsk_01JD0000000000000000000000"
    error(api.request(method, path.format(**ids), json=_fill(body, ids)), 401, "unauthorized")


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_left_untouched(owner, outsider, existing, route):
    # GIVEN a repository, webhook and linked task in the owner's org, and the owner of another org
    method, path, body = route
    # WHEN the outsider uses their ids
    response = outsider.api.request(method, path.format(**existing), json=body)
    # THEN they do not exist for the outsider, and nothing changed
    error(response, 404, "not_found")
    assert _untouched(owner, existing)


def test_another_orgs_repository_is_never_listed(owner, outsider, existing):
    assert outsider.api.get("/api/v1/git/repositories").json_body["data"] == []
    assert outsider.api.get("/api/v1/git/webhooks").json_body["data"] == []
    assert outsider.api.get(f"/api/v1/git/webhooks?repository_id={existing['repo']}").json_body["data"] == []


@pytest.mark.parametrize("route", ADMIN_ONLY_ROUTES, ids=_route_id)
def test_members_are_forbidden_the_admin_routes(owner, member, existing, route):
    method, path, body = route
    response = member.api.request(method, path.format(**existing), json=_fill(body, existing))
    error(response, 403, "forbidden")
    assert _untouched(owner, existing)


def test_members_read_repositories_and_the_activity_of_tasks_they_see(member, existing):
    assert [r["id"] for r in member.api.get("/api/v1/git/repositories").json_body["data"]] == [existing["repo"]]
    assert len(activity(member, existing["tsk"])) == 1
