"""GET /auth/sessions, DELETE /auth/sessions/{id}, POST /auth/sessions/revoke-others."""

from datetime import timedelta

from chalicelib.auth import service as auth_service
from chalicelib.core.ids import new_id
from tests.api.auth.helpers import assert_error, me, refresh, session_id_of
from tests.support import factories

SESSIONS = "/api/v1/auth/sessions"


def _second_device(api, account: factories.Account) -> factories.Account:
    return factories.login(api, account.email)


def _listed_ids(account: factories.Account) -> list[str]:
    response = account.api.get(SESSIONS)
    assert response.status_code == 200, response.json_body
    return [session["id"] for session in response.json_body["data"]]


# --- listing -------------------------------------------------------------------------------------------------


def test_sessions_lists_each_live_session_of_the_caller(api):
    # GIVEN an account signed in on two devices
    account = factories.register(api)
    other_device = _second_device(api, account)
    # WHEN it lists its sessions
    listed = _listed_ids(account)
    # THEN both sessions are there, and nothing else
    assert sorted(listed) == sorted([session_id_of(account), session_id_of(other_device)])


def test_only_the_calling_session_is_marked_current(api):
    # GIVEN an account signed in on two devices
    account = factories.register(api)
    _second_device(api, account)
    # WHEN it lists its sessions
    sessions = account.api.get(SESSIONS).json_body["data"]
    # THEN exactly the session making the call is current
    assert [s["id"] for s in sessions if s["current"]] == [session_id_of(account)]


def test_sessions_do_not_include_other_users_sessions(api):
    # GIVEN two accounts
    account, stranger = factories.register(api), factories.register(api)
    # WHEN one lists its sessions
    listed = _listed_ids(account)
    # THEN the other's session is not there
    assert session_id_of(stranger) not in listed


