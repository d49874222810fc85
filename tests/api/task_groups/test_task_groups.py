"""Task groups: listing by position, create/rename/delete, reorder, and their role in tasks' group_id."""

import pytest

from chalicelib.task_groups.models import TaskGroup
from tests.api.task_groups import helpers
from tests.support import factories

BASE = "/api/v1/projects/{project_id}/task-groups"


def _url(project_id: str, suffix: str = "") -> str:
    return BASE.format(project_id=project_id) + suffix


# --- happy paths ---------------------------------------------------------------------------------------------


def test_created_groups_are_listed_in_the_order_they_were_created(owner, project_id):
    # GIVEN three groups created one after the other
    for name in ("Backlog", "Doing", "Done"):
        helpers.group(owner, project_id, name)
    # WHEN the project's groups are listed
    names = helpers.listed_names(owner, project_id)
    # THEN they come in creation order (each new group is appended at the end)
    assert names == ["Backlog", "Doing", "Done"]


def test_create_returns_the_group_with_its_project_and_position(owner, project_id):
    # WHEN a group is created
    response = owner.api.post(_url(project_id), json={"name": "  Backlog  "})
    # THEN it is a 201 with a grp_ id, the trimmed name, its project and a position
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["id"].startswith("grp_")
    assert (body["name"], body["project_id"]) == ("Backlog", project_id)
    assert body["position"] and body["created_at"] and body["updated_at"]


def test_reorder_changes_the_listed_order(owner, project_id):
    # GIVEN groups A, B, C
    a, b, c = (helpers.group(owner, project_id, name)["id"] for name in "ABC")
    # WHEN they are reordered to C, A, B
    response = owner.api.put(_url(project_id, "/reorder"), json={"order": [c, a, b]})
    # THEN the answer and every later listing follow the new order
    assert response.status_code == 200, response.json_body
    assert [item["id"] for item in response.json_body["data"]] == [c, a, b]
    assert [item["id"] for item in helpers.listed(owner, project_id)] == [c, a, b]


def test_moving_one_group_leaves_the_others_positions_untouched(owner, project_id):
    # GIVEN groups A, B, C, D
    groups = [helpers.group(owner, project_id, name) for name in "ABCD"]
    before = {item["id"]: item["position"] for item in groups}
    a, b, c, d = before
    # WHEN D is moved to the front
    new_order = [d, a, b, c]
    owner.api.put(_url(project_id, "/reorder"), json={"order": new_order})
    # THEN only D got a new position (fractional ranks); the list follows the new order
    after = {item["id"]: item["position"] for item in helpers.listed(owner, project_id)}
    assert [group_id for group_id in before if after[group_id] != before[group_id]] == [d]
    assert list(after) == new_order


def test_reordering_twice_keeps_the_latest_order(owner, project_id):
    # GIVEN groups A, B, C reordered once to C, B, A
    a, b, c = (helpers.group(owner, project_id, name)["id"] for name in "ABC")
    owner.api.put(_url(project_id, "/reorder"), json={"order": [c, b, a]})
    # WHEN they are reordered again to B, C, A
    owner.api.put(_url(project_id, "/reorder"), json={"order": [b, c, a]})
    # THEN the list is B, C, A
    assert [item["id"] for item in helpers.listed(owner, project_id)] == [b, c, a]


def test_a_group_can_be_renamed(owner, project_id):
    # GIVEN a group
    group = helpers.group(owner, project_id, "Backlog")
    # WHEN it is renamed
    response = owner.api.put(_url(project_id, f"/{group['id']}"), json={"name": "Sprint Backlog"})
    # THEN the new name is answered, listed and audited
    assert response.status_code == 200, response.json_body
    assert response.json_body["name"] == "Sprint Backlog"
    assert helpers.listed_names(owner, project_id) == ["Sprint Backlog"]
    assert helpers.audit_actions(owner, group["id"]) == ["updated", "created"]


def test_a_project_manager_can_create_groups(api, owner, member, project_id):
    # GIVEN a member who manages the project
    helpers.make_manager(owner, project_id, member)
    # WHEN they create a group
    response = member.api.post(_url(project_id), json={"name": "Backlog"})
    # THEN it is created
    assert response.status_code == 201, response.json_body
    assert helpers.listed_names(owner, project_id) == ["Backlog"]


