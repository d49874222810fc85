"""POST /auth/refresh rotates the refresh token; reusing an old one ends the family. POST /auth/logout ends it."""

from tests.api.auth.helpers import assert_error, error_fields, login, me, refresh
from tests.support import factories

LOGOUT = "/api/v1/auth/logout"


def _refreshed(api, refresh_token: str) -> dict:
    response = refresh(api, refresh_token)
    assert response.status_code == 200, response.json_body
    return response.json_body


# --- rotation ------------------------------------------------------------------------------------------------


def test_refresh_returns_new_tokens_for_the_same_user(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it refreshes
    body = _refreshed(api, account.refresh_token)
    # THEN it gets a new refresh token and an access token that works for the same user
    assert body["refresh_token"].startswith("stint_rt_")
    assert body["refresh_token"] != account.refresh_token
    assert body["user"]["id"] == account.user_id
    assert me(api, body["access_token"]).json_body["id"] == account.user_id


def test_refresh_keeps_the_current_organization_and_role(api):
    # GIVEN a signed-in owner
    account = factories.register(api)
    # WHEN it refreshes
    body = _refreshed(api, account.refresh_token)
    # THEN it stays in the same organization with the same role
    assert (body["organization"]["id"], body["organization"]["role"]) == (account.org_id, "owner")


def test_rotated_refresh_token_no_longer_works(api):
    # GIVEN a refresh token that has been used once
    account = factories.register(api)
    _refreshed(api, account.refresh_token)
    # WHEN it is used again
    response = refresh(api, account.refresh_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_new_refresh_token_can_be_rotated_in_turn(api):
    # GIVEN a refresh token obtained by refreshing
    account = factories.register(api)
    second = _refreshed(api, account.refresh_token)["refresh_token"]
    # WHEN it is used
    response = refresh(api, second)
    # THEN it works like the first one did
    assert response.status_code == 200


def test_reusing_a_rotated_token_revokes_the_holders_current_refresh_token(api):
    # GIVEN a session that rotated its refresh token, and someone replaying the old one
    account = factories.register(api)
    current = _refreshed(api, account.refresh_token)["refresh_token"]
    assert_error(refresh(api, account.refresh_token), 401, "unauthorized")
    # WHEN the legitimate holder refreshes with its current token
    response = refresh(api, current)
    # THEN that fails too: the whole family was revoked
    assert_error(response, 401, "unauthorized")


def test_reusing_a_rotated_token_ends_the_sessions_access_tokens(api):
    # GIVEN a session that rotated its refresh token and holds a fresh access token
    account = factories.register(api)
    fresh_access = _refreshed(api, account.refresh_token)["access_token"]
    # WHEN the old refresh token is replayed
    refresh(api, account.refresh_token)
    # THEN the session's access token stops working as well
    assert_error(me(api, fresh_access), 401, "unauthorized")


def test_reuse_in_one_session_leaves_other_sessions_alone(api):
    # GIVEN an account signed in on two devices, one of which suffers a refresh-token replay
    account = factories.register(api)
    other_device = login(api, account.email).json_body
    _refreshed(api, account.refresh_token)
    refresh(api, account.refresh_token)
    # WHEN the other device refreshes
    response = refresh(api, other_device["refresh_token"])
    # THEN it is unaffected
    assert response.status_code == 200


def test_unknown_refresh_token_is_401(api):
    # WHEN a refresh token that was never issued is presented
    response = refresh(api, "stint_rt_never-issued")
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_access_token_is_not_a_refresh_token(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN its access token is presented to refresh
    response = refresh(api, account.access_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_refresh_without_a_token_is_400_naming_it(api):
    response = api.post("/api/v1/auth/refresh", json={})
    assert "refresh_token" in error_fields(assert_error(response, 400, "validation_error"))


# --- logout --------------------------------------------------------------------------------------------------


def test_logout_is_204(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it logs out with its refresh token
    response = account.api.post(LOGOUT, json={"refresh_token": account.refresh_token})
    # THEN it succeeds with no content
    assert response.status_code == 204


def test_logged_out_refresh_token_no_longer_works(api):
    # GIVEN an account that logged out
    account = factories.register(api)
    account.api.post(LOGOUT, json={"refresh_token": account.refresh_token})
    # WHEN its refresh token is used
    response = refresh(api, account.refresh_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_logged_out_sessions_access_token_no_longer_works(api):
    # GIVEN an account that logged out while its access token had not yet expired
    account = factories.register(api)
    account.api.post(LOGOUT, json={"refresh_token": account.refresh_token})
    # WHEN the access token is used
    response = me(api, account.access_token)
    # THEN it is refused: sessions are checked on every request
    assert_error(response, 401, "unauthorized")


def test_logout_leaves_the_users_other_sessions_alone(api):
    # GIVEN an account signed in on two devices, one of which logs out
    account = factories.register(api)
    other_device = login(api, account.email).json_body
    account.api.post(LOGOUT, json={"refresh_token": account.refresh_token})
    # WHEN the other device uses its tokens
    # THEN they still work
    assert me(api, other_device["access_token"]).status_code == 200
    assert refresh(api, other_device["refresh_token"]).status_code == 200


def test_logout_with_someone_elses_refresh_token_is_refused_and_ends_nothing(api):
    # GIVEN two accounts
    caller, victim = factories.register(api), factories.register(api)
    # WHEN one tries to log out with the other's refresh token
    response = caller.api.post(LOGOUT, json={"refresh_token": victim.refresh_token})
    # THEN it is refused and the other's session goes on
    assert_error(response, 401, "unauthorized")
    assert me(api, victim.access_token).status_code == 200


def test_logout_without_authentication_is_401(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN its refresh token is sent to logout without an access token
    response = api.post(LOGOUT, json={"refresh_token": account.refresh_token})
    # THEN it is refused and the session goes on
    assert_error(response, 401, "unauthorized")
    assert refresh(api, account.refresh_token).status_code == 200
