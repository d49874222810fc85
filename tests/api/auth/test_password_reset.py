"""Forgot / reset password: same answer for every address, a single-use emailed token, every session ends."""

from datetime import timedelta

from chalicelib.auth import service as auth_service
from tests.api.auth.helpers import assert_error, error_fields, login, me, refresh
from tests.support import factories

FORGOT = "/api/v1/auth/forgot-password"
RESET = "/api/v1/auth/reset-password"
NEW_PASSWORD = "a brand new passphrase"


def _without_request_id(body: dict) -> dict:
    return {name: value for name, value in body.items() if name != "request_id"}


def _reset_token(api, account: factories.Account) -> str:
    """Ask for a reset for the account and read the token from the email it receives."""
    assert api.post(FORGOT, json={"email": account.email}).status_code == 200
    factories.drain_jobs()
    return factories.emailed_token(account.email)


# --- forgot password -----------------------------------------------------------------------------------------


def test_forgot_password_answers_known_and_unknown_emails_alike(api):
    # GIVEN an account, and an address nobody registered
    account = factories.register(api)
    # WHEN a reset is requested for each
    known = api.post(FORGOT, json={"email": account.email})
    unknown = api.post(FORGOT, json={"email": factories.unique_email("nobody")})
    # THEN the answers are identical (apart from the request id, if any)
    assert known.status_code == unknown.status_code == 200
    assert _without_request_id(known.json_body) == _without_request_id(unknown.json_body)


def test_only_the_known_address_receives_a_reset_email(api):
    # GIVEN resets requested for an account and for an address nobody registered
    account = factories.register(api)
    nobody = factories.unique_email("nobody")
    api.post(FORGOT, json={"email": account.email})
    api.post(FORGOT, json={"email": nobody})
    # WHEN the background jobs run
    factories.drain_jobs()
    # THEN the account got a reset email and the unknown address got nothing
    assert "Reset your Stint password" in factories.last_email_to(account.email)["Subject"]
    assert not [m for m in factories.sent_emails() if nobody in m["To"]]


def test_forgot_password_matches_the_email_in_any_case(api):
    # GIVEN an account registered in lower case
    account = factories.register(api)
    # WHEN a reset is requested with the address in capitals
    api.post(FORGOT, json={"email": account.email.upper()})
    factories.drain_jobs()
    # THEN the account receives the reset email
    assert "Reset your Stint password" in factories.last_email_to(account.email)["Subject"]


def test_forgot_password_with_an_invalid_email_is_400(api):
    response = api.post(FORGOT, json={"email": "not-an-email"})
    assert "email" in error_fields(assert_error(response, 400, "validation_error"))


# --- reset password ------------------------------------------------------------------------------------------


def test_emailed_token_resets_the_password(api):
    # GIVEN an account and its emailed reset token
    account = factories.register(api)
    token = _reset_token(api, account)
    # WHEN a new password is set with it
    response = api.post(RESET, json={"token": token, "password": NEW_PASSWORD})
    # THEN it succeeds
    assert response.status_code == 200


def test_after_reset_the_old_password_no_longer_signs_in(api):
    # GIVEN an account whose password was reset
    account = factories.register(api)
    api.post(RESET, json={"token": _reset_token(api, account), "password": NEW_PASSWORD})
    # WHEN it signs in with the old password
    response = login(api, account.email)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_after_reset_the_new_password_signs_in(api):
    # GIVEN an account whose password was reset
    account = factories.register(api)
    api.post(RESET, json={"token": _reset_token(api, account), "password": NEW_PASSWORD})
    # WHEN it signs in with the new password
    response = login(api, account.email, NEW_PASSWORD)
    # THEN it works
    assert response.status_code == 200


def test_reset_ends_every_previous_sessions_refresh_token(api):
    # GIVEN an account signed in on two devices, whose password is then reset
    account = factories.register(api)
    other_device = login(api, account.email).json_body
    api.post(RESET, json={"token": _reset_token(api, account), "password": NEW_PASSWORD})
    # WHEN either device refreshes
    # THEN both are refused
    assert_error(refresh(api, account.refresh_token), 401, "unauthorized")
    assert_error(refresh(api, other_device["refresh_token"]), 401, "unauthorized")


