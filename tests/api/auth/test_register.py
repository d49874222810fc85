"""POST /auth/register: an account, its first organization (owned) and a signed-in session."""

import pytest

from tests.api.auth.helpers import assert_error, claims_of, error_fields, login, me
from tests.support import factories

REGISTER = "/api/v1/auth/register"


def _body(**overrides) -> dict:
    body = {"email": factories.unique_email(), "password": factories.PASSWORD, "name": "Jane Doe"}
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


# Each case: (what is wrong, the body's changes, the field the 400 must name). None removes the field.
INVALID_BODIES = [
    ("missing email", {"email": None}, "email"),
    ("missing password", {"password": None}, "password"),
    ("missing name", {"name": None}, "name"),
    ("email not a string", {"email": 42}, "email"),
    ("password not a string", {"password": 12345678}, "password"),
    ("name not a string", {"name": ["Jane"]}, "name"),
    ("unknown field role", {"role": "admin"}, "role"),
    ("unknown field org_id", {"org_id": "org_01JD0000000000000000000000"}, "org_id"),
    ("unknown field email_verified", {"email_verified": True}, "email_verified"),
    ("name over 200 characters", {"name": "n" * 201}, "name"),
    ("blank name", {"name": "   "}, "name"),
    ("invalid email", {"email": "not-an-email"}, "email"),
    ("email without a domain dot", {"email": "jane@localhost"}, "email"),
    ("password under 8 characters", {"password": "short7!"}, "password"),
    ("common password", {"password": "password123"}, "password"),
    ("common password in capitals", {"password": "Password123"}, "password"),
]
INVALID_IDS = [case[0] for case in INVALID_BODIES]
REFUSED_WITH_A_VALID_EMAIL = [case for case in INVALID_BODIES if case[2] != "email"]
REFUSED_IDS = [case[0] for case in REFUSED_WITH_A_VALID_EMAIL]


def test_register_returns_tokens_user_and_owned_organization(api):
    # GIVEN a new email address
    address = factories.unique_email()
    # WHEN someone registers with it
    response = api.post(REGISTER, json={"email": address, "password": factories.PASSWORD, "name": "Jane Doe"})
    # THEN they get tokens, their user and a first organization they own
    assert response.status_code == 201
    body = response.json_body
    assert body["token_type"] == "Bearer"
    assert body["refresh_token"].startswith("stint_rt_")
    assert claims_of(body["access_token"])["sub"] == body["user"]["id"]
    assert body["user"]["email"] == address
    assert body["user"]["name"] == "Jane Doe"
    assert body["user"]["email_verified"] is False
    assert body["organization"]["role"] == "owner"
    assert body["organization"]["id"].startswith("org_")


def test_registration_tokens_authenticate_the_new_user(api):
    # GIVEN a newly registered account
    account = factories.register(api)
    # WHEN it reads its profile with the access token it was given
    response = me(api, account.access_token)
    # THEN it is that user
    assert response.status_code == 200
    assert response.json_body["id"] == account.user_id


@pytest.mark.parametrize(("case", "changes", "field"), INVALID_BODIES, ids=INVALID_IDS)
def test_invalid_registration_is_400_naming_the_field(api, case, changes, field):
    # GIVEN a registration body with one thing wrong
    body = _body(**changes)
    # WHEN it is submitted
    response = api.post(REGISTER, json=body)
    # THEN it is a validation error naming the offending field
    error = assert_error(response, 400, "validation_error")
    assert field in error_fields(error), error


@pytest.mark.parametrize(("case", "changes", "field"), REFUSED_WITH_A_VALID_EMAIL, ids=REFUSED_IDS)
def test_invalid_registration_writes_no_account(api, case, changes, field):
    # GIVEN a registration with a valid email that was refused for another field
    body = _body(**changes)
    assert api.post(REGISTER, json=body).status_code == 400
    # WHEN the same person registers properly with that email
    retry = api.post(REGISTER, json=_body(email=body["email"]))
    # THEN the address was never taken: the account is created now
    assert retry.status_code == 201, retry.json_body


@pytest.mark.parametrize(
    ("case", "changes"),
    [("name over 200 characters", {"name": "n" * 201}), ("unknown field role", {"role": "owner"})],
    ids=["long name", "role"],
)
def test_invalid_registration_with_a_good_password_cannot_sign_in(api, case, changes):
    # GIVEN a refused registration whose email and password were themselves acceptable
    body = _body(**changes)
    assert api.post(REGISTER, json=body).status_code == 400
    # WHEN someone signs in with that email and password
    response = login(api, body["email"], body["password"])
    # THEN there is no such account
    assert_error(response, 401, "unauthorized")


def test_weak_password_refusal_says_why(api):
    # WHEN a registration uses a well-known password
    response = api.post(REGISTER, json=_body(password="password123"))
    # THEN the message explains the password is too common
    error = assert_error(response, 400, "validation_error")
    assert "password" in error["message"]
    assert "common" in error["message"]


def test_same_email_is_409(api):
    # GIVEN an account
    account = factories.register(api)
    # WHEN someone registers the same email again
    response = api.post(REGISTER, json=_body(email=account.email))
    # THEN it conflicts
    assert_error(response, 409, "conflict")


def test_same_email_in_another_case_is_409(api):
    # GIVEN an account registered with a lower-case email
    account = factories.register(api)
    # WHEN someone registers the same address in capitals
    response = api.post(REGISTER, json=_body(email=account.email.upper()))
    # THEN it conflicts: emails are unique regardless of case
    assert_error(response, 409, "conflict")


def test_conflicting_registration_leaves_the_first_account_untouched(api):
    # GIVEN an account, and a second registration of its email with another password and name
    account = factories.register(api, name="First Owner")
    api.post(REGISTER, json=_body(email=account.email.upper(), password="another long password", name="Intruder"))
    # WHEN the owner signs in with their original password
    response = login(api, account.email)
    # THEN it works and the account kept its name
    assert response.status_code == 200
    assert response.json_body["user"]["name"] == "First Owner"


def test_registered_email_is_stored_lower_case(api):
    # WHEN someone registers with a mixed-case address
    address = factories.unique_email("MixedCase")
    response = api.post(REGISTER, json=_body(email=address))
    # THEN the account's email is the lower-case form
    assert response.json_body["user"]["email"] == address.lower()
