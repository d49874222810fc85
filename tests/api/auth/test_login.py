"""POST /auth/login: email + password → tokens; failures look alike and are throttled per window."""

from datetime import timedelta

import pytest

from chalicelib.auth.service import LOGIN_LIMITS, LOGIN_WINDOW_SECONDS
from chalicelib.core import ratelimit
from tests.api.auth.helpers import LOGIN, assert_error, error_fields, login, me
from tests.support import factories

WRONG_PASSWORD = "not the right password"
PAIR_LIMIT = LOGIN_LIMITS["pair"]


def _fail_logins(api, address: str, times: int) -> None:
    for _ in range(times):
        assert_error(login(api, address, WRONG_PASSWORD), 401, "unauthorized")


def test_right_password_signs_in(api):
    # GIVEN an account
    account = factories.register(api)
    # WHEN it signs in with its password
    response = login(api, account.email)
    # THEN it gets tokens for its own user and organization
    assert response.status_code == 200
    body = response.json_body
    assert body["user"]["id"] == account.user_id
    assert (body["organization"]["id"], body["organization"]["role"]) == (account.org_id, "owner")
    assert me(api, body["access_token"]).status_code == 200


def test_email_is_matched_regardless_of_case(api):
    # GIVEN an account registered in lower case
    account = factories.register(api)
    # WHEN it signs in with the address in capitals
    response = login(api, account.email.upper())
    # THEN it is the same account
    assert response.status_code == 200
    assert response.json_body["user"]["id"] == account.user_id


def test_each_login_opens_a_new_session(api):
    # GIVEN an account
    account = factories.register(api)
    # WHEN it signs in twice
    first, second = login(api, account.email).json_body, login(api, account.email).json_body
    # THEN each sign-in has its own refresh token
    assert len({account.refresh_token, first["refresh_token"], second["refresh_token"]}) == 3


def test_wrong_password_is_401(api):
    # GIVEN an account
    account = factories.register(api)
    # WHEN someone signs in with the wrong password
    response = login(api, account.email, WRONG_PASSWORD)
    # THEN it is refused
    error = assert_error(response, 401, "unauthorized")
    assert error["message"] == "Invalid email or password."


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(api):
    # GIVEN an account, and an address nobody registered
    account = factories.register(api)
    wrong_password = assert_error(login(api, account.email, WRONG_PASSWORD), 401, "unauthorized")
    # WHEN someone signs in with the unknown address
    unknown_email = assert_error(login(api, factories.unique_email("nobody")), 401, "unauthorized")
    # THEN the answer does not reveal which of the two was wrong
    assert unknown_email["message"] == wrong_password["message"]
    assert unknown_email.keys() == wrong_password.keys()


def test_invited_user_who_never_set_a_password_cannot_sign_in(api):
    # GIVEN someone invited to an org who has not accepted (no password yet)
    owner = factories.register(api)
    address = factories.unique_email("invitee")
    invited = owner.api.post("/api/v1/members/invite", json={"email": address, "role": "member"})
    assert invited.status_code == 201, invited.json_body
    # WHEN they try to sign in with any password
    response = login(api, address)
    # THEN it is refused like any bad credential
    assert_error(response, 401, "unauthorized")


@pytest.mark.parametrize("missing", ["email", "password"])
def test_missing_credential_is_400_naming_it(api, missing):
    # GIVEN a login body without one of its two fields
    body = {"email": "someone@example.com", "password": factories.PASSWORD}
    del body[missing]
    # WHEN it is submitted
    response = api.post(LOGIN, json=body)
    # THEN the missing field is named
    assert missing in error_fields(assert_error(response, 400, "validation_error"))


# --- throttling ----------------------------------------------------------------------------------------------


def test_failures_up_to_the_limit_are_answered_401(api):
    # GIVEN an account that failed to sign in one time less than the limit, from this IP
    account = factories.register(api)
    _fail_logins(api, account.email, PAIR_LIMIT - 1)
    # WHEN the last allowed attempt is made with the wrong password
    response = login(api, account.email, WRONG_PASSWORD)
    # THEN it is still a plain 401, not throttled
    assert_error(response, 401, "unauthorized")


def test_repeated_failures_for_one_email_from_one_ip_are_429_with_retry_after(api):
    # GIVEN an account that failed to sign in as often as the limit allows, from this IP
    account = factories.register(api)
    _fail_logins(api, account.email, PAIR_LIMIT)
    # WHEN another attempt is made
    response = login(api, account.email, WRONG_PASSWORD)
    # THEN it is throttled and says when to retry (within the window)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= LOGIN_WINDOW_SECONDS


def test_throttled_pair_is_refused_even_with_the_right_password(api):
    # GIVEN an account throttled after too many failures from this IP
    account = factories.register(api)
    _fail_logins(api, account.email, PAIR_LIMIT)
    # WHEN the right password is tried within the window
    response = login(api, account.email)
    # THEN it is still throttled: guessing cannot continue by luck
    assert_error(response, 429, "rate_limited")


def test_unknown_email_is_throttled_like_a_known_one(api):
    # GIVEN an address nobody registered, that failed as often as the limit allows
    address = factories.unique_email("nobody")
    _fail_logins(api, address, PAIR_LIMIT)
    # WHEN another attempt is made
    response = login(api, address, WRONG_PASSWORD)
    # THEN it is throttled too, so throttling does not reveal which accounts exist
    assert_error(response, 429, "rate_limited")


def test_throttling_one_email_does_not_block_another_from_the_same_ip(api):
    # GIVEN one account throttled from this IP, and another account
    throttled, other = factories.register(api), factories.register(api)
    _fail_logins(api, throttled.email, PAIR_LIMIT)
    # WHEN the other account signs in from the same IP
    response = login(api, other.email)
    # THEN it works
    assert response.status_code == 200


def test_throttling_ends_when_the_window_passes(api, monkeypatch):
    # GIVEN an account throttled after too many failures
    account = factories.register(api)
    _fail_logins(api, account.email, PAIR_LIMIT)
    assert login(api, account.email).status_code == 429
    # WHEN a whole window has passed
    later = ratelimit.utcnow() + timedelta(seconds=LOGIN_WINDOW_SECONDS)
    monkeypatch.setattr(ratelimit, "utcnow", lambda: later)
    # THEN the right password signs in again
    response = login(api, account.email)
    assert response.status_code == 200, response.json_body