def test_reset_ends_every_previous_sessions_access_token(api):
    # GIVEN a signed-in account whose password is then reset
    account = factories.register(api)
    api.post(RESET, json={"token": _reset_token(api, account), "password": NEW_PASSWORD})
    # WHEN the access token from before the reset is used
    response = me(api, account.access_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_reset_token_works_only_once(api):
    # GIVEN a reset token that has been used
    account = factories.register(api)
    token = _reset_token(api, account)
    assert api.post(RESET, json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    # WHEN it is used again
    response = api.post(RESET, json={"token": token, "password": "yet another passphrase"})
    # THEN it is refused, naming the token, and the password set first still holds
    assert "token" in error_fields(assert_error(response, 400, "validation_error"))
    assert login(api, account.email, NEW_PASSWORD).status_code == 200


def test_expired_reset_token_is_400(api, monkeypatch):
    # GIVEN a reset token, and the clock moved past its lifetime
    account = factories.register(api)
    token = _reset_token(api, account)
    later = auth_service.utcnow() + timedelta(minutes=auth_service.RESET_PASSWORD_MINUTES, seconds=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)
    # WHEN it is used
    response = api.post(RESET, json={"token": token, "password": NEW_PASSWORD})
    # THEN it is refused, naming the token
    assert "token" in error_fields(assert_error(response, 400, "validation_error"))


def test_expired_reset_token_leaves_the_password_unchanged(api, monkeypatch):
    # GIVEN a reset attempted with an expired token
    account = factories.register(api)
    token = _reset_token(api, account)
    later = auth_service.utcnow() + timedelta(minutes=auth_service.RESET_PASSWORD_MINUTES, seconds=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)
    api.post(RESET, json={"token": token, "password": NEW_PASSWORD})
    monkeypatch.undo()
    # WHEN the account signs in with its old password
    response = login(api, account.email)
    # THEN it still works
    assert response.status_code == 200


def test_earlier_reset_link_stops_working_once_a_later_one_is_used(api):
    # GIVEN two reset emails for one account, the later one used to reset the password
    account = factories.register(api)
    earlier, later = _reset_token(api, account), _reset_token(api, account)
    assert api.post(RESET, json={"token": later, "password": NEW_PASSWORD}).status_code == 200
    # WHEN the earlier link is used
    response = api.post(RESET, json={"token": earlier, "password": "yet another passphrase"})
    # THEN it is refused, naming the token: whoever else holds it cannot undo the reset
    assert "token" in error_fields(assert_error(response, 400, "validation_error"))


def test_reset_link_sent_before_a_password_change_stops_working(api):
    # GIVEN a reset email, after which the account changed its password while signed in
    account = factories.register(api)
    token = _reset_token(api, account)
    changed = account.api.put(
        "/api/v1/users/me/password", json={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204
    # WHEN the reset link is used
    response = api.post(RESET, json={"token": token, "password": "yet another passphrase"})
    # THEN it is refused and the changed password still holds
    assert "token" in error_fields(assert_error(response, 400, "validation_error"))
    assert login(api, account.email, NEW_PASSWORD).status_code == 200


def test_reset_link_sent_after_a_password_change_works(api):
    # GIVEN an account that changed its password, then asked for a reset
    account = factories.register(api)
    account.api.put(
        "/api/v1/users/me/password", json={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    )
    token = _reset_token(api, account)
    # WHEN the reset link is used
    response = api.post(RESET, json={"token": token, "password": "yet another passphrase"})
    # THEN it works: only links older than the change are stale
    assert response.status_code == 200


def test_unknown_reset_token_is_400(api):
    response = api.post(RESET, json={"token": "never-issued", "password": NEW_PASSWORD})
    assert "token" in error_fields(assert_error(response, 400, "validation_error"))


def test_weak_new_password_is_400_and_keeps_the_token_usable(api):
    # GIVEN an account and its reset token, first tried with a common password
    account = factories.register(api)
    token = _reset_token(api, account)
    weak = api.post(RESET, json={"token": token, "password": "password123"})
    assert "password" in error_fields(assert_error(weak, 400, "validation_error"))
    # WHEN the same token is used with a good password
    response = api.post(RESET, json={"token": token, "password": NEW_PASSWORD})
    # THEN it works: the refused attempt did not spend the token
    assert response.status_code == 200


def test_verification_token_cannot_reset_a_password(api):
    # GIVEN an account and the token from its verification email
    account = factories.register(api)
    factories.drain_jobs()
    verify_token = factories.emailed_token(account.email)
    # WHEN it is used as a reset token
    response = api.post(RESET, json={"token": verify_token, "password": NEW_PASSWORD})
    # THEN it is refused and the old password still signs in
    assert_error(response, 400, "validation_error")
    assert login(api, account.email).status_code == 200
