"""Task checklists: items listed by position; manage_tasks adds and removes them; any member ticks them off."""

import pytest

from chalicelib.checklists.models import ChecklistItem
from tests.support import factories, task_setup
from tests.support.task_setup import field_error, ids, status

UNKNOWN_ITEM = "chk_01JD0000000000000000000000"


def checklist_url(task_id: str) -> str:
    return f"/api/v1/tasks/{task_id}/checklists"


def item_url(item_id: str) -> str:
    return f"/api/v1/tasks/checklists/{item_id}"


def add_item(account, task_id: str, title: str = "Write unit tests") -> dict:
    response = account.api.post(checklist_url(task_id), json={"title": title})
    assert response.status_code == 201, response.json_body
    return response.json_body


def listed(account, task_id: str, query: str = "") -> list[dict]:
    response = account.api.get(checklist_url(task_id) + query)
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


# --- happy paths ---------------------------------------------------------------------------------------------


def test_an_item_is_created_open_at_the_end_of_the_checklist(owner, task):
    # GIVEN a checklist with one item
    add_item(owner, task["id"], "Design")
    # WHEN another item is added
    response = owner.api.post(checklist_url(task["id"]), json={"title": "Write unit tests"})
    # THEN it is a 201 with a chk_ id, not completed, after the first one
    assert response.status_code == 201, response.json_body
    item = response.json_body
    assert item["id"].startswith("chk_")
    assert (item["task_id"], item["title"], item["completed"]) == (task["id"], "Write unit tests", False)
    assert item["position"] == 1
    assert item["completed_at"] is None and item["created_at"].endswith("Z")


def test_items_are_listed_by_position(owner, task):
    # GIVEN three items added in order
    made = [add_item(owner, task["id"], title)["id"] for title in ("Design", "Build", "Ship")]
    # WHEN the checklist is listed
    data = listed(owner, task["id"])
    # THEN they come in position order
    assert ids(data) == made
    assert [item["position"] for item in data] == [0, 1, 2]


def test_the_checklist_is_paged(owner, task):
    # GIVEN three items
    made = [add_item(owner, task["id"], title)["id"] for title in ("a", "b", "c")]
    # WHEN it is read two per page
    first = owner.api.get(checklist_url(task["id"]) + "?per_page=2").json_body
    second = owner.api.get(checklist_url(task["id"]) + f"?per_page=2&cursor={first['next_cursor']}").json_body
    # THEN the pages continue each other
    assert ids(first["data"]) == made[:2] and first["has_more"] is True
    assert ids(second["data"]) == made[2:] and second["has_more"] is False


def test_a_plain_member_ticks_an_item_off_and_back_on(owner, member, task):
    # GIVEN an open item
    item = add_item(owner, task["id"])
    # WHEN a member without manage_tasks toggles it
    done = member.api.put(item_url(item["id"]) + "/toggle")
    # THEN it is completed, by them
    assert done.status_code == 200, done.json_body
    assert (done.json_body["completed"], done.json_body["completed_by"]) == (True, member.user_id)
    assert done.json_body["completed_at"]
    # AND toggling again reopens it
    reopened = member.api.put(item_url(item["id"]) + "/toggle")
    assert reopened.status_code == 200, reopened.json_body
    assert (reopened.json_body["completed"], reopened.json_body["completed_at"]) == (False, None)
    assert listed(owner, task["id"])[0]["completed"] is False


def test_the_owner_deletes_an_item(owner, task):
    # GIVEN two items
    gone, kept = add_item(owner, task["id"], "gone"), add_item(owner, task["id"], "kept")
    # WHEN one is deleted
    response = owner.api.delete(item_url(gone["id"]))
    # THEN only the other is listed
    assert response.status_code == 204
    assert ids(listed(owner, task["id"])) == [kept["id"]]


def test_a_project_manager_adds_and_deletes_items(api, owner, project_id, task):
    # GIVEN a member who manages the task's project
    manager = factories.join(api, owner, role="member", name="Mia Manager")
    task_setup.make_manager(owner, project_id, manager)
    # WHEN the manager adds an item and deletes it
    item = add_item(manager, task["id"])
    response = manager.api.delete(item_url(item["id"]))
    # THEN both succeed
    assert response.status_code == 204
    assert listed(owner, task["id"]) == []


def test_adding_toggling_and_deleting_are_audited(owner, task):
    # GIVEN an item that is toggled, then deleted
    item = add_item(owner, task["id"])
    owner.api.put(item_url(item["id"]) + "/toggle")
    owner.api.delete(item_url(item["id"]))
    # WHEN the audit log is read
    actions = task_setup.audit_actions(owner, "checklist_item")
    # THEN each change has its entry
    assert actions == ["deleted", "updated", "created"]


# --- permissions ---------------------------------------------------------------------------------------------


def test_a_plain_member_cannot_add_an_item(owner, member, task):
    # WHEN a member without manage_tasks adds an item
    response = member.api.post(checklist_url(task["id"]), json={"title": "sneaky"})
    # THEN it is a 403 and nothing is written
    status(response, 403, "forbidden")
    assert listed(owner, task["id"]) == []
    assert task_setup.audit_actions(owner, "checklist_item") == []


