"""Task statuses: the org's workflow, built-in and custom (TRCR "Task Statuses")."""

import pytest

from chalicelib.statuses import service as status_service
from tests.api.statuses.helpers import BUILTIN_CODES, codes, create_status, status_id, statuses, task
from tests.support import factories


def test_builtin_statuses_exist_from_the_start_in_workflow_order(owner):
    # WHEN a new organization lists its statuses
    listed = statuses(owner)
    # THEN the four built-ins are there, in order, flagged as built-in, two of them terminal
    assert [s["code"] for s in listed] == BUILTIN_CODES
    assert [s["position"] for s in listed] == [0, 1, 2, 3]
    assert [s["is_terminal"] for s in listed] == [False, False, True, True]
    assert all(s["is_builtin"] and s["id"].startswith("ts_") for s in listed)
    # AND their ids are stable from one read to the next
    assert [s["id"] for s in statuses(owner)] == [s["id"] for s in listed]


def test_members_can_read_the_workflow(member):
    # WHEN a plain member lists the statuses
    response = member.api.get("/api/v1/task-statuses")
    # THEN they see the workflow too
    assert response.status_code == 200
    assert [s["code"] for s in response.json_body["data"]] == BUILTIN_CODES


def test_admin_creates_a_custom_status_listed_last(admin):
    # WHEN an admin creates the documented example status
    response = admin.api.post(
        "/api/v1/task-statuses",
        json={
            "code": "qa_review",
            "label": "QA Review",
            "color": "#8b5cf6",
            "supports_progress": True,
            "on_complete": "auto_advance",
            "next_status_code": "done",
        },
    )
    # THEN it is created with its workflow settings and comes after the built-ins
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("ts_")
    assert {k: created[k] for k in ("code", "label", "color", "position", "is_builtin", "is_terminal")} == {
        "code": "qa_review",
        "label": "QA Review",
        "color": "#8b5cf6",
        "position": 4,
        "is_builtin": False,
        "is_terminal": False,
    }
    assert (created["supports_progress"], created["on_complete"], created["next_status_code"]) == (
        True,
        "auto_advance",
        "done",
    )
    assert codes(admin) == [*BUILTIN_CODES, "qa_review"]


def test_a_custom_status_can_be_used_by_tasks(owner, project_id):
    # GIVEN a custom status
    create_status(owner, "blocked")
    # WHEN a task is created in it
    created = task(owner, project_id, status="blocked")
    # THEN the task carries it
    assert created["status"] == "blocked"


def test_member_cannot_create_a_status(owner, member):
    # WHEN a plain member tries to create a status
    response = member.api.post("/api/v1/task-statuses", json={"code": "qa", "label": "QA", "color": "#8b5cf6"})
    # THEN it is forbidden and nothing was created
    assert response.status_code == 403
    assert codes(owner) == BUILTIN_CODES


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "QA"),
        ("code", "1st_review"),
        ("code", "qa-review"),
        ("code", ""),
        ("code", "x" * 41),
        ("color", "purple"),
        ("color", "#8b5cf"),
        ("label", ""),
        ("on_complete", "celebrate"),
        ("is_terminal", "yes"),
    ],
)
def test_bad_status_fields_are_400_naming_the_field_and_write_nothing(owner, field, value):
    # GIVEN an otherwise valid status body
    body = {"code": "qa_review", "label": "QA Review", "color": "#8b5cf6", field: value}
    # WHEN it is submitted with one bad field
    response = owner.api.post("/api/v1/task-statuses", json=body)
    # THEN it is a 400 naming that field, and the workflow is unchanged
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["details"][0]["field"] == field
    assert codes(owner) == BUILTIN_CODES


def test_duplicate_custom_code_is_409(owner):
    # GIVEN a custom status
    create_status(owner, "qa_review")
    # WHEN another one with the same code is created
    response = owner.api.post("/api/v1/task-statuses", json={"code": "qa_review", "label": "Again", "color": "#000000"})
    # THEN it conflicts and the first one stands alone
    assert response.status_code == 409
    assert codes(owner).count("qa_review") == 1


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_builtin_code_is_409(owner, code):
    # WHEN a custom status reuses a built-in's code
    response = owner.api.post("/api/v1/task-statuses", json={"code": code, "label": "Mine", "color": "#000000"})
    # THEN it conflicts
    assert response.status_code == 409
    assert codes(owner) == BUILTIN_CODES


