"""GET /search: prefix, case- and accent-insensitive, across entity types, only what the caller may see."""

from tests.api.tasks.helpers import project, restricted_project, task
from tests.support import factories


def _search(account, query: str) -> list[tuple[str, str]]:
    response = account.api.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.json_body
    return [(hit["type"], hit["id"]) for hit in response.json_body["data"]]


def test_finds_tasks_and_projects_by_word_prefix_ignoring_case_and_accents(api):
    # GIVEN a project and a task with accented, mixed-case words
    owner = factories.register(api)
    project_id = project(owner, name="Café Relaunch")
    created = task(owner, project_id, title="Résumé page for the CAFÉ site")
    factories.drain_jobs()
    # WHEN searching by a plain lower-case prefix
    hits = _search(owner, "q=cafe")
    # THEN both are found
    assert ("project", project_id) in hits and ("task", created["id"]) in hits
    assert _search(owner, "q=resu") == [("task", created["id"])]


def test_every_word_must_match_and_type_narrows(api):
    owner = factories.register(api)
    project_id = project(owner, name="Website")
    wanted = task(owner, project_id, title="Website login form")
    task(owner, project_id, title="Website footer")
    factories.drain_jobs()
    assert _search(owner, "q=website+login") == [("task", wanted["id"])]
    assert _search(owner, "q=website&type=project") == [("project", project_id)]


def test_renamed_and_deleted_tasks_leave_the_index(api):
    owner = factories.register(api)
    created = task(owner, project(owner), title="Quarterly report")
    factories.drain_jobs()
    owner.api.put(f"/api/v1/tasks/{created['id']}", json={"title": "Annual summary"})
    factories.drain_jobs()
    assert _search(owner, "q=quarterly") == []
    assert _search(owner, "q=annual") == [("task", created["id"])]
    owner.api.delete(f"/api/v1/tasks/{created['id']}")
    factories.drain_jobs()
    assert _search(owner, "q=annual") == []


def test_members_do_not_find_what_they_cannot_see(api):
    # GIVEN a task in a project restricted to the owner, and a member
    owner = factories.register(api)
    member = factories.join(api, owner)
    secret = task(owner, restricted_project(owner), title="Acquisition plan")
    factories.drain_jobs()
    # WHEN each searches THEN only the owner finds it
    assert ("task", secret["id"]) in _search(owner, "q=acquisition")
    assert _search(member, "q=acquisition") == []


def test_other_organizations_are_never_searched(api):
    stranger = factories.register(api)
    task(stranger, project(stranger), title="Unicorn roadmap")
    factories.drain_jobs()
    assert _search(factories.register(api), "q=unicorn") == []


def test_bad_queries_are_400(api):
    owner = factories.register(api)
    assert owner.api.get("/api/v1/search").status_code == 400
    assert owner.api.get("/api/v1/search?q=x").status_code == 400
    assert owner.api.get("/api/v1/search?q=abc&limit=51").status_code == 400
    assert api.get("/api/v1/search?q=abc").status_code == 401


def test_clients_are_found_by_name_and_email(api):
    owner = factories.register(api)
    client = owner.api.post("/api/v1/clients", json={"name": "LVC Beverly Hills", "email": "desk@lvc.example"})
    assert client.status_code == 201, client.json_body
    factories.drain_jobs()
    assert ("client", client.json_body["id"]) in _search(owner, "q=beverly&type=client")
    assert ("client", client.json_body["id"]) in _search(owner, "q=desk")