def test_a_plain_member_cannot_delete_an_item(owner, member, task):
    # GIVEN an item
    item = add_item(owner, task["id"])
    # WHEN a member without manage_tasks deletes it
    response = member.api.delete(item_url(item["id"]))
    # THEN it is a 403 and the item stays
    status(response, 403, "forbidden")
    assert ids(listed(owner, task["id"])) == [item["id"]]


def test_a_member_who_cannot_see_the_task_cannot_toggle_its_items(api, owner, member, project_id, task):
    # GIVEN an item on a task whose project is restricted to someone else
    item = add_item(owner, task["id"])
    task_setup.add_to_project(owner, project_id, factories.join(api, owner, name="Insider"))
    # WHEN the member toggles it
    response = member.api.put(item_url(item["id"]) + "/toggle")
    # THEN it is a 404 and the item is still open
    status(response, 404, "not_found")
    assert listed(owner, task["id"])[0]["completed"] is False


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"title": ""}, {"title": "  "}, {"title": "x" * 256}, {"title": 7}, {"title": None}],
    ids=["missing", "empty", "blank", "too-long", "not-text", "null"],
)
def test_a_bad_title_is_400_naming_it_and_nothing_is_written(owner, task, body):
    # WHEN an item is added with a bad title
    response = owner.api.post(checklist_url(task["id"]), json=body)
    # THEN it is a 400 naming `title`, and no item or audit entry exists
    field_error(response, "title")
    assert listed(owner, task["id"]) == []
    assert task_setup.audit_actions(owner, "checklist_item") == []


def test_a_title_of_255_characters_is_accepted(owner, task):
    # WHEN an item's title is exactly at the maximum
    response = owner.api.post(checklist_url(task["id"]), json={"title": "x" * 255})
    # THEN it is created
    assert response.status_code == 201, response.json_body


def test_the_completed_flag_cannot_be_set_on_creation(owner, task):
    # WHEN an item is posted with a field the API does not take
    response = owner.api.post(checklist_url(task["id"]), json={"title": "x", "completed": True})
    # THEN it is a 400 naming it and nothing is written
    field_error(response, "completed")
    assert listed(owner, task["id"]) == []


# --- authentication and tenancy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/tasks/tsk_01JD0000000000000000000000/checklists"),
        ("post", "/api/v1/tasks/tsk_01JD0000000000000000000000/checklists"),
        ("put", f"/api/v1/tasks/checklists/{UNKNOWN_ITEM}/toggle"),
        ("delete", f"/api/v1/tasks/checklists/{UNKNOWN_ITEM}"),
    ],
)
def test_every_checklist_route_needs_authentication(api, method, path):
    # WHEN a checklist route is called without credentials
    response = getattr(api, method)(path, json={"title": "x"})
    # THEN it is a 401
    status(response, 401, "unauthorized")


def test_another_orgs_task_is_404_for_listing_and_adding(owner, outsider, task):
    # WHEN another org's owner reads or adds to the task's checklist
    listing = outsider.api.get(checklist_url(task["id"]))
    adding = outsider.api.post(checklist_url(task["id"]), json={"title": "x"})
    # THEN both are 404 and nothing is written
    status(listing, 404, "not_found")
    status(adding, 404, "not_found")
    assert listed(owner, task["id"]) == []


def test_another_orgs_item_is_404_for_toggle_and_delete(owner, outsider, task):
    # GIVEN an item in the owner's org
    item = add_item(owner, task["id"])
    # WHEN another org's owner toggles or deletes it
    toggling = outsider.api.put(item_url(item["id"]) + "/toggle")
    deleting = outsider.api.delete(item_url(item["id"]))
    # THEN both are 404 and the item is unchanged
    status(toggling, 404, "not_found")
    status(deleting, 404, "not_found")
    assert [(i["id"], i["completed"]) for i in listed(owner, task["id"])] == [(item["id"], False)]


@pytest.mark.parametrize("item_id", [UNKNOWN_ITEM, "not-an-id", "tsk_01JD0000000000000000000000"])
def test_an_unknown_or_malformed_item_id_is_404(owner, item_id):
    # WHEN an item that does not exist is toggled or deleted
    toggling = owner.api.put(item_url(item_id) + "/toggle")
    deleting = owner.api.delete(item_url(item_id))
    # THEN both are 404
    status(toggling, 404, "not_found")
    status(deleting, 404, "not_found")


# --- cleanup -------------------------------------------------------------------------------------------------


def test_deleting_a_task_deletes_its_checklist_in_the_background(owner, project_id, task):
    # GIVEN items on two tasks
    doomed = [add_item(owner, task["id"], title)["id"] for title in ("a", "b")]
    kept = task_setup.task(owner, project_id, title="Kept")
    add_item(owner, kept["id"], "stays")
    # WHEN the first task is deleted and the background jobs run (and run again: the cleanup is idempotent)
    task_setup.delete_task(owner, task["id"])
    factories.drain_jobs()
    task_setup.rerun_task_deleted_job(owner, task["id"])
    # THEN its items are gone, by id too, and the other task's item remains
    for item_id in doomed:
        assert ChecklistItem.get_or_none(*ChecklistItem.keys(owner.org_id, item_id)) is None
        status(owner.api.put(item_url(item_id) + "/toggle"), 404, "not_found")
    assert [item["title"] for item in listed(owner, kept["id"])] == ["stays"]
