"""Task dependencies: blocks / blocked_by links, listed per task (both directions) and org-wide, never cyclic."""

import pytest

from chalicelib.dependencies import service as dependency_service
from chalicelib.dependencies.models import Dependency
from tests.support import factories, task_setup
from tests.support.task_setup import field_error, ids, status

UNKNOWN_TASK = "tsk_01JD0000000000000000000000"


def deps_url(task_id: str) -> str:
    return f"/api/v1/tasks/{task_id}/dependencies"


def link(account, task_id: str, depends_on_id: str, dependency_type: str = "blocks"):
    return account.api.post(
        deps_url(task_id), json={"depends_on_id": depends_on_id, "dependency_type": dependency_type}
    )


def linked(account, task_id: str, depends_on_id: str, dependency_type: str = "blocks") -> dict:
    response = link(account, task_id, depends_on_id, dependency_type)
    assert response.status_code == 201, response.json_body
    return response.json_body


def of_task(account, task_id: str) -> list[dict]:
    response = account.api.get(deps_url(task_id))
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def org_wide(account, query: str = "") -> list[dict]:
    response = account.api.get("/api/v1/task-dependencies" + query)
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def pairs(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(item["task_id"], item["dependency_type"], item["depends_on_id"]) for item in items}


# --- creating and listing ------------------------------------------------------------------------------------


def test_a_link_is_created_with_the_related_task_nested(owner, project_id, a, b):
    # WHEN A is marked as blocked by B
    response = link(owner, a["id"], b["id"], "blocked_by")
    # THEN it is a 201 with a dep_ id, worded from A, nesting B
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("dep_")
    assert (created["task_id"], created["depends_on_id"], created["dependency_type"]) == (
        a["id"],
        b["id"],
        "blocked_by",
    )
    assert created["created_at"].endswith("Z")
    nested = created["depends_on"]
    assert (nested["id"], nested["title"], nested["status"]) == (b["id"], "B: build", "open")
    assert (nested["project_id"], nested["due_date"]) == (project_id, "2026-04-20")


def test_each_task_lists_the_link_from_its_own_side(owner, a, b):
    # GIVEN A blocks B
    created = linked(owner, a["id"], b["id"], "blocks")
    # WHEN each task's dependencies are listed
    from_a, from_b = of_task(owner, a["id"]), of_task(owner, b["id"])
    # THEN A says it blocks B, and B says it is blocked by A — the same link id, each nesting the other task
    assert [(d["id"], d["dependency_type"], d["depends_on_id"]) for d in from_a] == [(created["id"], "blocks", b["id"])]
    assert [(d["id"], d["dependency_type"], d["depends_on_id"]) for d in from_b] == [
        (created["id"], "blocked_by", a["id"])
    ]
    assert (from_a[0]["depends_on"]["id"], from_b[0]["depends_on"]["id"]) == (b["id"], a["id"])


def test_a_task_lists_links_in_both_directions(owner, a, b, c):
    # GIVEN A blocks B and C blocks B
    linked(owner, a["id"], b["id"], "blocks")
    linked(owner, b["id"], c["id"], "blocked_by")
    # WHEN B's dependencies are listed
    # THEN both blockers are there
    assert pairs(of_task(owner, b["id"])) == {(b["id"], "blocked_by", a["id"]), (b["id"], "blocked_by", c["id"])}
    assert pairs(of_task(owner, a["id"])) == {(a["id"], "blocks", b["id"])}


def test_the_org_wide_list_has_every_link_without_the_nested_task(owner, a, b, c):
    # GIVEN two links, created from different sides
    first = linked(owner, a["id"], b["id"], "blocks")
    second = linked(owner, c["id"], b["id"], "blocked_by")
    # WHEN the org-wide list is read
    data = org_wide(owner)
    # THEN each link is there once, worded as created, with exactly the documented fields
    assert sorted(ids(data)) == sorted([first["id"], second["id"]])
    assert all(set(item) == {"id", "task_id", "depends_on_id", "dependency_type", "created_at"} for item in data)
    assert pairs(data) == {(a["id"], "blocks", b["id"]), (c["id"], "blocked_by", b["id"])}


def test_the_org_wide_list_is_paged(owner, a, b, c):
    # GIVEN two links
    linked(owner, a["id"], b["id"])
    linked(owner, b["id"], c["id"])
    # WHEN the org-wide list is read one per page
    first = owner.api.get("/api/v1/task-dependencies?per_page=1").json_body
    second = owner.api.get(f"/api/v1/task-dependencies?per_page=1&cursor={first['next_cursor']}").json_body
    # THEN the pages hold different links and the second is the last
    assert first["has_more"] is True and second["has_more"] is False
    assert len(first["data"]) == len(second["data"]) == 1
    assert first["data"][0]["id"] != second["data"][0]["id"]