def test_a_member_without_manage_tasks_can_list_groups(owner, member, project_id):
    # GIVEN a group in a project open to the whole org
    helpers.group(owner, project_id, "Backlog")
    # WHEN a plain member lists the groups
    names = helpers.listed_names(member, project_id)
    # THEN they see it
    assert names == ["Backlog"]


# --- tasks and groups ----------------------------------------------------------------------------------------


def test_a_task_can_be_created_in_a_group_of_its_project(owner, project_id):
    # GIVEN a group of the project
    group = helpers.group(owner, project_id)
    # WHEN a task is created in it
    task = helpers.task(owner, project_id, group_id=group["id"])
    # THEN the task carries the group
    assert task["group_id"] == group["id"]


def test_creating_a_task_with_a_group_of_another_project_is_400_naming_group_id(owner, project_id):
    # GIVEN a group of another project in the same org
    foreign_group = helpers.group(owner, helpers.project(owner, name="Other"))
    # WHEN a task is created in this project with that group
    body = {"title": "x", "project_id": project_id, "group_id": foreign_group["id"]}
    response = owner.api.post("/api/v1/tasks", json=body)
    # THEN it is refused naming group_id
    helpers.field_error(response, "group_id")


def test_deleting_a_group_moves_its_tasks_to_the_default_group(owner, project_id):
    # GIVEN a group holding two tasks, and a task already in the default group
    group = helpers.group(owner, project_id)
    grouped = [helpers.task(owner, project_id, title=t, group_id=group["id"])["id"] for t in ("one", "two")]
    ungrouped = helpers.task(owner, project_id, title="loose")["id"]
    # WHEN the group is deleted and background jobs have run
    response = owner.api.delete(_url(project_id, f"/{group['id']}"))
    assert response.status_code == 204, response.json_body
    factories.drain_jobs()
    # THEN the group is gone and its tasks are in the default group, after the tasks already there, in order
    assert helpers.listed(owner, project_id) == []
    for task_id in grouped:
        assert owner.api.get(f"/api/v1/tasks/{task_id}").json_body["group_id"] is None
    by_position = owner.api.get(f"/api/v1/tasks?project_id={project_id}&sort=position&order=asc")
    assert [task["id"] for task in by_position.json_body["data"]] == [ungrouped, *grouped]
    assert helpers.audit_actions(owner, group["id"]) == ["deleted", "created"]


def test_a_deleted_group_can_no_longer_be_given_to_a_task(owner, project_id):
    # GIVEN a deleted group
    group = helpers.group(owner, project_id)
    owner.api.delete(_url(project_id, f"/{group['id']}"))
    # WHEN a task is created in it
    response = owner.api.post("/api/v1/tasks", json={"title": "x", "project_id": project_id, "group_id": group["id"]})
    # THEN it is refused naming group_id
    helpers.field_error(response, "group_id")


def test_deleting_a_project_removes_its_groups(owner, project_id):
    # GIVEN a project with two groups
    helpers.group(owner, project_id, "A")
    helpers.group(owner, project_id, "B")
    # WHEN the project is deleted and background jobs have run
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    # THEN no group of that project is stored any more
    pk = TaskGroup.keys(owner.org_id, project_id, "")[0]
    assert list(TaskGroup.query(pk, TaskGroup.SK.startswith(TaskGroup.project_prefix(project_id)))) == []


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": ""}, "name"), ({"name": "x" * 101}, "name"), ({}, "name"), ({"name": "A", "position": 1}, "position")],
)
def test_invalid_create_is_400_naming_the_field_and_writes_nothing(owner, project_id, body, field):
    # WHEN a group is created with bad input
    response = owner.api.post(_url(project_id), json=body)
    # THEN it is refused naming the field, and there is still no group
    helpers.field_error(response, field)
    assert helpers.listed(owner, project_id) == []


def test_renaming_to_null_is_400_and_keeps_the_name(owner, project_id):
    # GIVEN a group
    group = helpers.group(owner, project_id, "Backlog")
    # WHEN its name is set to null
    response = owner.api.put(_url(project_id, f"/{group['id']}"), json={"name": None})
    # THEN it is refused naming name, and the name stays
    helpers.field_error(response, "name")
    assert helpers.listed_names(owner, project_id) == ["Backlog"]


