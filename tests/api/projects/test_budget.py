"""Project budgets: the fields, their validation, and the progress kept as time is logged (docs/budgets.md)."""

import pytest

from chalicelib.time_entries.models import RunningTimer
from tests.api.projects.budget_helpers import HOUR, budget_project, log, progress, settle
from tests.api.projects.helpers import (
    add_member,
    assert_no_project_written,
    create_project,
    field_error,
    get_project,
    listed_ids,
    update_project,
)


def test_a_project_without_a_budget_shows_no_progress_and_the_default_thresholds(owner):
    # WHEN the owner creates a project without a budget
    project = create_project(owner)
    # THEN it has no budget, no progress, and the default alert thresholds
    assert (project["budget_type"], project["budget_amount"], project["budget_progress"]) == (None, None, None)
    assert project["budget_alert_thresholds"] == [80, 100]


def test_owner_creates_an_hours_budget_in_seconds_with_its_own_thresholds(owner):
    # WHEN the owner creates a project with a 40-hour budget and alerts at 50, 90 and 120 percent
    body = {"budget_type": "hours", "budget_amount": 40 * HOUR, "budget_alert_thresholds": [120, 50, 90]}
    project = create_project(owner, **body)
    # THEN the budget is kept (thresholds ascending) and nothing is used yet
    assert (project["budget_type"], project["budget_amount"]) == ("hours", 144000)
    assert project["budget_alert_thresholds"] == [50, 90, 120]
    assert project["budget_progress"] == {"unit": "seconds", "used": 0, "remaining": 144000, "percent": 0.0}


HOURLY = {"budget_type": "hours", "budget_amount": 3600}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget_type": "days", "budget_amount": 100}, "budget_type"),
        ({"budget_type": "hours", "budget_amount": 0}, "budget_amount"),
        ({"budget_type": "hours", "budget_amount": -5}, "budget_amount"),
        ({"budget_type": "money", "budget_amount": 1500.5}, "budget_amount"),
        ({"budget_type": "money", "budget_amount": "150000"}, "budget_amount"),
        ({"budget_type": "hours"}, "budget_amount"),
        ({"budget_amount": 3600}, "budget_type"),
        ({**HOURLY, "budget_alert_thresholds": [0]}, "budget_alert_thresholds.0"),
        (
            {**HOURLY, "budget_alert_thresholds": [80, 201]},
            "budget_alert_thresholds.1",
        ),
        ({**HOURLY, "budget_alert_thresholds": [80, 80]}, "budget_alert_thresholds"),
        ({**HOURLY, "budget_alert_thresholds": [80.5]}, "budget_alert_thresholds.0"),
        ({**HOURLY, "budget_alert_thresholds": list(range(1, 12))}, "budget_alert_thresholds"),
    ],
)
def test_bad_budget_fields_are_a_400_naming_the_field_and_nothing_is_written(owner, fields, field):
    # WHEN the owner creates a project with an invalid budget
    response = owner.api.post("/api/v1/projects", json={"name": "Website", **fields})
    # THEN it is a 400 naming the field, and no project exists
    field_error(response, field)
    assert_no_project_written(owner)


def test_a_bad_budget_change_is_a_400_and_the_budget_stays(owner):
    # GIVEN a project with a 10-hour budget
    project = budget_project(owner)
    # WHEN the owner sends a float amount, then a budget amount without a type after clearing it
    float_amount = update_project(owner, project["id"], budget_amount=36000.5)
    no_type = update_project(owner, project["id"], budget_type=None, budget_amount=3600)
    # THEN both are 400s naming the field, and the budget is unchanged
    field_error(float_amount, "budget_amount")
    field_error(no_type, "budget_type")
    kept = get_project(owner, project["id"]).json_body
    assert (kept["budget_type"], kept["budget_amount"]) == ("hours", 10 * HOUR)