def test_links_across_projects_of_the_org_are_allowed(owner, a):
    # GIVEN a task in another project of the org
    other = task_setup.task(owner, task_setup.project(owner, name="Mobile"), title="Mobile release")
    # WHEN A is linked to it
    response = link(owner, a["id"], other["id"])
    # THEN the link is created
    assert response.status_code == 201, response.json_body


def test_creating_and_deleting_links_is_audited(owner, a, b):
    # GIVEN a link created and then deleted
    created = linked(owner, a["id"], b["id"])
    owner.api.delete(f"{deps_url(a['id'])}/{created['id']}")
    # WHEN the audit log is read
    # THEN both changes are recorded
    assert task_setup.audit_actions(owner, "task_dependency") == ["deleted", "created"]


# --- rules: self, duplicates, cycles -------------------------------------------------------------------------


def test_a_task_cannot_depend_on_itself(owner, a):
    # WHEN A is linked to A
    response = link(owner, a["id"], a["id"])
    # THEN it is a 400 naming depends_on_id and nothing is written
    field_error(response, "depends_on_id")
    assert org_wide(owner) == []


@pytest.mark.parametrize("dependency_type", ["blocks", "blocked_by"])
def test_the_same_link_twice_is_a_conflict_from_either_side(owner, a, b, dependency_type):
    # GIVEN A blocks B
    linked(owner, a["id"], b["id"], "blocks")
    # WHEN the same relation is added again, from A or worded from B
    response = (
        link(owner, a["id"], b["id"], "blocks")
        if dependency_type == "blocks"
        else link(owner, b["id"], a["id"], "blocked_by")
    )
    # THEN it is a 409 and there is still one link
    status(response, 409, "conflict")
    assert len(org_wide(owner)) == 1


@pytest.mark.parametrize(
    "task_key, other_key, dependency_type",
    [("b", "a", "blocks"), ("a", "b", "blocked_by")],
    ids=["b-blocks-a", "a-blocked-by-b"],
)
def test_the_reverse_of_an_existing_link_is_a_cycle(owner, a, b, task_key, other_key, dependency_type):
    # GIVEN A blocks B
    linked(owner, a["id"], b["id"], "blocks")
    tasks = {"a": a, "b": b}
    # WHEN B is made to block A (in either wording)
    response = link(owner, tasks[task_key]["id"], tasks[other_key]["id"], dependency_type)
    # THEN it is a 409 conflict and only the first link exists
    status(response, 409, "conflict")
    assert len(org_wide(owner)) == 1


def test_a_link_closing_a_longer_cycle_is_a_conflict(owner, a, b, c):
    # GIVEN A blocks B and B blocks C
    linked(owner, a["id"], b["id"], "blocks")
    linked(owner, b["id"], c["id"], "blocks")
    # WHEN C is made to block A
    response = link(owner, c["id"], a["id"], "blocks")
    # THEN it is a 409 conflict and nothing more is written
    status(response, 409, "conflict")
    assert pairs(org_wide(owner)) == {(a["id"], "blocks", b["id"]), (b["id"], "blocks", c["id"])}
    assert task_setup.audit_actions(owner, "task_dependency") == ["created", "created"]


def test_converging_paths_are_not_mistaken_for_a_cycle(owner, project_id, a, b, c):
    # GIVEN A blocks B and C, and B blocks D
    d = task_setup.task(owner, project_id, title="D: announce")
    for blocker, blocked in ((a, b), (a, c), (b, d)):
        linked(owner, blocker["id"], blocked["id"])
    # WHEN C is made to block D too (a diamond, not a cycle)
    response = link(owner, c["id"], d["id"])
    # THEN it is created
    assert response.status_code == 201, response.json_body


