"""Adding one label to a task and removing it again (TRCR "Task Labels")."""

import pytest

from chalicelib.labels import service as label_service
from tests.support import factories, task_setup
from tests.support.task_setup import field_error, status


def labels_url(task_id: str) -> str:
    return f"/api/v1/tasks/{task_id}/labels"


def label_ids(account, task_id: str) -> list[str]:
    response = account.api.get(f"/api/v1/tasks/{task_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["label_ids"]


def task_audit(owner, task_id: str) -> list[dict]:
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={task_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


# --- adding --------------------------------------------------------------------------------------------------


def test_adding_a_label_puts_it_on_the_task(owner, task, label):
    # WHEN a label of the org is added to the task
    response = owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # THEN the task is returned carrying it, and reads back with it
    assert response.status_code == 200, response.json_body
    assert response.json_body["id"] == task["id"]
    assert response.json_body["label_ids"] == [label["id"]]
    assert label_ids(owner, task["id"]) == [label["id"]]


def test_a_second_label_is_added_after_the_first(owner, task, label):
    # GIVEN a task with one label
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    second = task_setup.label(owner, "frontend", "#3B82F6")
    # WHEN another is added
    owner.api.post(labels_url(task["id"]), json={"label_id": second["id"]})
    # THEN the task carries both, in the order they were added
    assert label_ids(owner, task["id"]) == [label["id"], second["id"]]


def test_an_added_label_is_found_by_the_task_list_label_filter(owner, task, label):
    # GIVEN the label added to the task
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # WHEN tasks are listed by that label
    response = owner.api.get(f"/api/v1/tasks?label_ids={label['id']}")
    # THEN the task is there
    assert [item["id"] for item in response.json_body["data"]] == [task["id"]]


def test_adding_a_label_the_task_already_carries_changes_nothing(owner, task, label):
    # GIVEN the label already on the task
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    updates_before = len(task_audit(owner, task["id"]))
    # WHEN it is added again
    response = owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # THEN it is a 200, the label is there once and nothing new is audited
    assert response.status_code == 200, response.json_body
    assert label_ids(owner, task["id"]) == [label["id"]]
    assert len(task_audit(owner, task["id"])) == updates_before


def test_adding_a_label_is_audited_as_a_task_update(owner, task, label):
    # WHEN a label is added
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # THEN the task's audit trail records the label_ids change
    latest = task_audit(owner, task["id"])[0]
    assert (latest["action"], latest["entity_type"]) == ("updated", "task")
    assert latest["changes"]["label_ids"] == {"from": [], "to": [label["id"]]}


def test_a_label_added_here_is_taken_off_when_the_label_is_deleted(owner, task, label):
    # GIVEN the label added to the task through this endpoint
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # WHEN the label itself is deleted and background jobs run
    assert owner.api.delete(f"/api/v1/labels/{label['id']}").status_code == 204
    factories.drain_jobs()
    # THEN the task no longer carries it (the label index was kept up to date)
    assert label_ids(owner, task["id"]) == []


def test_a_label_added_by_someone_else_meanwhile_is_not_lost(owner, task, label, monkeypatch):
    # GIVEN another request puts a second label on the task while this request is checking its label
    second = task_setup.label(owner, "frontend", "#3B82F6")
    real_check, raced = label_service.require_references, []

    def check_while_someone_labels(**kwargs):
        found = real_check(**kwargs)
        if not raced:
            raced.append(True)  # the racing request runs this check too: let it through
            owner.api.post(labels_url(task["id"]), json={"label_id": second["id"]})
        return found

    monkeypatch.setattr(label_service, "require_references", check_while_someone_labels)
    # WHEN this request adds its label
    response = owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # THEN it is a 409 (the task changed since it was read) and the other label is kept
    status(response, 409, "conflict")
    assert label_ids(owner, task["id"]) == [second["id"]]


# --- removing ------------------------------------------------------------------------------------------------


def test_removing_a_label_takes_it_off_the_task(owner, task, label):
    # GIVEN a task with two labels
    other = task_setup.label(owner, "backend", "#10B981")
    for label_id in (label["id"], other["id"]):
        owner.api.post(labels_url(task["id"]), json={"label_id": label_id})
    # WHEN one is removed
    response = owner.api.delete(f"{labels_url(task['id'])}/{label['id']}")
    # THEN only the other remains, and the label filter no longer finds the task
    assert response.status_code == 204
    assert label_ids(owner, task["id"]) == [other["id"]]
    assert owner.api.get(f"/api/v1/tasks?label_ids={label['id']}").json_body["data"] == []


def test_removing_a_label_the_task_does_not_carry_is_404(owner, task, label):
    # WHEN a label of the org that is not on the task is removed
    response = owner.api.delete(f"{labels_url(task['id'])}/{label['id']}")
    # THEN it is a 404 and nothing is audited
    status(response, 404, "not_found")
    assert [entry["action"] for entry in task_audit(owner, task["id"])] == ["created"]


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"label_id": ""}, {"label_id": 5}, {"label_id": "lbl_01JD0000000000000000000000"}, {"label_id": "bug"}],
    ids=["missing", "empty", "not-text", "unknown", "malformed"],
)
def test_a_bad_label_id_is_400_naming_it_and_the_task_is_unchanged(owner, task, body):
    # WHEN a label is added with a bad or unknown label_id
    response = owner.api.post(labels_url(task["id"]), json=body)
    # THEN it is a 400 naming `label_id` and the task carries no label
    field_error(response, "label_id")
    assert label_ids(owner, task["id"]) == []


def test_a_label_of_another_org_is_400_and_is_not_added(owner, outsider, task):
    # GIVEN a label in another organization
    foreign = task_setup.label(outsider, "foreign")
    # WHEN it is added to the owner's task
    response = owner.api.post(labels_url(task["id"]), json={"label_id": foreign["id"]})
    # THEN it is a 400 naming `label_id` and the task is unchanged
    field_error(response, "label_id")
    assert label_ids(owner, task["id"]) == []


# --- authentication and tenancy -------------------------------------------------------------------------------


@pytest.mark.parametrize("method, suffix", [("post", ""), ("delete", "/lbl_01JD0000000000000000000000")])
def test_the_task_label_routes_need_authentication(api, method, suffix):
    # WHEN a task-label route is called without credentials
    response = getattr(api, method)(labels_url("tsk_01JD0000000000000000000000") + suffix, json={"label_id": "x"})
    # THEN it is a 401
    status(response, 401, "unauthorized")


def test_another_orgs_task_is_404_for_adding_and_removing(owner, outsider, task, label):
    # GIVEN the owner's task carries a label
    owner.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # WHEN another org's owner adds one of their labels or removes the owner's
    adding = outsider.api.post(labels_url(task["id"]), json={"label_id": task_setup.label(outsider)["id"]})
    removing = outsider.api.delete(f"{labels_url(task['id'])}/{label['id']}")
    # THEN both are 404 and the task is unchanged
    status(adding, 404, "not_found")
    status(removing, 404, "not_found")
    assert label_ids(owner, task["id"]) == [label["id"]]


def test_a_member_who_cannot_see_the_project_cannot_label_its_tasks(api, owner, project_id, task, label):
    # GIVEN a member, and the project restricted to someone else
    member = factories.join(api, owner, role="member")
    task_setup.add_to_project(owner, project_id, factories.join(api, owner, name="Insider"))
    # WHEN the member adds a label to the task
    response = member.api.post(labels_url(task["id"]), json={"label_id": label["id"]})
    # THEN it is a 404 and the task is unchanged
    status(response, 404, "not_found")
    assert label_ids(owner, task["id"]) == []