@pytest.mark.parametrize("case", ["missing", "duplicate", "foreign", "unknown"])
def test_reorder_must_list_exactly_the_projects_groups(owner, project_id, case):
    # GIVEN groups A and B, and a group of another project
    a, b = (helpers.group(owner, project_id, name)["id"] for name in "AB")
    foreign = helpers.group(owner, helpers.project(owner, name="Other"))["id"]
    order = {
        "missing": [b],
        "duplicate": [b, a, a],
        "foreign": [b, a, foreign],
        "unknown": [b, a, "grp_nope"],
    }[case]
    # WHEN the order is not exactly the project's groups
    response = owner.api.put(_url(project_id, "/reorder"), json={"order": order})
    # THEN it is refused naming order, and the order is unchanged
    helpers.field_error(response, "order")
    assert [item["id"] for item in helpers.listed(owner, project_id)] == [a, b]


# --- authentication, other orgs, permissions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("POST", ""),
        ("PUT", "/reorder"),
        ("PUT", "/grp_01JD0000000000000000000000"),
        ("DELETE", "/grp_01JD0000000000000000000000"),
    ],
)
def test_requests_without_credentials_are_401(api, owner, project_id, method, suffix):
    # WHEN a task-group route is called without a token
    response = api.request(method, _url(project_id, suffix), json={"name": "x", "order": []})
    # THEN it is 401
    helpers.status(response, 401, "unauthorized")


def test_another_orgs_project_is_404(owner, outsider, project_id):
    # GIVEN a group in the owner's project
    group = helpers.group(owner, project_id)
    # WHEN the owner of another org lists, creates, renames or deletes there
    responses = [
        outsider.api.get(_url(project_id)),
        outsider.api.post(_url(project_id), json={"name": "x"}),
        outsider.api.put(_url(project_id, f"/{group['id']}"), json={"name": "x"}),
        outsider.api.delete(_url(project_id, f"/{group['id']}")),
        outsider.api.put(_url(project_id, "/reorder"), json={"order": [group["id"]]}),
    ]
    # THEN every answer is 404 and the group is untouched
    assert [response.status_code for response in responses] == [404] * 5
    assert helpers.listed_names(owner, project_id) == ["Backlog"]


def test_another_orgs_group_in_my_project_path_is_404(owner, outsider, project_id):
    # GIVEN a group of another org
    foreign = helpers.group(outsider, helpers.project(outsider))
    # WHEN the owner addresses it under their own project
    response = owner.api.put(_url(project_id, f"/{foreign['id']}"), json={"name": "mine"})
    # THEN it is 404
    helpers.status(response, 404, "not_found")


def test_a_group_addressed_under_another_project_is_404(owner, project_id):
    # GIVEN a group of another project of the same org
    other_project = helpers.project(owner, name="Other")
    group = helpers.group(owner, other_project)
    # WHEN it is deleted through this project's path
    response = owner.api.delete(_url(project_id, f"/{group['id']}"))
    # THEN it is 404 and the group still exists
    helpers.status(response, 404, "not_found")
    assert helpers.listed_names(owner, other_project) == ["Backlog"]


def test_a_member_without_manage_tasks_cannot_change_groups(owner, member, project_id):
    # GIVEN a group
    group = helpers.group(owner, project_id, "Backlog")
    # WHEN a plain member creates, renames, deletes or reorders
    responses = [
        member.api.post(_url(project_id), json={"name": "x"}),
        member.api.put(_url(project_id, f"/{group['id']}"), json={"name": "x"}),
        member.api.delete(_url(project_id, f"/{group['id']}")),
        member.api.put(_url(project_id, "/reorder"), json={"order": [group["id"]]}),
    ]
    # THEN every answer is 403 and nothing changed
    assert [response.status_code for response in responses] == [403] * 4
    assert helpers.listed_names(owner, project_id) == ["Backlog"]


def test_a_restricted_project_is_404_to_members_outside_it(api, owner, member, project_id):
    # GIVEN the project restricted to a manager who is not the member
    manager = factories.join(api, owner, name="Mia Manager")
    helpers.make_manager(owner, project_id, manager)
    # WHEN the member lists its groups
    response = member.api.get(_url(project_id))
    # THEN it is 404
    helpers.status(response, 404, "not_found")