def test_a_cycle_made_by_a_link_added_during_the_check_is_still_refused(owner, a, b, monkeypatch):
    # GIVEN another request that makes A block B while this request is checking "B blocks A" for cycles
    real_reaches, raced = dependency_service._reaches, {}

    def reaches_while_someone_links(org_id, start, target):
        found = real_reaches(org_id, start, target)
        if "link" not in raced:
            raced["link"] = None  # the racing request runs this check too: let it through
            raced["link"] = linked(owner, a["id"], b["id"], "blocks")
        return found

    monkeypatch.setattr(dependency_service, "_reaches", reaches_while_someone_links)
    # WHEN B is made to block A
    response = link(owner, b["id"], a["id"], "blocks")
    # THEN the graph version changed under it, the re-check sees the cycle: 409, and only the raced link exists
    status(response, 409, "conflict")
    assert ids(org_wide(owner)) == [raced["link"]["id"]]


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"dependency_type": "blocks"}, "depends_on_id"),
        ({"depends_on_id": "", "dependency_type": "blocks"}, "depends_on_id"),
        ({"depends_on_id": UNKNOWN_TASK, "dependency_type": "blocks"}, "depends_on_id"),
        ({"depends_on_id": "not-an-id", "dependency_type": "blocks"}, "depends_on_id"),
        ({"depends_on_id": "B", "dependency_type": "depends"}, "dependency_type"),
        ({"depends_on_id": "B"}, "dependency_type"),
        ({"depends_on_id": "B", "dependency_type": "blocks", "id": "dep_x"}, "id"),
    ],
    ids=["missing-task", "empty-task", "unknown-task", "malformed-task", "bad-type", "missing-type", "extra-field"],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_written(owner, a, b, body, field):
    # WHEN a link is posted with bad input
    body = {key: (b["id"] if value == "B" else value) for key, value in body.items()}
    response = owner.api.post(deps_url(a["id"]), json=body)
    # THEN it is a 400 naming the field, and no link or audit entry exists
    field_error(response, field)
    assert org_wide(owner) == []
    assert task_setup.audit_actions(owner, "task_dependency") == []


def test_a_task_of_another_org_is_400_naming_depends_on_id(owner, outsider, a):
    # GIVEN a task in another organization
    foreign = task_setup.task(outsider, task_setup.project(outsider))
    # WHEN A is linked to it
    response = link(owner, a["id"], foreign["id"])
    # THEN it is a 400 naming depends_on_id and nothing is written
    field_error(response, "depends_on_id")
    assert org_wide(owner) == []


# --- permissions ---------------------------------------------------------------------------------------------


def test_a_plain_member_cannot_add_a_link(owner, member, a, b):
    # WHEN a member without manage_tasks links two tasks
    response = link(member, a["id"], b["id"])
    # THEN it is a 403 and nothing is written
    status(response, 403, "forbidden")
    assert org_wide(owner) == []


def test_a_plain_member_cannot_remove_a_link_but_can_read_them(owner, member, a, b):
    # GIVEN a link
    created = linked(owner, a["id"], b["id"])
    # WHEN a member without manage_tasks deletes it
    response = member.api.delete(f"{deps_url(a['id'])}/{created['id']}")
    # THEN it is a 403, and the member still sees the link
    status(response, 403, "forbidden")
    assert ids(of_task(member, a["id"])) == [created["id"]]
    assert ids(org_wide(member)) == [created["id"]]


def test_a_project_manager_adds_and_removes_links(api, owner, project_id, a, b):
    # GIVEN a member who manages the project
    manager = factories.join(api, owner, role="member", name="Mia Manager")
    task_setup.make_manager(owner, project_id, manager)
    # WHEN the manager links two tasks and removes the link
    created = linked(manager, a["id"], b["id"])
    response = manager.api.delete(f"{deps_url(b['id'])}/{created['id']}")
    # THEN both succeed
    assert response.status_code == 204
    assert org_wide(owner) == []


# --- deleting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["a", "b"])
def test_a_link_is_removed_by_its_id_from_either_task(owner, a, b, side):
    # GIVEN A blocks B
    created = linked(owner, a["id"], b["id"])
    # WHEN the link is deleted through one of its tasks
    response = owner.api.delete(f"{deps_url({'a': a, 'b': b}[side]['id'])}/{created['id']}")
    # THEN it is gone everywhere
    assert response.status_code == 204
    assert of_task(owner, a["id"]) == of_task(owner, b["id"]) == org_wide(owner) == []


def test_a_link_of_other_tasks_cannot_be_removed_through_this_task(owner, a, b, c):
    # GIVEN A blocks B
    created = linked(owner, a["id"], b["id"])
    # WHEN it is deleted through C, which it does not touch
    response = owner.api.delete(f"{deps_url(c['id'])}/{created['id']}")
    # THEN it is a 404 and the link stays
    status(response, 404, "not_found")
    assert ids(org_wide(owner)) == [created["id"]]


