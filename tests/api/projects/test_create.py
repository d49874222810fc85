"""Creating projects (TRCR "Create a new project", TrackingTabs `POST /projects`: admins and owners only)."""

import pytest

from tests.api.projects import helpers
from tests.api.projects.helpers import assert_no_project_written, create_client, create_project


def test_owner_creates_a_project_with_every_field_it_sent(owner):
    # GIVEN a client of the owner's org
    client = create_client(owner)
    body = {
        "name": "Dr. Rafii — Q2 Retainer",
        "description": "Quarterly retainer",
        "client_id": client["id"],
        "color": "#3B82F6",
        "emoji": "🚀",
        "billable": False,
        "hourly_rate": 15000,
        "currency": "EUR",
        "start_date": "2026-04-01",
        "end_date": "2026-06-30",
    }
    # WHEN the owner creates a project with every field
    response = owner.api.post("/api/v1/projects", json=body)
    # THEN it is created with those fields, an id, its creator and timestamps
    assert response.status_code == 201, response.json_body
    project = response.json_body
    assert {field: project[field] for field in body} == body
    assert project["id"].startswith("prj_")
    assert project["created_by"] == owner.user_id
    assert project["created_at"].endswith("Z") and project["updated_at"].endswith("Z")


def test_a_new_project_is_active_unrestricted_and_billable_by_default(owner):
    # WHEN the owner creates a project with only a name
    response = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"})
    # THEN it is active, not archived, visible to everyone (not restricted) and billable
    assert response.status_code == 201, response.json_body
    project = response.json_body
    assert (project["status"], project["archived"], project["restricted"]) == ("active", False, False)
    assert project["billable"] is True
    assert (project["description"], project["client_id"], project["hourly_rate"]) == (None, None, None)


def test_the_trackingtabs_example_body_is_accepted_with_the_rate_in_cents(owner):
    # GIVEN the TrackingTabs example body (hourly_rate 175 is read as cents: DESIGN.md §2)
    client = create_client(owner, name="Dr. Rafii")
    body = {"name": "Dr. Rafii — Q2 Retainer", "client_id": client["id"], "color": "#3B82F6", "billable": True}
    # WHEN the owner sends it
    response = owner.api.post("/api/v1/projects", json={**body, "hourly_rate": 175, "currency": "USD"})
    # THEN the project keeps 175 cents in USD
    assert response.status_code == 201, response.json_body
    assert (response.json_body["hourly_rate"], response.json_body["currency"]) == (175, "USD")


def test_an_admin_can_create_a_project(admin):
    # WHEN an admin creates a project
    response = admin.api.post("/api/v1/projects", json={"name": "Mobile App"})
    # THEN it is created, with the admin as its creator
    assert response.status_code == 201, response.json_body
    assert response.json_body["created_by"] == admin.user_id


def test_currency_defaults_to_the_orgs_currency(owner):
    # GIVEN an org whose settings say EUR
    changed = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"currency": "EUR"}})
    assert changed.status_code == 200, changed.json_body
    # WHEN a project is created without a currency
    project = create_project(owner)
    # THEN it takes the org's currency
    assert project["currency"] == "EUR"


def test_currency_defaults_to_usd_for_an_org_with_default_settings(owner):
    # WHEN a project is created without a currency in an org that never changed its settings
    project = create_project(owner)
    # THEN it is in USD, the org's default
    assert project["currency"] == "USD"