@pytest.mark.parametrize("next_code", ["shipped", "qa_review"])
def test_next_status_must_be_another_existing_status(owner, next_code):
    # WHEN a status is created that advances to an unknown status, or to itself
    response = owner.api.post(
        "/api/v1/task-statuses",
        json={"code": "qa_review", "label": "QA", "color": "#8b5cf6", "next_status_code": next_code},
    )
    # THEN it is a 400 naming next_status_code
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "next_status_code"
    assert codes(owner) == BUILTIN_CODES


def test_admin_updates_label_and_color(owner, admin):
    # GIVEN a custom status
    created = create_status(owner, "qa_review")
    # WHEN an admin relabels and recolors it (the documented example)
    response = admin.api.put(
        f"/api/v1/task-statuses/{created['id']}", json={"label": "Code Review", "color": "#6366f1"}
    )
    # THEN the answer and the list show the change, everything else as before
    assert response.status_code == 200, response.json_body
    assert (response.json_body["label"], response.json_body["color"]) == ("Code Review", "#6366f1")
    [listed] = [s for s in statuses(owner) if s["id"] == created["id"]]
    assert listed == response.json_body
    assert (listed["code"], listed["position"], listed["created_at"]) == ("qa_review", 4, created["created_at"])


def test_a_builtin_status_can_be_relabelled_and_stays_builtin(owner):
    # GIVEN the built-in "in_progress"
    builtin_id = status_id(owner, "in_progress")
    # WHEN it is relabelled
    response = owner.api.put(f"/api/v1/task-statuses/{builtin_id}", json={"label": "Doing"})
    # THEN it keeps its id, place and built-in flag
    assert response.status_code == 200, response.json_body
    listed = statuses(owner)
    assert [s["code"] for s in listed] == BUILTIN_CODES
    assert (listed[1]["id"], listed[1]["label"], listed[1]["is_builtin"]) == (builtin_id, "Doing", True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"color": "blue"}, "color"),
        ({"label": None}, "label"),
        ({"next_status_code": "nowhere"}, "next_status_code"),
        ({"code": "renamed"}, "code"),
    ],
)
def test_bad_update_is_400_naming_the_field(owner, body, field):
    # GIVEN a custom status
    created = create_status(owner, "qa_review")
    # WHEN it is updated with a bad value, or a field that cannot change
    response = owner.api.put(f"/api/v1/task-statuses/{created['id']}", json=body)
    # THEN it is a 400 naming the field, and the status is unchanged
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["details"][0]["field"] == field
    [listed] = [s for s in statuses(owner) if s["id"] == created["id"]]
    assert listed == created


def test_member_cannot_update_reorder_or_delete(owner, member):
    # GIVEN a custom status
    created = create_status(owner, "qa_review")
    order = [s["id"] for s in statuses(owner)]
    # WHEN a plain member tries to change the workflow
    responses = [
        member.api.put(f"/api/v1/task-statuses/{created['id']}", json={"label": "Mine"}),
        member.api.post("/api/v1/task-statuses/reorder", json={"order": order[::-1]}),
        member.api.delete(f"/api/v1/task-statuses/{created['id']}"),
    ]
    # THEN each is forbidden and the workflow is unchanged
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert [s["id"] for s in statuses(owner)] == order
    assert statuses(owner)[-1]["label"] == created["label"]


def test_reorder_puts_the_statuses_in_the_given_order(owner):
    # GIVEN the built-ins and one custom status
    create_status(owner, "qa_review")
    listed = statuses(owner)
    order = [listed[4]["id"], listed[2]["id"], listed[0]["id"], listed[3]["id"], listed[1]["id"]]
    # WHEN they are reordered
    response = owner.api.post("/api/v1/task-statuses/reorder", json={"order": order})
    # THEN the answer and later lists follow that order, positions counting from 0
    assert response.status_code == 200, response.json_body
    assert [s["id"] for s in response.json_body["data"]] == order
    assert [(s["id"], s["position"]) for s in statuses(owner)] == [(sid, i) for i, sid in enumerate(order)]
    # AND a status created afterwards comes last
    create_status(owner, "shipped")
    assert codes(owner)[-1] == "shipped"