def test_progress_counts_the_time_logged_on_the_project(owner, member):
    # GIVEN a project with a 10-hour budget
    project = budget_project(owner)
    # WHEN the owner logs 2 hours and a member 1.5 hours on it, and 3 hours on another project
    log(owner, project["id"], 2)
    log(member, project["id"], 1.5, day=2)
    log(owner, create_project(owner, name="Other")["id"], 3)
    # THEN the budget shows 3.5 hours used of 10
    assert progress(owner, project["id"]) == {"unit": "seconds", "used": 12600, "remaining": 23400, "percent": 35.0}


def test_the_project_list_shows_the_same_progress(owner):
    # GIVEN 4 hours logged on a 10-hour budget
    project = budget_project(owner)
    log(owner, project["id"], 4)
    progress(owner, project["id"])
    # WHEN the owner lists projects
    listed = owner.api.get("/api/v1/projects").json_body["data"]
    # THEN the listed project carries the progress too
    assert [p["budget_progress"]["used"] for p in listed if p["id"] == project["id"]] == [4 * HOUR]


def test_a_running_timer_counts_once_it_stops(owner):
    # GIVEN a project with a budget and a running timer on it
    project = budget_project(owner)
    started = owner.api.post("/api/v1/entries", json={"start": "2026-03-02T09:00:00Z", "project_id": project["id"]})
    assert started.status_code == 201, started.json_body
    assert progress(owner, project["id"])["used"] == 0
    # WHEN it stops (the TrackingTabs stop)
    stopped = owner.api.post("/api/v1/entries/stop")
    # THEN the time it ran counts
    assert stopped.status_code == 200, stopped.json_body
    assert progress(owner, project["id"])["used"] == stopped.json_body["duration"] > 0


def test_starting_another_timer_counts_the_one_it_stops(owner):
    # GIVEN a running entry on a budgeted project since 09:00
    project = budget_project(owner)
    body = {"start": "2026-03-02T09:00:00Z", "project_id": project["id"]}
    assert owner.api.post("/api/v1/entries", json=body).status_code == 201
    # WHEN another timer starts at 10:30, without a project
    assert owner.api.post("/api/v1/entries", json={"start": "2026-03-02T10:30:00Z"}).status_code == 201
    # THEN the 1.5 hours of the stopped one count against the budget
    assert progress(owner, project["id"])["used"] == 5400


def test_deleting_an_entry_lowers_the_usage(owner):
    # GIVEN 2 and 3 hours logged on a budgeted project
    project = budget_project(owner)
    log(owner, project["id"], 2)
    three = log(owner, project["id"], 3, day=2)
    # WHEN the 3-hour entry is deleted
    assert owner.api.delete(f"/api/v1/entries/{three['id']}").status_code == 204
    # THEN only the 2 hours count
    assert progress(owner, project["id"])["used"] == 2 * HOUR


def test_moving_an_entry_to_another_project_moves_its_time(owner):
    # GIVEN 3 hours logged on one budgeted project
    first, second = budget_project(owner), budget_project(owner, name="Second")
    entry = log(owner, first["id"], 3)
    # WHEN the entry moves to the other project and is shortened to 2 hours
    body = {"project_id": second["id"], "stop": "2026-03-01T11:00:00Z"}
    assert owner.api.patch(f"/api/v1/entries/{entry['id']}", json=body).status_code == 200
    # THEN the time left the first project and 2 hours count on the second
    assert progress(owner, first["id"])["used"] == 0
    assert progress(owner, second["id"])["used"] == 2 * HOUR


def test_over_budget_shows_a_negative_remainder(owner):
    # GIVEN a 1-hour budget
    project = budget_project(owner, budget_amount=HOUR)
    # WHEN 1.5 hours are logged
    log(owner, project["id"], 1.5)
    # THEN the budget is 150% used and half an hour over
    assert progress(owner, project["id"]) == {"unit": "seconds", "used": 5400, "remaining": -1800, "percent": 150.0}


def test_a_budget_set_later_counts_the_time_logged_before(owner):
    # GIVEN 2 hours logged on a project without a budget
    project = create_project(owner)
    log(owner, project["id"], 2)
    # WHEN a 4-hour budget is set
    response = update_project(owner, project["id"], budget_type="hours", budget_amount=4 * HOUR)
    # THEN it is half used already
    assert response.status_code == 200, response.json_body
    assert progress(owner, project["id"])["percent"] == 50.0