def test_a_member_cannot_create_a_project(owner, member):
    # WHEN a plain member tries to create a project
    response = member.api.post("/api/v1/projects", json={"name": "Side quest"})
    # THEN it is forbidden and nothing is written
    helpers.error(response, 403, "forbidden")
    assert_no_project_written(owner)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "P", "hourly_rate": 1.5}, "hourly_rate"),
        ({"name": "P", "hourly_rate": "175"}, "hourly_rate"),
        ({"name": "P", "hourly_rate": -1}, "hourly_rate"),
        ({"name": "P", "color": "blue"}, "color"),
        ({"name": "P", "color": "#3B82F"}, "color"),
        ({"name": "P", "currency": "DOLLARS"}, "currency"),
        ({"name": "P", "currency": "XYZ"}, "currency"),
        ({"name": "P", "billable": "yes"}, "billable"),
        ({"name": "P", "start_date": "2026-13-01"}, "start_date"),
        ({"name": "P", "org_id": "org_01JD0000000000000000000000"}, "org_id"),
        ({"name": "P", "created_by": "usr_01JD0000000000000000000000"}, "created_by"),
        ({"name": "P", "id": "prj_01JD0000000000000000000000"}, "id"),
        ({"name": "P", "status": "archived"}, "status"),
    ],
    ids=[
        "name missing",
        "name blank",
        "name too long",
        "hourly_rate float",
        "hourly_rate string",
        "hourly_rate negative",
        "color not hex",
        "color too short",
        "currency not a code",
        "currency unknown code",
        "billable string",
        "start_date not a date",
        "unknown field org_id",
        "unknown field created_by",
        "unknown field id",
        "status on create",
    ],
)
def test_invalid_create_body_is_400_naming_the_field_and_writes_nothing(owner, body, field):
    # WHEN the owner sends an invalid project body
    response = owner.api.post("/api/v1/projects", json=body)
    # THEN it is a 400 naming the offending field, and no project (or audit entry) exists
    helpers.field_error(response, field)
    assert_no_project_written(owner)


def test_a_200_character_name_is_accepted(owner):
    # WHEN the owner creates a project whose name is exactly at the limit
    response = owner.api.post("/api/v1/projects", json={"name": "x" * 200})
    # THEN it is created
    assert response.status_code == 201, response.json_body


def test_client_id_of_a_missing_client_is_400_naming_client_id_and_writes_nothing(owner):
    # WHEN the owner creates a project for a client that does not exist
    response = owner.api.post("/api/v1/projects", json={"name": "P", "client_id": "cli_01JD0000000000000000000000"})
    # THEN it is a 400 naming client_id and nothing is written
    helpers.field_error(response, "client_id")
    assert_no_project_written(owner)


def test_client_id_of_another_orgs_client_is_400(owner, outsider):
    # GIVEN a client of another organization
    foreign = create_client(outsider)
    # WHEN the owner creates a project for it
    response = owner.api.post("/api/v1/projects", json={"name": "P", "client_id": foreign["id"]})
    # THEN it is refused as if the client did not exist
    helpers.field_error(response, "client_id")
    assert_no_project_written(owner)


def test_an_empty_client_id_is_400(owner):
    # WHEN the owner sends an empty client_id
    response = owner.api.post("/api/v1/projects", json={"name": "P", "client_id": ""})
    # THEN it is a 400 naming client_id, not a project with an empty client reference
    helpers.field_error(response, "client_id")
    assert_no_project_written(owner)


def test_start_date_after_end_date_is_400_with_the_documented_message(owner):
    # WHEN the owner creates a project that ends before it starts
    response = owner.api.post(
        "/api/v1/projects", json={"name": "P", "start_date": "2026-05-02", "end_date": "2026-05-01"}
    )
    # THEN it is a 400 with the message spelled out, and nothing is written
    body = helpers.error(response, 400, "validation_error")
    assert body["message"] == "start_date must be on or before end_date"
    assert_no_project_written(owner)


def test_a_project_may_start_and_end_on_the_same_day(owner):
    # WHEN the owner creates a one-day project
    response = owner.api.post(
        "/api/v1/projects", json={"name": "P", "start_date": "2026-05-01", "end_date": "2026-05-01"}
    )
    # THEN it is created
    assert response.status_code == 201, response.json_body


def test_a_malformed_json_body_is_400(owner):
    # WHEN the body is not JSON
    response = owner.api.post("/api/v1/projects", body=b"{name: ")
    # THEN it is a 400 and nothing is written
    helpers.error(response, 400, "validation_error")
    assert_no_project_written(owner)
