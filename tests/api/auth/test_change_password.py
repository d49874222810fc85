"""PUT /users/me/password: needs the current password; ends the caller's other sessions, keeps this one."""

from tests.api.auth.helpers import assert_error, error_fields, login, me, refresh
from tests.support import factories

PASSWORD_URL = "/api/v1/users/me/password"
NEW_PASSWORD = "a brand new passphrase"


def _change(account: factories.Account, current: str = factories.PASSWORD, new: str = NEW_PASSWORD):
    return account.api.put(PASSWORD_URL, json={"current_password": current, "new_password": new})


def test_change_password_is_204(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it changes its password giving the current one
    response = _change(account)
    # THEN it succeeds with no content
    assert response.status_code == 204


def test_wrong_current_password_is_400_naming_it(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it tries to change its password with a wrong current password
    response = _change(account, current="not my password at all")
    # THEN it is refused, naming current_password
    error = assert_error(response, 400, "validation_error")
    assert error_fields(error) == {"current_password"}


def test_wrong_current_password_changes_nothing(api):
    # GIVEN a refused change (wrong current password)
    account = factories.register(api)
    _change(account, current="not my password at all")
    # WHEN the account signs in with the password it had
    response = login(api, account.email)
    # THEN it still works
    assert response.status_code == 200


def test_common_new_password_is_400_naming_it(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it tries to change to a well-known password
    response = _change(account, new="password123")
    # THEN it is refused, naming new_password
    assert error_fields(assert_error(response, 400, "validation_error")) == {"new_password"}


def test_after_a_change_only_the_new_password_signs_in(api):
    # GIVEN an account that changed its password
    account = factories.register(api)
    _change(account)
    # WHEN it signs in with the old and with the new password
    old, new = login(api, account.email), login(api, account.email, NEW_PASSWORD)
    # THEN only the new one works
    assert_error(old, 401, "unauthorized")
    assert new.status_code == 200


def test_change_ends_the_other_sessions_refresh_tokens(api):
    # GIVEN an account signed in on a second device, that changes its password on the first
    account = factories.register(api)
    other_device = login(api, account.email).json_body
    _change(account)
    # WHEN the second device refreshes
    response = refresh(api, other_device["refresh_token"])
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_change_ends_the_other_sessions_access_tokens(api):
    # GIVEN an account signed in on a second device, that changes its password on the first
    account = factories.register(api)
    other_device = login(api, account.email).json_body
    _change(account)
    # WHEN the second device uses its access token
    response = me(api, other_device["access_token"])
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_current_session_keeps_its_access_token(api):
    # GIVEN an account that changed its password
    account = factories.register(api)
    _change(account)
    # WHEN it goes on using the access token of the session that made the change
    response = me(api, account.access_token)
    # THEN it still works
    assert response.status_code == 200


def test_current_session_keeps_its_refresh_token(api):
    # GIVEN an account that changed its password
    account = factories.register(api)
    _change(account)
    # WHEN it refreshes in the session that made the change
    response = refresh(api, account.refresh_token)
    # THEN it works
    assert response.status_code == 200


def test_change_password_refuses_unknown_fields(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN the body carries a field the endpoint does not take
    response = account.api.put(
        PASSWORD_URL, json={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "user_id": "x"}
    )
    # THEN it is refused naming that field, and the password is unchanged
    assert "user_id" in error_fields(assert_error(response, 400, "validation_error"))
    assert login(api, account.email).status_code == 200