def test_removing_the_budget_removes_its_amount_and_progress(owner):
    # GIVEN a project with a budget
    project = budget_project(owner)
    # WHEN a manager sets budget_type to null
    response = update_project(owner, project["id"], budget_type=None)
    # THEN the project has no budget any more
    assert response.status_code == 200, response.json_body
    assert (response.json_body["budget_amount"], response.json_body["budget_progress"]) == (None, None)


def test_budget_changes_are_audited(owner):
    # GIVEN a project with a budget
    project = budget_project(owner)
    # WHEN the owner raises the amount
    update_project(owner, project["id"], budget_amount=20 * HOUR)
    # THEN the audit log records the change
    entries = owner.api.get(f"/api/v1/audit-logs?entity_id={project['id']}").json_body["data"]
    assert entries[0]["changes"]["budget_amount"] == {"from": 10 * HOUR, "to": 20 * HOUR}


def test_a_member_cannot_set_a_budget(owner, member):
    # GIVEN a project the member can see
    project = create_project(owner)
    # WHEN the member (not a manager) sets a budget
    response = update_project(member, project["id"], budget_type="hours", budget_amount=HOUR)
    # THEN it is refused
    assert response.status_code == 403, response.json_body


def test_a_member_without_access_cannot_see_a_restricted_projects_budget(owner, member, other_member):
    # GIVEN a budgeted project restricted to another member, with time on it
    project = budget_project(owner)
    add_member(owner, project["id"], other_member)
    log(owner, project["id"], 2)
    # WHEN the member outside it asks for it, or lists projects
    response = get_project(member, project["id"])
    # THEN it is a 404 and the project is not listed
    assert response.status_code == 404, response.json_body
    assert project["id"] not in listed_ids(member)


def test_another_orgs_project_budget_is_a_404(owner, outsider):
    # GIVEN a budgeted project
    project = budget_project(owner)
    # WHEN the owner of another org reads it or changes its budget
    read = get_project(outsider, project["id"])
    changed = update_project(outsider, project["id"], budget_amount=HOUR)
    # THEN both are 404s
    assert (read.status_code, changed.status_code) == (404, 404)


def test_a_timer_on_a_deleted_project_still_stops_and_its_entry_can_be_deleted(owner):
    # GIVEN a running timer on a budgeted project, and a finished entry on it
    project = budget_project(owner)
    finished = log(owner, project["id"], 1)
    started = owner.api.post("/api/v1/time-entries/start", json={"project_id": project["id"]})
    assert started.status_code == 201, started.json_body
    # WHEN the project is deleted, then the timer stops and the finished entry is deleted
    assert owner.api.delete(f"/api/v1/projects/{project['id']}").status_code == 204
    stopped = owner.api.post(f"/api/v1/time-entries/{started.json_body['id']}/stop")
    deleted = owner.api.delete(f"/api/v1/entries/{finished['id']}")
    # THEN both work, and the project does not come back
    assert (stopped.status_code, deleted.status_code) == (200, 204)
    settle()  # the usage subscriber finds no project to count on
    assert get_project(owner, project["id"]).status_code == 404
    assert project["id"] not in listed_ids(owner, "?archived=true")


def test_a_timer_started_before_budgets_existed_still_counts_when_a_new_timer_stops_it(owner):
    # GIVEN a running entry on a budgeted project whose timer pointer predates budgets (no snapshot on it)
    project = budget_project(owner)
    body = {"start": "2026-03-02T09:00:00Z", "project_id": project["id"]}
    assert owner.api.post("/api/v1/entries", json=body).status_code == 201
    timer = RunningTimer.get(*RunningTimer.keys(owner.org_id, owner.user_id))
    RunningTimer(*RunningTimer.keys(owner.org_id, owner.user_id), entry_id=timer.entry_id).save()
    # WHEN another timer starts at 11:00
    assert owner.api.post("/api/v1/entries", json={"start": "2026-03-02T11:00:00Z"}).status_code == 201
    # THEN the 2 hours of the stopped entry count once events are handled
    assert progress(owner, project["id"])["used"] == 2 * HOUR
