"""Updating projects (TRCR `PUT /projects/{id}`): admins, owners and the project's managers."""

import pytest

from tests.api.projects import helpers
from tests.api.projects.helpers import add_member, create_client, create_project, get_project, update_project


def test_a_partial_update_changes_only_the_fields_sent(owner):
    # GIVEN a project with a description and a rate
    project = create_project(owner, name="Old name", description="Keep me", hourly_rate=9000)
    # WHEN the owner sends only a new name
    response = update_project(owner, project["id"], name="New name")
    # THEN the name changes and everything else stays
    assert response.status_code == 200, response.json_body
    updated = response.json_body
    assert updated["name"] == "New name"
    assert {k: v for k, v in updated.items() if k not in ("name", "updated_at")} == {
        k: v for k, v in project.items() if k not in ("name", "updated_at")
    }


def test_an_update_is_persisted(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner changes its colour and rate
    update_project(owner, project["id"], color="#112233", hourly_rate=20000)
    # THEN reading it again shows the change
    stored = get_project(owner, project["id"]).json_body
    assert (stored["color"], stored["hourly_rate"]) == ("#112233", 20000)


def test_an_update_moves_updated_at_forward(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner renames it
    updated = update_project(owner, project["id"], name="Renamed").json_body
    # THEN updated_at is later than created_at, which did not change
    assert updated["created_at"] == project["created_at"]
    assert updated["updated_at"] > project["created_at"]


def test_null_clears_the_description(owner):
    # GIVEN a project with a description
    project = create_project(owner, description="Temporary")
    # WHEN the owner sets description to null
    response = update_project(owner, project["id"], description=None)
    # THEN it is cleared, in the answer and in storage
    assert response.status_code == 200, response.json_body
    assert response.json_body["description"] is None
    assert get_project(owner, project["id"]).json_body["description"] is None


@pytest.mark.parametrize("field", ["name", "status", "billable", "currency"])
def test_null_is_refused_for_a_field_that_cannot_be_empty(owner, field):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner sets a required field to null
    response = update_project(owner, project["id"], **{field: None})
    # THEN it is a 400 naming the field and the project is unchanged
    helpers.field_error(response, field)
    assert get_project(owner, project["id"]).json_body == project


def test_status_archived_archives_the_project(owner):
    # GIVEN an active project
    project = create_project(owner)
    # WHEN the owner sets its status to archived
    response = update_project(owner, project["id"], status="archived")
    # THEN it is archived
    assert response.status_code == 200, response.json_body
    assert (response.json_body["status"], response.json_body["archived"]) == ("archived", True)


def test_an_archived_project_can_be_made_active_again(owner):
    # GIVEN an archived project
    project = create_project(owner)
    update_project(owner, project["id"], status="archived")
    # WHEN the owner sets its status back to active
    response = update_project(owner, project["id"], status="active")
    # THEN it is active and listed again
    assert (response.json_body["status"], response.json_body["archived"]) == ("active", False)
    assert helpers.listed_ids(owner) == [project["id"]]


def test_start_date_after_end_date_in_one_update_is_400_with_the_documented_message(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner sets dates that end before they start
    response = update_project(owner, project["id"], start_date="2026-05-02", end_date="2026-05-01")
    # THEN it is a 400 with the message spelled out, and nothing changed
    body = helpers.error(response, 400, "validation_error")
    assert body["message"] == "start_date must be on or before end_date"
    assert get_project(owner, project["id"]).json_body == project


def test_an_end_date_before_the_stored_start_date_is_400_with_the_documented_message(owner):
    # GIVEN a project that starts on 1 May
    project = create_project(owner, start_date="2026-05-01")
    # WHEN the owner sets only an end date in April
    response = update_project(owner, project["id"], end_date="2026-04-30")
    # THEN it is a 400 with the message spelled out, and nothing changed
    body = helpers.error(response, 400, "validation_error")
    assert body["message"] == "start_date must be on or before end_date"
    assert get_project(owner, project["id"]).json_body == project


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hourly_rate": 1.5}, "hourly_rate"),
        ({"hourly_rate": "175"}, "hourly_rate"),
        ({"color": "red"}, "color"),
        ({"currency": "usd!"}, "currency"),
        ({"name": "x" * 201}, "name"),
        ({"status": "deleted"}, "status"),
        ({"org_id": "org_01JD0000000000000000000000"}, "org_id"),
        ({"created_by": "usr_01JD0000000000000000000000"}, "created_by"),
        ({"member_count": 0}, "member_count"),
    ],
    ids=[
        "hourly_rate float",
        "hourly_rate string",
        "color not hex",
        "currency invalid",
        "name too long",
        "status unknown",
        "unknown field org_id",
        "unknown field created_by",
        "unknown field member_count",
    ],
)
def test_invalid_update_body_is_400_naming_the_field_and_changes_nothing(owner, body, field):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner sends an invalid update
    response = update_project(owner, project["id"], **body)
    # THEN it is a 400 naming the field and the project is unchanged
    helpers.field_error(response, field)
    assert get_project(owner, project["id"]).json_body == project


def test_client_id_of_a_missing_client_is_400_on_update(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner points it at a client that does not exist
    response = update_project(owner, project["id"], client_id="cli_01JD0000000000000000000000")
    # THEN it is a 400 naming client_id and the project is unchanged
    helpers.field_error(response, "client_id")
    assert get_project(owner, project["id"]).json_body == project


def test_client_id_can_be_changed_and_cleared(owner):
    # GIVEN a project of one client
    acme, globex = create_client(owner, "Acme"), create_client(owner, "Globex")
    project = create_project(owner, client_id=acme["id"])
    # WHEN the owner moves it to another client and then clears the client
    moved = update_project(owner, project["id"], client_id=globex["id"]).json_body
    cleared = update_project(owner, project["id"], client_id=None).json_body
    # THEN each change took effect
    assert (moved["client_id"], cleared["client_id"]) == (globex["id"], None)


def test_a_member_without_the_manager_role_cannot_update(owner, member):
    # GIVEN an unrestricted project the member can see
    project = create_project(owner)
    # WHEN the member tries to rename it
    response = update_project(member, project["id"], name="Mine now")
    # THEN it is forbidden and nothing changed
    helpers.error(response, 403, "forbidden")
    assert get_project(owner, project["id"]).json_body["name"] == project["name"]


def test_a_listed_project_member_without_the_manager_role_cannot_update(owner, member):
    # GIVEN a project on which the member is listed with the plain member role
    project = create_project(owner)
    add_member(owner, project["id"], member, role="member")
    # WHEN the member tries to rename it
    response = update_project(member, project["id"], name="Mine now")
    # THEN it is forbidden
    helpers.error(response, 403, "forbidden")


def test_a_project_manager_can_update(owner, member):
    # GIVEN a member made manager of the project
    project = create_project(owner)
    add_member(owner, project["id"], member, role="manager")
    # WHEN the manager renames it
    response = update_project(member, project["id"], name="Managed")
    # THEN the change is made
    assert response.status_code == 200, response.json_body
    assert response.json_body["name"] == "Managed"


def test_a_manager_of_one_project_cannot_update_another(owner, member):
    # GIVEN a member who manages one project, and another unrestricted project
    managed = create_project(owner, name="Managed")
    add_member(owner, managed["id"], member, role="manager")
    other = create_project(owner, name="Other")
    # WHEN the member tries to rename the other project
    response = update_project(member, other["id"], name="Hijacked")
    # THEN it is forbidden
    helpers.error(response, 403, "forbidden")


def test_an_admin_can_update_any_project(owner, admin):
    # GIVEN a project the owner created
    project = create_project(owner)
    # WHEN an admin renames it
    response = update_project(admin, project["id"], name="Admin edit")
    # THEN the change is made
    assert response.status_code == 200
    assert response.json_body["name"] == "Admin edit"
