"""`GET /api/v1/me` (TrackingTabs): the user and the workspace behind the bearer credential."""

from tests.support import factories


def test_me_returns_the_user_and_their_current_workspace(api):
    # GIVEN a newly registered user (owner of their first org)
    owner = factories.register(api, name="Wendy Owner")
    # WHEN they call /me
    response = owner.api.get("/api/v1/me")
    # THEN it names them and the org their token is bound to, with their role
    assert response.status_code == 200
    assert set(response.json_body) == {"user", "workspace"}
    assert response.json_body["user"]["id"] == owner.user_id
    assert response.json_body["user"]["name"] == "Wendy Owner"
    assert response.json_body["workspace"]["id"] == owner.org_id
    assert response.json_body["workspace"]["role"] == "owner"


def test_me_follows_an_organization_switch(api):
    # GIVEN a user who switched to a second org
    owner = factories.register(api)
    elsewhere = factories.in_new_org(owner, name="Night Shift")
    # WHEN they call /me with the new access token
    response = elsewhere.api.get("/api/v1/me")
    # THEN the workspace is the second org
    assert response.json_body["workspace"]["id"] == elsewhere.org_id != owner.org_id
    assert response.json_body["workspace"]["name"] == "Night Shift"


def test_me_shows_a_members_role(api):
    # GIVEN a member invited into someone's org
    owner = factories.register(api)
    member = factories.join(api, owner, name="Mo Member")
    # WHEN the member calls /me
    response = member.api.get("/api/v1/me")
    # THEN it is the owner's org, with the member role
    assert response.json_body["user"]["id"] == member.user_id
    assert response.json_body["workspace"]["id"] == owner.org_id
    assert response.json_body["workspace"]["role"] == "member"


def test_me_and_users_me_are_the_same_user(api):
    # GIVEN a user who changed their profile
    user = factories.register(api)
    user.api.put("/api/v1/users/me", json={"name": "Same Person", "timezone": "Europe/Paris"})
    # WHEN both endpoints are read
    me = user.api.get("/api/v1/me").json_body["user"]
    profile = user.api.get("/api/v1/users/me").json_body
    # THEN they render the same user
    assert me == profile


def test_me_needs_a_valid_token(api):
    # GIVEN no credentials, and a garbage bearer token
    # WHEN /me is called
    anonymous = api.get("/api/v1/me")
    garbage = api.as_token("not-a-real-token").get("/api/v1/me")
    # THEN both are 401
    assert anonymous.status_code == 401
    assert garbage.status_code == 401
    assert garbage.json_body["error"]["code"] == "unauthorized"


def test_me_is_refused_after_removal_from_the_org(api):
    # GIVEN a member with a still-unexpired access token
    owner = factories.register(api)
    member = factories.join(api, owner)
    # WHEN the owner removes them
    factories.remove_member(owner, member)
    # THEN their token no longer reaches /me
    assert member.api.get("/api/v1/me").status_code == 401
