"""`/api/search` and `/api/notification-preferences` through the TataTrack surface."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named, project, task
from tests.support import factories


def test_search_finds_tasks_and_projects_of_the_workspace(owner, outsider):
    # GIVEN a project and a task named alike, and the same word in another workspace
    created = project(owner, name="Rocket launch")
    found = task(owner, created["id"], title="Fuel the rocket")
    task(outsider, project(outsider)["id"], title="Rocket science")
    factories.drain_jobs()
    # WHEN the owner searches
    response = owner.api.get("/api/search?q=rocket")
    # THEN only this workspace's hits come back, in camelCase
    assert response.status_code == 200, response.json_body
    assert_camel(response.json_body)
    hits = {(hit["type"], hit["id"]) for hit in response.json_body["results"]}
    assert hits == {("project", created["id"]), ("task", found["id"])}
    task_hit = next(hit for hit in response.json_body["results"] if hit["type"] == "task")
    assert task_hit["projectId"] == created["id"]


def test_search_without_q_is_400(owner):
    assert fields_named(error(owner.api.get("/api/search"), 400, "validation_error")) == {"q"}


def test_preferences_list_every_type_in_camel_case(owner):
    response = owner.api.get("/api/notification-preferences")
    assert response.status_code == 200, response.json_body
    assert_camel(response.json_body)
    kinds = {p["notificationType"]: p for p in response.json_body["preferences"]}
    assert kinds["task_assigned"]["emailEnabled"] is True


def test_preferences_update_one_channel(owner):
    response = owner.api.put(
        "/api/notification-preferences", json={"notificationType": "task_assigned", "emailEnabled": False}
    )
    assert response.status_code == 200, response.json_body
    assert (response.json_body["emailEnabled"], response.json_body["inAppEnabled"]) == (False, True)
    kinds = {p["notificationType"]: p for p in owner.api.get("/api/notification-preferences").json_body["preferences"]}
    assert kinds["task_assigned"]["emailEnabled"] is False


def test_preferences_refuse_push_on_an_email_only_type_naming_the_field(owner):
    response = owner.api.put(
        "/api/notification-preferences", json={"notificationType": "daily_digest", "pushEnabled": True}
    )
    assert fields_named(error(response, 400, "validation_error")) == {"pushEnabled"}
