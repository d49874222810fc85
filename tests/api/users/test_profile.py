"""The caller's own profile: `GET/PUT /api/v1/users/me` (TRCR "User Profile")."""

import pytest

from tests.support import factories


@pytest.fixture
def user(api):
    return factories.register(api, name="Jane Doe")


def test_the_profile_is_the_signed_in_user(user):
    # GIVEN a signed-in user
    # WHEN they read their profile
    response = user.api.get("/api/v1/users/me")
    # THEN it is theirs, with the documented fields and no secrets
    assert response.status_code == 200
    body = response.json_body
    assert body["id"] == user.user_id
    assert body["email"] == user.email
    assert body["name"] == "Jane Doe"
    assert body["timezone"] == "UTC"
    assert body["email_verified"] is False
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")
    assert not {"password_hash", "password", "version", "sessions_valid_after"} & set(body)


def test_the_profile_needs_authentication(api):
    # GIVEN no credentials
    # WHEN the profile is read
    response = api.get("/api/v1/users/me")
    # THEN it is a 401 in the envelope
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


def test_a_user_changes_their_name_and_timezone(user):
    # GIVEN a user in UTC
    # WHEN they set a new name and an IANA timezone
    response = user.api.put("/api/v1/users/me", json={"name": "Jane Smith", "timezone": "America/New_York"})
    # THEN the answer and later reads show both
    assert response.status_code == 200
    assert response.json_body["name"] == "Jane Smith"
    assert response.json_body["timezone"] == "America/New_York"
    again = user.api.get("/api/v1/users/me").json_body
    assert (again["name"], again["timezone"]) == ("Jane Smith", "America/New_York")


def test_a_partial_update_leaves_other_fields_alone(user):
    # GIVEN a user who set a timezone
    user.api.put("/api/v1/users/me", json={"timezone": "Europe/Berlin"})
    # WHEN they change only their name
    response = user.api.put("/api/v1/users/me", json={"name": "J. Doe"})
    # THEN the timezone is kept
    assert response.status_code == 200
    assert response.json_body["timezone"] == "Europe/Berlin"
    assert response.json_body["name"] == "J. Doe"


def test_an_unknown_timezone_is_400_naming_timezone_and_nothing_changes(user):
    # GIVEN a user
    before = user.api.get("/api/v1/users/me").json_body
    # WHEN they send a valid name with a timezone that is not IANA
    response = user.api.put("/api/v1/users/me", json={"name": "Jane Smith", "timezone": "Mars/Olympus"})
    # THEN it is a 400 naming timezone, and not even the name was written
    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "validation_error"
    assert [detail["field"] for detail in error["details"]] == ["timezone"]
    assert "timezone" in error["message"]
    assert user.api.get("/api/v1/users/me").json_body == before


@pytest.mark.parametrize(
    "extra",
    [
        {"email": "someone-else@example.com"},
        {"id": "usr_01JD0000000000000000000000"},
        {"password_hash": "x"},
        {"email_verified": True},
    ],
)
def test_an_unknown_field_is_400_and_nothing_is_written(user, extra):
    # GIVEN a user
    before = user.api.get("/api/v1/users/me").json_body
    # WHEN they send a field the profile does not accept next to a valid one
    response = user.api.put("/api/v1/users/me", json={"name": "Mallory", **extra})
    # THEN it is a 400 naming the field, and nothing changed
    assert response.status_code == 400
    [field] = extra
    assert field in {detail["field"] for detail in response.json_body["error"]["details"]}
    assert user.api.get("/api/v1/users/me").json_body == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "UTC+2"}, "timezone"),
        ({"timezone": "america/new_york"}, "timezone"),
        ({"timezone": None}, "timezone"),
    ],
)
def test_bad_values_are_400_naming_the_field(user, body, field):
    # GIVEN a user
    before = user.api.get("/api/v1/users/me").json_body
    # WHEN they send an invalid value
    response = user.api.put("/api/v1/users/me", json=body)
    # THEN it is a 400 naming the field, and nothing changed
    assert response.status_code == 400
    assert field in {detail["field"] for detail in response.json_body["error"]["details"]}
    assert user.api.get("/api/v1/users/me").json_body == before


def test_a_body_that_is_not_an_object_is_400(user):
    # GIVEN a user
    # WHEN the body is a JSON list
    response = user.api.put("/api/v1/users/me", json=["name", "Jane"])
    # THEN it is a 400
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "validation_error"


def test_updating_the_profile_needs_authentication(api, user):
    # GIVEN a user, and an anonymous caller
    # WHEN the anonymous caller tries to rename them
    response = api.put("/api/v1/users/me", json={"name": "Anonymous"})
    # THEN it is a 401 and the user keeps their name
    assert response.status_code == 401
    assert user.api.get("/api/v1/users/me").json_body["name"] == "Jane Doe"


def test_a_user_edits_only_their_own_profile(api, user):
    # GIVEN a second user
    other = factories.register(api, name="Other Person")
    # WHEN the first user renames "me"
    user.api.put("/api/v1/users/me", json={"name": "Renamed"})
    # THEN only the first user's name changed
    assert other.api.get("/api/v1/users/me").json_body["name"] == "Other Person"


def test_a_personal_api_token_reads_and_updates_the_profile(user):
    # GIVEN a personal API token
    issued = factories.api_token(user)
    # WHEN it updates the profile
    response = issued.api.put("/api/v1/users/me", json={"timezone": "Asia/Tokyo"})
    # THEN the user's profile changed
    assert response.status_code == 200
    assert user.api.get("/api/v1/users/me").json_body["timezone"] == "Asia/Tokyo"
