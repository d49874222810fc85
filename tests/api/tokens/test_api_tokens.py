"""Personal API tokens: shown once, stored hashed, bound to one user in one org, revocable."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.auth import service as auth_service
from chalicelib.auth.models import ApiToken
from chalicelib.core.security import digest
from chalicelib.core.timeutil import to_rfc3339, utcnow
from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


def _in(days: float) -> str:
    return to_rfc3339(utcnow() + timedelta(days=days))


def _later(monkeypatch, delta: timedelta) -> None:
    """Move the clock the authentication code reads forward by `delta`."""
    moved = utcnow() + delta
    monkeypatch.setattr(auth_service, "utcnow", lambda: moved)


# --- creating and listing ------------------------------------------------------------------------------------


def test_creating_a_token_returns_the_prefixed_secret_once(owner):
    # GIVEN a signed-in user
    # WHEN they create a personal API token
    response = owner.api.post("/api/v1/api-tokens", json={"name": "CI script"})
    # THEN it is created with a `stint_pat_` secret and a short, displayable prefix of it
    assert response.status_code == 201
    body = response.json_body
    assert body["token"].startswith("stint_pat_")
    assert body["id"].startswith("pat_")
    assert body["name"] == "CI script"
    assert body["organization_id"] == owner.org_id
    assert body["token"].startswith(body["prefix"]) and len(body["prefix"]) < len(body["token"])
    assert body["last_used_at"] is None and body["expires_at"] is None


def test_the_secret_is_stored_only_as_its_digest(owner):
    # GIVEN a freshly created token
    issued = factories.api_token(owner)
    # WHEN the stored items are looked up by the secret and by its digest
    by_digest = ApiToken.get_or_none(*ApiToken.keys(digest(issued.secret)))
    # THEN only the digest finds it, and the secret appears in no attribute
    assert by_digest is not None
    assert ApiToken.get_or_none(*ApiToken.keys(issued.secret)) is None
    assert issued.secret not in str(by_digest.attribute_values)


def test_listing_tokens_shows_them_without_secrets(owner):
    # GIVEN two tokens
    first = factories.api_token(owner, name="laptop")
    second = factories.api_token(owner, name="ci", expires_at=_in(30))
    # WHEN the user lists their tokens
    response = owner.api.get("/api/v1/api-tokens")
    # THEN both are there, with names and expiry, but no `token` field and no secret anywhere
    assert response.status_code == 200
    listed = {token["id"]: token for token in response.json_body["data"]}
    assert set(listed) == {first.id, second.id}
    assert listed[first.id]["name"] == "laptop" and listed[second.id]["expires_at"] is not None
    assert all("token" not in token for token in listed.values())
    assert first.secret not in response.body.decode() and second.secret not in response.body.decode()


def test_a_user_lists_only_their_own_tokens(api, owner):
    # GIVEN a member of the same org with a token of their own, and the owner's token
    member = factories.join(api, owner)
    member_token = factories.api_token(member)
    owner_token = factories.api_token(owner)
    # WHEN the owner lists tokens
    listed = owner.api.get("/api/v1/api-tokens").json_body["data"]
    # THEN only the owner's token is there, even though the owner is an admin
    assert [token["id"] for token in listed] == [owner_token.id]
    assert member_token.id not in {token["id"] for token in listed}


def test_expiry_in_the_past_is_refused_and_nothing_is_created(owner):
    # GIVEN a user
    # WHEN they ask for a token that expired yesterday
    response = owner.api.post("/api/v1/api-tokens", json={"name": "stale", "expires_at": _in(-1)})
    # THEN it is a 400 naming expires_at, and no token exists
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "expires_at"
    assert owner.api.get("/api/v1/api-tokens").json_body["data"] == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "ci", "expires_at": "tomorrow"}, "expires_at"),
        ({"name": "ci", "expires_at": "2030-01-01T00:00:00"}, "expires_at"),
        ({"name": "ci", "user_id": "usr_01JD0000000000000000000000"}, "user_id"),
    ],
)
def test_a_bad_token_request_is_400_and_nothing_is_created(owner, payload, field):
    # GIVEN a user
    # WHEN they send an invalid body (missing name, bad timestamp, a field that is not theirs to set)
    response = owner.api.post("/api/v1/api-tokens", json=payload)
    # THEN it is a 400 naming the field, and no token exists
    assert response.status_code == 400
    assert field in {detail["field"] for detail in response.json_body["error"]["details"]}
    assert owner.api.get("/api/v1/api-tokens").json_body["data"] == []


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/api-tokens"), ("POST", "/api/v1/api-tokens")])
def test_token_endpoints_need_authentication(api, method, path):
    # GIVEN no credentials
    # WHEN the token endpoints are called
    response = api.request(method, path, json={"name": "anonymous"})
    # THEN they answer 401
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


# --- authenticating with a token -----------------------------------------------------------------------------


def test_a_token_authenticates_the_profile_endpoint(owner):
    # GIVEN a token
    issued = factories.api_token(owner)
    # WHEN it is used as the bearer credential
    response = issued.api.get("/api/v1/users/me")
    # THEN the caller is the token's user
    assert response.status_code == 200
    assert response.json_body["id"] == owner.user_id


def test_a_token_sees_the_workspace_it_was_created_in(owner):
    # GIVEN a token created in the user's first org, after which the user switched to a second org
    issued = factories.api_token(owner)
    elsewhere = factories.in_new_org(owner)
    assert elsewhere.org_id != owner.org_id
    # WHEN the token calls /me
    response = issued.api.get("/api/v1/me")
    # THEN its workspace is still the org it was created in, with the user's role there
    assert response.status_code == 200
    assert response.json_body["user"]["id"] == owner.user_id
    assert response.json_body["workspace"]["id"] == owner.org_id
    assert response.json_body["workspace"]["role"] == "owner"


def test_a_token_created_in_another_org_is_bound_to_that_org(owner):
    # GIVEN the user switched to a second org and created a token there
    elsewhere = factories.in_new_org(owner)
    issued = factories.api_token(elsewhere)
    # WHEN the token calls /me and lists tokens
    me = issued.api.get("/api/v1/me")
    listed = owner.api.get("/api/v1/api-tokens").json_body["data"]
    # THEN it works in the second org, and the first org's token list does not show it
    assert me.json_body["workspace"]["id"] == elsewhere.org_id
    assert issued.id not in {token["id"] for token in listed}


def test_using_a_token_records_when_it_was_last_used(owner):
    # GIVEN a token that has never been used
    issued = factories.api_token(owner)
    assert issued.body["last_used_at"] is None
    # WHEN it is used once
    assert issued.api.get("/api/v1/users/me").status_code == 200
    # THEN the listing shows when
    [listed] = owner.api.get("/api/v1/api-tokens").json_body["data"]
    assert listed["last_used_at"] is not None
    assert datetime.fromisoformat(listed["last_used_at"].replace("Z", "+00:00")) >= datetime.fromisoformat(
        issued.body["created_at"].replace("Z", "+00:00")
    )


def test_a_token_works_until_its_expiry_and_not_after(owner, monkeypatch):
    # GIVEN a token that expires in one day and works now
    issued = factories.api_token(owner, expires_at=_in(1))
    assert issued.api.get("/api/v1/users/me").status_code == 200
    # WHEN it is used two days later
    _later(monkeypatch, timedelta(days=2))
    response = issued.api.get("/api/v1/users/me")
    # THEN it is refused
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


def test_a_token_without_expiry_keeps_working(owner, monkeypatch):
    # GIVEN a token created without an expiry
    issued = factories.api_token(owner)
    # WHEN it is used a year later
    _later(monkeypatch, timedelta(days=365))
    # THEN it still authenticates
    assert issued.api.get("/api/v1/users/me").status_code == 200


def _tamper(secret: str, position: int) -> str:
    replacement = "A" if secret[position] != "A" else "B"
    return secret[:position] + replacement + secret[position + 1 :]


@pytest.mark.parametrize(
    "position",
    [
        pytest.param(-1, id="random part"),
        pytest.param(len("stint_pat_") + 3, id="org part"),
        pytest.param(len("stint_pat_") + 26 + 3, id="user part"),
    ],
)
def test_a_tampered_token_is_refused(api, owner, position):
    # GIVEN a working token
    issued = factories.api_token(owner)
    assert issued.api.get("/api/v1/users/me").status_code == 200
    # WHEN one character of it is changed
    response = api.as_token(_tamper(issued.secret, position)).get("/api/v1/users/me")
    # THEN it is a 401
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("secret", ["stint_pat_", "stint_pat_short", "stint_pat_" + "0" * 60])
def test_a_made_up_token_is_refused(api, owner, secret):
    # GIVEN a string that only looks like a token
    # WHEN it is used
    response = api.as_token(secret).get("/api/v1/users/me")
    # THEN it is a 401, not an error
    assert response.status_code == 401


def test_a_removed_members_token_stops_working(api, owner):
    # GIVEN a member with a working token
    member = factories.join(api, owner)
    issued = factories.api_token(member)
    assert issued.api.get("/api/v1/me").status_code == 200
    # WHEN the owner removes the member from the org
    factories.remove_member(owner, member)
    # THEN the token is refused
    response = issued.api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


def test_a_token_carries_the_members_role(api, owner):
    # GIVEN a member's token
    member = factories.join(api, owner)
    issued = factories.api_token(member)
    # WHEN it calls an admin-only endpoint
    response = issued.api.get("/api/v1/audit-logs")
    # THEN it is a 403, as for the member's session
    assert response.status_code == 403


# --- revoking ------------------------------------------------------------------------------------------------


def test_a_revoked_token_stops_working(owner):
    # GIVEN a working token
    issued = factories.api_token(owner)
    assert issued.api.get("/api/v1/users/me").status_code == 200
    # WHEN its owner revokes it
    response = owner.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN it answers 204, the token is no longer listed, and it is refused
    assert response.status_code == 204
    assert owner.api.get("/api/v1/api-tokens").json_body["data"] == []
    assert issued.api.get("/api/v1/users/me").status_code == 401


def test_a_token_can_revoke_itself(owner):
    # GIVEN a token
    issued = factories.api_token(owner)
    # WHEN it revokes itself
    response = issued.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN it is gone
    assert response.status_code == 204
    assert issued.api.get("/api/v1/users/me").status_code == 401


def test_another_users_token_cannot_be_revoked(api, owner):
    # GIVEN a member's working token
    member = factories.join(api, owner)
    issued = factories.api_token(member)
    # WHEN the owner (an admin of the same org) tries to revoke it by id
    response = owner.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN it is a 404, and the member's token still works
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "not_found"
    assert issued.api.get("/api/v1/users/me").status_code == 200


@pytest.mark.parametrize("token_id", ["pat_01JD0000000000000000000000", "not-an-id", "usr_01JD0000000000000000000000"])
def test_revoking_an_unknown_token_is_404(owner, token_id):
    # GIVEN a user with one token
    issued = factories.api_token(owner)
    # WHEN they revoke an id that is not one of theirs (well-formed or not)
    response = owner.api.delete(f"/api/v1/api-tokens/{token_id}")
    # THEN it is a 404 and their token is untouched
    assert response.status_code == 404
    assert issued.api.get("/api/v1/users/me").status_code == 200


def test_revoking_twice_is_404_the_second_time(owner):
    # GIVEN a token that was revoked
    issued = factories.api_token(owner)
    assert owner.api.delete(f"/api/v1/api-tokens/{issued.id}").status_code == 204
    # WHEN it is revoked again
    response = owner.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN it is a 404
    assert response.status_code == 404


def test_revoking_needs_authentication(api, owner):
    # GIVEN a token
    issued = factories.api_token(owner)
    # WHEN an anonymous caller tries to revoke it
    response = api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN it is a 401 and the token still works
    assert response.status_code == 401
    assert issued.api.get("/api/v1/users/me").status_code == 200


def test_a_token_revoked_while_in_use_is_not_brought_back(owner, monkeypatch):
    # GIVEN a token never used, which is revoked right after a request has read it
    issued = factories.api_token(owner)
    read_items = auth_service.db.batch_read  # authentication's single BatchGetItem

    def read_then_revoke(keys):
        items = read_items(keys)
        ApiToken(*ApiToken.keys(digest(issued.secret))).delete()
        return items

    monkeypatch.setattr(auth_service.db, "batch_read", read_then_revoke)
    # WHEN that request goes on to record the token's use
    racing = issued.api.get("/api/v1/users/me")
    monkeypatch.undo()
    # THEN the request is refused, no token item reappears, and the token stays dead
    assert racing.status_code == 401
    assert ApiToken.get_or_none(*ApiToken.keys(digest(issued.secret))) is None
    assert issued.api.get("/api/v1/users/me").status_code == 401


def test_creating_a_token_is_audited(owner):
    # GIVEN a user
    # WHEN they create and revoke a token
    issued = factories.api_token(owner, name="deploy bot")
    owner.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # THEN both are in the org's audit log for that token, newest first
    entries = owner.api.get(f"/api/v1/audit-logs?entity_id={issued.id}").json_body["data"]
    assert [entry["action"] for entry in entries] == ["revoked", "created"]
    assert entries[1]["entity_type"] == "api_token"
    assert entries[1]["changes"] == {
        "name": {"from": None, "to": "deploy bot"},
        "access": {"from": None, "to": "read_write"},
    }


def test_expiry_is_rendered_in_utc(owner):
    # GIVEN a token created with an expiry given in another offset
    expires = datetime(2031, 5, 1, 12, 0, tzinfo=UTC) + timedelta(hours=0)
    issued = factories.api_token(owner, expires_at="2031-05-01T14:00:00+02:00")
    # WHEN it is listed
    [listed] = owner.api.get("/api/v1/api-tokens").json_body["data"]
    # THEN the expiry is the same instant, in UTC with a Z
    assert listed["expires_at"] == to_rfc3339(expires) == issued.body["expires_at"]


def test_a_removed_members_token_stays_dead_after_they_are_invited_back(api, owner):
    # GIVEN a member whose token died when the owner removed them
    member = factories.join(api, owner)
    issued = factories.api_token(member)
    factories.remove_member(owner, member)
    # WHEN the owner invites them again and they accept
    invitation = factories.invite(owner, email_address=member.email)
    accepted = api.post("/api/v1/invitations/accept", json={"token": invitation.token})
    assert accepted.status_code == 200, accepted.json_body
    # THEN the old token still does not work: removal revoked it for good
    response = issued.api.get("/api/v1/me")
    assert response.status_code == 401