@pytest.mark.parametrize("change", ["missing", "unknown", "duplicate", "empty"])
def test_reorder_must_list_every_status_exactly_once(owner, change):
    # GIVEN the workflow's ids
    ids = [s["id"] for s in statuses(owner)]
    order = {
        "missing": ids[1:],
        "unknown": [*ids[1:], "ts_01JD0000000000000000000000"],
        "duplicate": [*ids, ids[0]],
        "empty": [],
    }[change]
    # WHEN a reorder leaves one out, adds a stranger, repeats one or is empty
    response = owner.api.post("/api/v1/task-statuses/reorder", json={"order": order})
    # THEN it is a 400 naming `order`, and the order is unchanged
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "order"
    assert [s["id"] for s in statuses(owner)] == ids


def test_delete_an_unused_custom_status(owner):
    # GIVEN a custom status no task uses
    created = create_status(owner, "qa_review")
    # WHEN it is deleted
    response = owner.api.delete(f"/api/v1/task-statuses/{created['id']}")
    # THEN it is gone, and deleting it again is a 404
    assert response.status_code == 204
    assert codes(owner) == BUILTIN_CODES
    assert owner.api.delete(f"/api/v1/task-statuses/{created['id']}").status_code == 404


def test_deleting_a_status_in_use_moves_its_tasks_to_the_default_status(owner, project_id):
    # GIVEN a custom status holding two tasks, and a task in another status
    created = create_status(owner, "blocked")
    blocked = [task(owner, project_id, title=f"Blocked {n}", status="blocked") for n in range(2)]
    busy = task(owner, project_id, title="Busy", status="in_progress")
    # WHEN it is deleted
    response = owner.api.delete(f"/api/v1/task-statuses/{created['id']}")
    # THEN it is gone at once, and its tasks are moved to `open` (the document: "moved to the default status")
    assert response.status_code == 204
    assert "blocked" not in codes(owner)
    factories.drain_jobs()
    for moved in blocked:
        assert owner.api.get(f"/api/v1/tasks/{moved['id']}").json_body["status"] == "open"
    assert owner.api.get(f"/api/v1/tasks/{busy['id']}").json_body["status"] == "in_progress"
    stats = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert [(row["total"], row["done"]) for row in stats if row["project_id"] == project_id] == [(3, 0)]


def test_a_task_edited_before_its_deleted_status_is_moved_lands_in_the_default_status(owner, project_id):
    # GIVEN a task whose custom status was just deleted, the background move not yet run
    created = create_status(owner, "blocked")
    blocked = task(owner, project_id, status="blocked")
    assert owner.api.delete(f"/api/v1/task-statuses/{created['id']}").status_code == 204
    # WHEN someone edits the task meanwhile
    response = owner.api.put(f"/api/v1/tasks/{blocked['id']}", json={"title": "Renamed"})
    # THEN the edit succeeds and the task is in the default status
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "open"
    factories.drain_jobs()
    assert owner.api.get(f"/api/v1/tasks/{blocked['id']}").json_body["title"] == "Renamed"


def test_delete_a_status_whose_task_was_deleted(owner, project_id):
    # GIVEN a custom status whose only task was deleted
    created = create_status(owner, "blocked")
    blocked = task(owner, project_id, status="blocked")
    assert owner.api.delete(f"/api/v1/tasks/{blocked['id']}").status_code == 204
    # WHEN the status is deleted
    response = owner.api.delete(f"/api/v1/task-statuses/{created['id']}")
    # THEN nothing holds it any more
    assert response.status_code == 204


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_delete_a_builtin_status_is_409(owner, code):
    # WHEN a built-in status is deleted
    response = owner.api.delete(f"/api/v1/task-statuses/{status_id(owner, code)}")
    # THEN it conflicts and stays
    assert response.status_code == 409
    assert codes(owner) == BUILTIN_CODES


