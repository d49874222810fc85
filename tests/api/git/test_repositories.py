"""Connecting, listing and disconnecting Git repositories (TRCR "Git Integration")."""

import pytest

from tests.api.git.helpers import audit_entries, connect, error, register_webhook


def test_admin_connects_a_github_repository_linked_to_a_project(owner, project_id):
    # WHEN the owner connects the documented example repository to a project
    body = {"provider": "github", "repo_url": "https://github.com/acme/app", "project_id": project_id}
    response = owner.api.post("/api/v1/git/repositories", json=body)
    # THEN it is connected with a repo_ id, and says where the provider must send its deliveries
    assert response.status_code == 201, response.json_body
    repository = response.json_body
    assert repository["id"].startswith("repo_")
    assert (repository["provider"], repository["repo_url"], repository["full_name"]) == (
        "github",
        "https://github.com/acme/app",
        "acme/app",
    )
    assert repository["project_id"] == project_id
    assert repository["hook_url"].endswith(f"/api/v1/git/hooks/github/{repository['id']}")
    # AND it is listed
    listed = owner.api.get("/api/v1/git/repositories").json_body
    assert [item["id"] for item in listed["data"]] == [repository["id"]]
    assert listed["has_more"] is False


def test_a_gitlab_repository_in_a_subgroup_is_connected_with_its_gitlab_hook_url(owner):
    repository = connect(owner, provider="gitlab", repo_url="https://gitlab.com/acme/web/app.git")
    assert repository["full_name"] == "acme/web/app"
    assert repository["repo_url"] == "https://gitlab.com/acme/web/app"
    assert "/api/v1/git/hooks/gitlab/" in repository["hook_url"]


@pytest.mark.parametrize(
    ("provider", "repo_url"),
    [
        ("github", "https://gitlab.com/acme/app"),
        ("github", "https://github.com/acme"),
        ("github", "https://github.com/acme/app/tree/main"),
        ("github", "http://github.com/acme/app"),
        ("github", "https://github.com/-acme/app"),
        ("github", "https://user:pw@github.com/acme/app"),
        ("gitlab", "https://github.com/acme/app"),
        ("gitlab", "https://gitlab.com/acme"),
        ("gitlab", "not a url"),
    ],
)
def test_a_repo_url_that_does_not_fit_the_provider_is_refused_naming_repo_url(owner, provider, repo_url):
    response = owner.api.post("/api/v1/git/repositories", json={"provider": provider, "repo_url": repo_url})
    body = error(response, 400, "validation_error")
    assert body["details"][0]["field"] == "repo_url"
    assert owner.api.get("/api/v1/git/repositories").json_body["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "bitbucket", "repo_url": "https://bitbucket.org/acme/app"}, "provider"),
        ({"repo_url": "https://github.com/acme/app"}, "provider"),
        ({"provider": "github"}, "repo_url"),
        ({"provider": "github", "repo_url": "https://github.com/acme/app", "id": "repo_x"}, "id"),
    ],
)
def test_missing_unknown_or_extra_fields_are_refused(owner, body, field):
    response = owner.api.post("/api/v1/git/repositories", json=body)
    assert error(response, 400, "validation_error")["details"][0]["field"] == field


def test_a_project_of_another_org_is_refused_naming_project_id(owner, outsider):
    # GIVEN a project of another organization
    from tests.support.task_setup import project

    foreign = project(outsider, name="Theirs")
    # WHEN the owner links a repository to it
    body = {"provider": "github", "repo_url": "https://github.com/acme/app", "project_id": foreign}
    response = owner.api.post("/api/v1/git/repositories", json=body)
    # THEN it is a 400 naming project_id, and nothing was connected
    assert error(response, 400, "validation_error")["details"][0]["field"] == "project_id"
    assert owner.api.get("/api/v1/git/repositories").json_body["data"] == []


def test_the_same_repository_cannot_be_connected_twice_in_an_org(owner, outsider):
    connect(owner, repo_url="https://github.com/acme/app")
    # WHEN it is connected again, spelled differently
    response = owner.api.post(
        "/api/v1/git/repositories", json={"provider": "github", "repo_url": "https://github.com/ACME/App.git"}
    )
    # THEN it is a conflict; another org may connect it too
    error(response, 409, "conflict")
    connect(outsider, repo_url="https://github.com/acme/app")


def test_members_list_repositories_but_only_admins_connect_and_disconnect(owner, member, admin):
    repository = connect(admin)
    assert [r["id"] for r in member.api.get("/api/v1/git/repositories").json_body["data"]] == [repository["id"]]
    body = {"provider": "github", "repo_url": "https://github.com/acme/other"}
    error(member.api.post("/api/v1/git/repositories", json=body), 403, "forbidden")
    error(member.api.delete(f"/api/v1/git/repositories/{repository['id']}"), 403, "forbidden")


def test_disconnecting_removes_the_repository_and_its_webhooks_and_frees_the_url(owner):
    # GIVEN a repository with a webhook
    repository = connect(owner)
    webhook = register_webhook(owner, repository["id"])
    # WHEN it is disconnected
    response = owner.api.delete(f"/api/v1/git/repositories/{repository['id']}")
    # THEN it is gone with its webhook, a second disconnect is 404, and it can be connected again
    assert response.status_code == 204
    assert owner.api.get("/api/v1/git/repositories").json_body["data"] == []
    assert owner.api.get("/api/v1/git/webhooks").json_body["data"] == []
    error(owner.api.delete(f"/api/v1/git/repositories/{repository['id']}"), 404, "not_found")
    error(owner.api.delete(f"/api/v1/git/webhooks/{webhook['id']}"), 404, "not_found")
    connect(owner)


def test_connecting_and_disconnecting_are_audited(owner):
    repository = connect(owner)
    owner.api.delete(f"/api/v1/git/repositories/{repository['id']}")
    entries = audit_entries(owner, entity_id=repository["id"])
    assert [entry["action"] for entry in entries] == ["deleted", "created"]
    assert entries[1]["changes"]["repo_url"] == {"from": None, "to": "https://github.com/acme/app"}
    assert all(entry["entity_type"] == "git_repository" and entry["user_id"] == owner.user_id for entry in entries)


def test_a_deleted_project_is_unlinked_from_its_repositories(owner, project_id):
    from tests.support import factories

    repository = connect(owner, project_id=project_id)
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    [listed] = owner.api.get("/api/v1/git/repositories").json_body["data"]
    assert listed["id"] == repository["id"] and listed["project_id"] is None


def test_repositories_are_paged(owner):
    for name in ("one", "two", "three"):
        connect(owner, repo_url=f"https://github.com/acme/{name}")
    first = owner.api.get("/api/v1/git/repositories?per_page=2").json_body
    assert len(first["data"]) == 2 and first["has_more"] is True
    rest = owner.api.get(f"/api/v1/git/repositories?per_page=2&cursor={first['next_cursor']}").json_body
    assert [r["full_name"] for r in first["data"] + rest["data"]] == ["acme/one", "acme/two", "acme/three"]
