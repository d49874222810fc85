"""`/api/auth/login|logout|sessions`: the document's sign-in and sessions, in camelCase."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named
from tests.support import factories


def _login(api, account, password=factories.PASSWORD):
    return api.post("/api/auth/login", json={"email": account.email, "password": password})


def test_login_answers_tokens_user_and_workspace_in_camel_case(api, owner):
    # WHEN the owner signs in through the TataTrack surface
    response = _login(api, owner)
    # THEN tokens, the user and the active workspace come back in camelCase, never cached
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert body["tokenType"] == "Bearer"
    assert body["accessToken"] and body["refreshToken"]
    assert body["expiresIn"] > 0
    assert body["user"]["id"] == owner.user_id
    assert body["user"]["fullName"] == "Olive Owner"
    assert body["workspace"] == {**body["workspace"], "id": owner.org_id, "role": "owner", "isActive": True}
    assert response.headers["Cache-Control"] == "no-store"
    # AND the access token works on the surface
    assert api.as_token(body["accessToken"]).get("/api/profile").status_code == 200


def test_wrong_password_is_401(api, owner):
    error(_login(api, owner, password="not the password at all"), 401, "unauthorized")


def test_login_body_without_password_is_400_naming_it(api, owner):
    response = api.post("/api/auth/login", json={"email": owner.email})
    assert fields_named(error(response, 400, "validation_error")) == {"password"}


def test_sessions_lists_the_callers_sessions_marking_the_current_one(api, owner):
    # GIVEN a second sign-in
    second = _login(api, owner).json_body
    # WHEN the sessions are listed with it
    response = api.as_token(second["accessToken"]).get("/api/auth/sessions")
    # THEN both sessions are there, the second one current
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert len(body["sessions"]) == 2
    assert [s["current"] for s in body["sessions"]] == [True, False]
    assert {s["workspaceId"] for s in body["sessions"]} == {owner.org_id}


def test_logout_without_a_body_ends_the_current_session(api, owner):
    # GIVEN a signed-in client
    signed_in = api.as_token(_login(api, owner).json_body["accessToken"])
    # WHEN it signs out
    response = signed_in.post("/api/auth/logout")
    # THEN the answer is a success and its token stops working
    assert response.status_code == 200, response.json_body
    assert response.json_body == {"success": True}
    error(signed_in.get("/api/profile"), 401, "unauthorized")
    # AND other sessions go on
    assert owner.api.get("/api/profile").status_code == 200


def test_logout_with_a_refresh_token_ends_that_session(api, owner):
    other = _login(api, owner).json_body
    response = owner.api.post("/api/auth/logout", json={"refreshToken": other["refreshToken"]})
    assert response.status_code == 200, response.json_body
    error(api.as_token(other["accessToken"]).get("/api/profile"), 401, "unauthorized")
    refreshed = api.post("/api/v1/auth/refresh", json={"refresh_token": other["refreshToken"]})
    error(refreshed, 401, "unauthorized")


def test_logout_with_an_api_token_needs_a_refresh_token(owner):
    token = factories.api_token(owner)
    response = token.api.post("/api/auth/logout")
    assert fields_named(error(response, 400, "validation_error")) == {"refreshToken"}
    assert token.api.get("/api/profile").status_code == 200


def test_delete_session_by_id_in_the_body(api, owner):
    # GIVEN a second session
    other = _login(api, owner).json_body
    session_id = [s for s in owner.api.get("/api/auth/sessions").json_body["sessions"] if not s["current"]][0]["id"]
    # WHEN the owner ends it
    response = owner.api.delete("/api/auth/sessions", json={"sessionId": session_id})
    # THEN it is gone and its token no longer works
    assert response.status_code == 200, response.json_body
    error(api.as_token(other["accessToken"]).get("/api/profile"), 401, "unauthorized")
    assert len(owner.api.get("/api/auth/sessions").json_body["sessions"]) == 1


def test_someone_elses_session_is_404(api, owner, outsider):
    theirs = outsider.api.get("/api/auth/sessions").json_body["sessions"][0]["id"]
    error(owner.api.delete("/api/auth/sessions", json={"sessionId": theirs}), 404, "not_found")
    assert outsider.api.get("/api/profile").status_code == 200