def test_delete_a_status_another_advances_to_is_409(owner):
    # GIVEN a status that another one advances to
    target = create_status(owner, "verified")
    create_status(owner, "qa_review", supports_progress=True, on_complete="auto_advance", next_status_code="verified")
    # WHEN the target is deleted
    response = owner.api.delete(f"/api/v1/task-statuses/{target['id']}")
    # THEN it conflicts: the pipeline would point nowhere
    assert response.status_code == 409
    assert "verified" in codes(owner)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_another_orgs_status_is_404(owner, outsider, method):
    # GIVEN a custom status in the owner's org
    created = create_status(owner, "qa_review")
    # WHEN the owner of another org changes or deletes it by id
    response = outsider.api.request(method, f"/api/v1/task-statuses/{created['id']}", json={"label": "Mine"})
    # THEN it does not exist for them, and it is unchanged
    assert response.status_code == 404
    [listed] = [s for s in statuses(owner) if s["id"] == created["id"]]
    assert listed == created


@pytest.mark.parametrize("status_id_", ["ts_nope", "tsk_01JD0000000000000000000000", "ts_01JD0000000000000000000000"])
def test_malformed_or_unknown_status_id_is_404(owner, status_id_):
    # WHEN an id that is malformed, of another kind, or unknown is updated
    response = owner.api.put(f"/api/v1/task-statuses/{status_id_}", json={"label": "x"})
    # THEN it is a 404, never a 500
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/task-statuses"),
        ("POST", "/api/v1/task-statuses"),
        ("POST", "/api/v1/task-statuses/reorder"),
        ("PUT", "/api/v1/task-statuses/ts_01JD0000000000000000000000"),
        ("DELETE", "/api/v1/task-statuses/ts_01JD0000000000000000000000"),
    ],
)
def test_unauthenticated_status_calls_are_401(api, method, path):
    # WHEN the status routes are called without credentials
    response = api.request(method, path, json={})
    # THEN they are refused
    assert response.status_code == 401


def test_an_organization_has_a_bounded_number_of_statuses(owner, monkeypatch):
    # GIVEN a workflow one status short of the limit (lowered here to 5 for brevity)
    monkeypatch.setattr(status_service, "MAX_STATUSES", 5)
    create_status(owner, "qa_review")
    # WHEN one more status is created
    response = owner.api.post("/api/v1/task-statuses", json={"code": "shipped", "label": "Shipped", "color": "#000000"})
    # THEN it is refused and the workflow stays at the limit
    assert response.status_code == 400
    assert "at most 5" in response.json_body["error"]["message"]
    assert len(statuses(owner)) == 5


def _deleted_before_commit(monkeypatch, account, status_id_: str) -> None:
    """The next status transaction commits only after `account` deleted `status_id_`: it lost a race."""
    real = status_service.transact

    def racing(write, **kwargs):
        monkeypatch.setattr(status_service, "transact", real)
        assert account.api.delete(f"/api/v1/task-statuses/{status_id_}").status_code == 204
        return real(write, **kwargs)

    monkeypatch.setattr(status_service, "transact", racing)


def test_an_update_racing_a_delete_does_not_bring_the_status_back(owner, admin, monkeypatch):
    # GIVEN a custom status that another admin deletes while the owner's relabel is in flight
    created = create_status(owner, "qa_review")
    _deleted_before_commit(monkeypatch, admin, created["id"])
    # WHEN the relabel commits
    response = owner.api.put(f"/api/v1/task-statuses/{created['id']}", json={"label": "Late"})
    # THEN it finds the status gone, and the status stays deleted
    assert response.status_code == 404
    assert codes(owner) == BUILTIN_CODES


def test_a_reorder_racing_a_delete_does_not_bring_the_status_back(owner, admin, monkeypatch):
    # GIVEN a custom status that another admin deletes while the owner's reorder is in flight
    created = create_status(owner, "qa_review")
    order = [s["id"] for s in statuses(owner)][::-1]
    _deleted_before_commit(monkeypatch, admin, created["id"])
    # WHEN the reorder commits
    response = owner.api.post("/api/v1/task-statuses/reorder", json={"order": order})
    # THEN it conflicts, the status stays deleted and the built-ins keep their order
    assert response.status_code == 409
    assert codes(owner) == BUILTIN_CODES