@pytest.mark.parametrize("dependency_id", ["dep_01JD0000000000000000000000", "nope"])
def test_an_unknown_or_malformed_link_id_is_404(owner, a, dependency_id):
    # WHEN a link that does not exist is deleted
    response = owner.api.delete(f"{deps_url(a['id'])}/{dependency_id}")
    # THEN it is a 404
    status(response, 404, "not_found")


# --- authentication, tenancy and visibility ------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", f"/api/v1/tasks/{UNKNOWN_TASK}/dependencies"),
        ("post", f"/api/v1/tasks/{UNKNOWN_TASK}/dependencies"),
        ("delete", f"/api/v1/tasks/{UNKNOWN_TASK}/dependencies/dep_01JD0000000000000000000000"),
        ("get", "/api/v1/task-dependencies"),
    ],
)
def test_every_dependency_route_needs_authentication(api, method, path):
    # WHEN a dependency route is called without credentials
    response = getattr(api, method)(path, json={"depends_on_id": UNKNOWN_TASK, "dependency_type": "blocks"})
    # THEN it is a 401
    status(response, 401, "unauthorized")


def test_another_orgs_task_and_links_are_404_and_not_listed(owner, outsider, a, b):
    # GIVEN a link in the owner's org
    created = linked(owner, a["id"], b["id"])
    # WHEN another org's owner reads, adds to or deletes the task's links, and lists their own org's links
    reading = outsider.api.get(deps_url(a["id"]))
    adding = link(outsider, a["id"], b["id"], "blocked_by")
    deleting = outsider.api.delete(f"{deps_url(a['id'])}/{created['id']}")
    # THEN each is a 404, their org-wide list is empty and the link is intact
    for response in (reading, adding, deleting):
        status(response, 404, "not_found")
    assert org_wide(outsider) == []
    assert ids(org_wide(owner)) == [created["id"]]


def test_a_member_sees_only_links_whose_two_tasks_they_can_see(api, owner, member, a, b):
    # GIVEN a project restricted to someone else, with a task linked to A, and a link inside A's open project
    private = task_setup.project(owner, name="Private")
    task_setup.add_to_project(owner, private, factories.join(api, owner, name="Insider"))
    hidden = task_setup.task(owner, private, title="Secret")
    visible_link = linked(owner, a["id"], b["id"])
    hidden_link = linked(owner, hidden["id"], a["id"])
    # WHEN the member lists the org's links and A's links
    # THEN only the link between visible tasks is there; the owner (admin) sees both
    assert ids(org_wide(member)) == [visible_link["id"]]
    assert ids(of_task(member, a["id"])) == [visible_link["id"]]
    assert sorted(ids(org_wide(owner))) == sorted([visible_link["id"], hidden_link["id"]])


def test_a_manager_cannot_link_to_a_task_they_cannot_see(api, owner, project_id, a):
    # GIVEN a manager of A's project, and a task in a project restricted to someone else
    manager = factories.join(api, owner, role="member", name="Mia Manager")
    task_setup.make_manager(owner, project_id, manager)
    private = task_setup.project(owner, name="Private")
    task_setup.add_to_project(owner, private, factories.join(api, owner, name="Insider"))
    hidden = task_setup.task(owner, private, title="Secret")
    # WHEN the manager links A to the hidden task
    response = link(manager, a["id"], hidden["id"])
    # THEN it is a 400 naming depends_on_id, as for a task that does not exist, and nothing is written
    field_error(response, "depends_on_id")
    assert org_wide(owner) == []


# --- cleanup -------------------------------------------------------------------------------------------------


def test_deleting_a_task_deletes_its_links_in_both_directions_in_the_background(owner, a, b, c):
    # GIVEN A blocks B, B blocks C, and A blocks C
    linked(owner, a["id"], b["id"])
    linked(owner, b["id"], c["id"])
    kept = linked(owner, a["id"], c["id"])
    # WHEN B is deleted and the background jobs run (and run again: the cleanup is idempotent)
    task_setup.delete_task(owner, b["id"])
    factories.drain_jobs()
    task_setup.rerun_task_deleted_job(owner, b["id"])
    # THEN B's links are gone from the store, and only A → C remains
    assert ids(org_wide(owner)) == [kept["id"]]
    outgoing = Dependency.query(
        Dependency.partition(owner.org_id), Dependency.SK.startswith(Dependency.blocker_prefix(b["id"]))
    )
    incoming = Dependency.gsi1.query(Dependency.blocked_partition(owner.org_id, b["id"]))
    assert list(outgoing) == list(incoming) == []
    assert ids(of_task(owner, a["id"])) == [kept["id"]]