def test_session_list_has_the_list_shape(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it lists its sessions
    body = account.api.get(SESSIONS).json_body
    # THEN the answer is a list page with the session's organization
    assert body["has_more"] is False
    assert body["next_cursor"] is None
    assert body["data"][0]["organization_id"] == account.org_id


def test_revoked_session_is_no_longer_listed(api):
    # GIVEN an account that revoked its second device's session
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # WHEN it lists its sessions
    listed = _listed_ids(account)
    # THEN only its own remains
    assert listed == [session_id_of(account)]


# --- revoking one --------------------------------------------------------------------------------------------


def test_revoking_a_session_is_204(api):
    # GIVEN an account signed in on two devices
    account = factories.register(api)
    other_device = _second_device(api, account)
    # WHEN it revokes the second device's session
    response = account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # THEN it succeeds with no content
    assert response.status_code == 204


def test_revoked_sessions_refresh_token_no_longer_works(api):
    # GIVEN a session revoked from another device
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # WHEN the revoked device refreshes
    response = refresh(api, other_device.refresh_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_revoked_sessions_access_token_no_longer_works(api):
    # GIVEN a session revoked from another device
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # WHEN the revoked device uses its access token
    response = me(api, other_device.access_token)
    # THEN it is refused
    assert_error(response, 401, "unauthorized")


def test_revoking_one_session_leaves_the_caller_signed_in(api):
    # GIVEN an account that revoked its second device's session
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # WHEN it goes on with its own tokens
    # THEN they still work
    assert me(api, account.access_token).status_code == 200
    assert refresh(api, account.refresh_token).status_code == 200


def test_revoking_a_session_that_does_not_exist_is_404(api):
    # GIVEN a signed-in account
    account = factories.register(api)
    # WHEN it revokes a well-formed session id that was never issued
    response = account.api.delete(f"{SESSIONS}/{new_id('ses')}")
    # THEN it is not found
    assert_error(response, 404, "not_found")


def test_revoking_a_malformed_session_id_is_404(api):
    account = factories.register(api)
    assert_error(account.api.delete(f"{SESSIONS}/not-a-session"), 404, "not_found")


def test_revoking_another_users_session_is_404(api):
    # GIVEN two accounts
    account, stranger = factories.register(api), factories.register(api)
    # WHEN one tries to revoke the other's session by id
    response = account.api.delete(f"{SESSIONS}/{session_id_of(stranger)}")
    # THEN it is not found, as if it did not exist
    assert_error(response, 404, "not_found")


def test_failed_revocation_of_another_users_session_leaves_it_working(api):
    # GIVEN an attempt to revoke another user's session
    account, stranger = factories.register(api), factories.register(api)
    account.api.delete(f"{SESSIONS}/{session_id_of(stranger)}")
    # WHEN that user goes on with their tokens
    # THEN they still work
    assert me(api, stranger.access_token).status_code == 200
    assert refresh(api, stranger.refresh_token).status_code == 200


def test_revoking_an_already_revoked_session_is_404(api):
    # GIVEN a session already revoked
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # WHEN it is revoked again
    response = account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # THEN it is not found
    assert_error(response, 404, "not_found")


# --- revoking the others -------------------------------------------------------------------------------------


def test_revoke_others_reports_how_many_it_ended(api):
    # GIVEN an account signed in on three devices
    account = factories.register(api)
    _second_device(api, account)
    _second_device(api, account)
    # WHEN it revokes its other sessions
    response = account.api.post(f"{SESSIONS}/revoke-others")
    # THEN it reports the two others
    assert response.status_code == 200
    assert response.json_body == {"revoked": 2}


def test_revoke_others_ends_the_other_devices_tokens(api):
    # GIVEN an account that revoked its other sessions
    account = factories.register(api)
    other_device = _second_device(api, account)
    account.api.post(f"{SESSIONS}/revoke-others")
    # WHEN the other device uses its tokens
    # THEN they are refused
    assert_error(me(api, other_device.access_token), 401, "unauthorized")
    assert_error(refresh(api, other_device.refresh_token), 401, "unauthorized")


def test_revoke_others_keeps_the_calling_session(api):
    # GIVEN an account that revoked its other sessions
    account = factories.register(api)
    _second_device(api, account)
    account.api.post(f"{SESSIONS}/revoke-others")
    # WHEN it lists its sessions and refreshes
    # THEN only the calling session remains, and it still works
    assert _listed_ids(account) == [session_id_of(account)]
    assert refresh(api, account.refresh_token).status_code == 200


def test_revoke_others_leaves_other_users_alone(api):
    # GIVEN two accounts, one of which revokes its other sessions
    account, stranger = factories.register(api), factories.register(api)
    account.api.post(f"{SESSIONS}/revoke-others")
    # WHEN the other user goes on
    response = me(api, stranger.access_token)
    # THEN it is unaffected
    assert response.status_code == 200


def test_sessions_ended_by_a_password_change_are_not_listed(api):
    # GIVEN an account signed in on a second device that changed its password on the first
    account = factories.register(api)
    _second_device(api, account)
    account.api.put(
        "/api/v1/users/me/password",
        json={"current_password": factories.PASSWORD, "new_password": "a brand new passphrase"},
    )
    # WHEN it lists its sessions
    listed = _listed_ids(account)
    # THEN only the session that made the change is live
    assert listed == [session_id_of(account)]


def test_revoking_a_session_already_ended_by_a_password_change_is_404(api):
    # GIVEN a second device whose session ended when the password was changed on the first
    account = factories.register(api)
    other_device = _second_device(api, account)
    changed = account.api.put(
        "/api/v1/users/me/password",
        json={"current_password": factories.PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code in (200, 204), changed.json_body
    # WHEN that session is revoked
    response = account.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # THEN it is not found, like any session that is no longer live (and no longer listed)
    assert_error(response, 404, "not_found")
    # AND the calling session goes on working
    assert account.api.get("/api/v1/users/me").status_code == 200


def test_revoking_an_expired_session_is_404(api, monkeypatch):
    # GIVEN a second device whose session has expired
    account = factories.register(api)
    other_device = _second_device(api, account)
    later = auth_service.utcnow() + timedelta(days=auth_service.SESSION_DAYS, seconds=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)
    # WHEN the caller (signed in with a fresh session) revokes it
    fresh = factories.login(api, account.email)
    response = fresh.api.delete(f"{SESSIONS}/{session_id_of(other_device)}")
    # THEN it is not found
    assert_error(response, 404, "not_found")
