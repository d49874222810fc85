"""PUT /users/me/password: needs the current password; ends the caller's other sessions, keeps this one."""

from datetime import timedelta

from chalicelib.auth.service import LOGIN_WINDOW_SECONDS, PASSWORD_CHECK_LIMIT
from chalicelib.core import ratelimit
from tests.api.auth.helpers import assert_error, error_fields, login, me, refresh
from tests.support import factories

PASSWORD_URL = "/api/v1/users/me/password"
NEW_PASSWORD = "a brand new passphrase"
WRONG_PASSWORD = "not my password at all"


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


# --- guessing ------------------------------------------------------------------------------------------------


def _guess_wrong(account: factories.Account, times: int) -> None:
    for _ in range(times):
        assert_error(_change(account, current=WRONG_PASSWORD), 400, "validation_error")


def test_wrong_current_passwords_up_to_the_limit_are_answered_400(api):
    # GIVEN a session that guessed the current password wrong one time less than the limit
    account = factories.register(api)
    _guess_wrong(account, PASSWORD_CHECK_LIMIT - 1)
    # WHEN it guesses wrong once more
    response = _change(account, current=WRONG_PASSWORD)
    # THEN it is still a plain validation error
    assert_error(response, 400, "validation_error")


def test_repeated_wrong_current_passwords_are_429_with_retry_after(api):
    # GIVEN a session that guessed the current password wrong as often as the limit allows
    account = factories.register(api)
    _guess_wrong(account, PASSWORD_CHECK_LIMIT)
    # WHEN it tries again, even with the right password
    response = _change(account)
    # THEN it is throttled and says when to retry, and the password is unchanged
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= LOGIN_WINDOW_SECONDS
    assert login(api, account.email).status_code == 200


def test_password_guessing_is_throttled_per_user_across_sessions(api):
    # GIVEN one session of an account that guessed wrong as often as the limit allows
    account = factories.register(api)
    _guess_wrong(account, PASSWORD_CHECK_LIMIT)
    # WHEN another session of the same account tries
    other_device = factories.login(api, account.email)
    response = _change(other_device)
    # THEN it is throttled too: opening sessions does not buy more guesses
    assert_error(response, 429, "rate_limited")


def test_password_change_throttling_ends_when_the_window_passes(api, monkeypatch):
    # GIVEN a session throttled after too many wrong guesses
    account = factories.register(api)
    _guess_wrong(account, PASSWORD_CHECK_LIMIT)
    # WHEN a whole window has passed
    later = ratelimit.utcnow() + timedelta(seconds=LOGIN_WINDOW_SECONDS)
    monkeypatch.setattr(ratelimit, "utcnow", lambda: later)
    # THEN the right current password changes the password
    assert _change(account).status_code == 204
