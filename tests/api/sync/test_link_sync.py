"""Links that are made and unmade but never edited (task dependencies, explicit project members) sync too."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from chalicelib.core.timeutil import to_rfc3339
from tests.api.tasks.helpers import project, task
from tests.support import factories


def _deletions(owner, entity_type: str, since: str) -> list[tuple[str, str | None]]:
    response = owner.api.get(f"/api/v1/sync/deletions?{urlencode({'since': since, 'type': entity_type})}")
    assert response.status_code == 200, response.json_body
    return [(deletion["id"], deletion["project_id"]) for deletion in response.json_body["data"]]


def _link(owner, blocker: str, blocked: str) -> str:
    response = owner.api.post(
        f"/api/v1/tasks/{blocker}/dependencies", json={"depends_on_id": blocked, "dependency_type": "blocks"}
    )
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def test_dependencies_since_a_sync_point_are_the_new_links_and_the_deletions_name_the_removed_ones(owner):
    # GIVEN three tasks, the first blocking the second
    project_id = project(owner, name="Gantt")
    first, second, third = (task(owner, project_id, title=title)["id"] for title in ("Design", "Build", "Ship"))
    removed = _link(owner, first, second)
    since = to_rfc3339(datetime.now(UTC))
    # WHEN that link is removed and the first is made to block the third
    assert owner.api.delete(f"/api/v1/tasks/{first}/dependencies/{removed}").status_code == 204
    made = _link(owner, first, third)
    # THEN both lists since the sync point hold only the new link, and the deletions name the removed one
    query = urlencode({"updated_since": since})
    org_wide = owner.api.get(f"/api/v1/task-dependencies?{query}").json_body["data"]
    of_task = owner.api.get(f"/api/v1/tasks/{first}/dependencies?{query}").json_body["data"]
    assert [link["id"] for link in org_wide] == [made]
    assert [link["id"] for link in of_task] == [made]
    assert _deletions(owner, "dependency", since) == [(removed, project_id)]
    assert len(owner.api.get(f"/api/v1/tasks/{first}/dependencies").json_body["data"]) == 1


def test_project_members_since_a_sync_point_are_the_added_ones_and_the_deletions_name_the_removed_ones(api, owner):
    # GIVEN a project with one explicit member
    project_id = project(owner, name="Restricted")
    leaving, staying = factories.join(api, owner, name="Leaving"), factories.join(api, owner, name="Staying")
    path = f"/api/v1/projects/{project_id}/members"
    assert owner.api.post(path, json={"user_id": leaving.user_id, "role": "member"}).status_code == 201
    since = to_rfc3339(datetime.now(UTC))
    # WHEN that member is removed and another added
    assert owner.api.delete(f"{path}/{leaving.user_id}").status_code == 204
    assert owner.api.post(path, json={"user_id": staying.user_id, "role": "member"}).status_code == 201
    # THEN the members since the sync point are the new one; the deletion names the user and the project
    changed = owner.api.get(f"{path}?{urlencode({'updated_since': since})}").json_body["data"]
    assert [member["user_id"] for member in changed] == [staying.user_id]
    assert _deletions(owner, "project_member", since) == [(leaving.user_id, project_id)]


def test_a_link_list_refuses_a_malformed_updated_since(owner):
    project_id = project(owner, name="Checks")
    task_id = task(owner, project_id)["id"]
    for path in (
        "/api/v1/task-dependencies",
        f"/api/v1/tasks/{task_id}/dependencies",
        f"/api/v1/projects/{project_id}/members",
    ):
        response = owner.api.get(f"{path}?updated_since=yesterday")
        assert (response.status_code, response.json_body["error"]["details"][0]["field"]) == (400, "updated_since")
