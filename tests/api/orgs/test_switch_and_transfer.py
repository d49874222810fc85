"""Switching the active organization, and handing an organization to a new owner."""

from tests.api.orgs import expect
from tests.support import factories

# --- switch --------------------------------------------------------------------------------------------------


def test_switch_issues_tokens_for_the_other_org(owner):
    # GIVEN an owner of two organizations, signed in to the first
    second = factories.create_organization(owner, name="Second Shop")
    # WHEN they switch to the second
    response = owner.api.post("/api/v1/organizations/switch", json={"organization_id": second["id"]})
    # THEN the new access token works there: /me shows the second org as the workspace
    assert response.status_code == 200
    assert response.json_body["organization"]["id"] == second["id"]
    me = owner.api.as_token(response.json_body["access_token"]).get("/api/v1/me").json_body
    assert (me["workspace"]["id"], me["workspace"]["role"]) == (second["id"], "owner")


def test_switch_scopes_the_members_list_to_the_new_org(member):
    # GIVEN the member, who also owns an org of their own
    own = factories.create_organization(member, name="Member's Own")
    # WHEN they switch to it and list members
    switched = factories.switch(member, own["id"])
    listed = switched.api.get("/api/v1/members").json_body["data"]
    # THEN only the members of that org are listed
    assert [m["user_id"] for m in listed] == [member.user_id]


def test_switch_to_an_org_the_user_does_not_belong_to_is_404(api, owner):
    # GIVEN someone else's organization
    stranger = factories.register(api)
    # WHEN the owner tries to switch into it
    response = owner.api.post("/api/v1/organizations/switch", json={"organization_id": stranger.org_id})
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_switch_to_an_org_the_user_is_only_invited_to_is_404(api, owner):
    # GIVEN a user with a pending invitation into the owner's org
    user = factories.register(api)
    factories.invite(owner, email_address=user.email)
    # WHEN the user tries to switch into it before accepting
    response = user.api.post("/api/v1/organizations/switch", json={"organization_id": owner.org_id})
    # THEN it is not found
    expect.error(response, 404, "not_found")


# --- ownership transfer --------------------------------------------------------------------------------------


def _roles(account) -> dict[str, str]:
    return {m["user_id"]: m["role"] for m in account.api.get("/api/v1/members").json_body["data"]}


def test_owner_transfers_ownership_and_becomes_admin(owner, member):
    # WHEN the owner hands the org to a member
    response = owner.api.post(
        f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": member.user_id}
    )
    # THEN the member owns it and the old owner is an admin
    assert response.status_code == 200
    assert response.json_body["owner_id"] == member.user_id
    assert _roles(owner)[member.user_id] == "owner"
    assert _roles(owner)[owner.user_id] == "admin"


def test_new_owner_holds_the_owner_powers_after_a_transfer(owner, member):
    # GIVEN ownership transferred from the owner to the member
    owner.api.post(f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": member.user_id})
    # WHEN the former owner tries to delete the org
    response = owner.api.delete(f"/api/v1/organizations/{owner.org_id}")
    # THEN they no longer may, and the org is still there for the new owner
    expect.error(response, 403, "forbidden")
    assert member.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["role"] == "owner"


def test_admin_cannot_transfer_ownership(owner, admin, member):
    # WHEN an admin tries to make a member the owner
    response = admin.api.post(
        f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": member.user_id}
    )
    # THEN it is forbidden and the owner is unchanged
    expect.error(response, 403, "forbidden")
    assert _roles(owner)[owner.user_id] == "owner"


def test_transfer_to_someone_outside_the_org_is_400(api, owner):
    # GIVEN a user who is not a member of the org
    stranger = factories.register(api)
    # WHEN the owner tries to hand the org to them
    response = owner.api.post(
        f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": stranger.user_id}
    )
    # THEN it is refused, naming user_id, and the owner is unchanged
    expect.field_error(response, "user_id")
    assert _roles(owner) == {owner.user_id: "owner"}


def test_transfer_to_a_pending_invitee_is_400(owner):
    # GIVEN someone invited who has not accepted yet
    invitation = factories.invite(owner)
    user_id = next(
        m["user_id"] for m in owner.api.get("/api/v1/members").json_body["data"] if m["id"] == invitation.member_id
    )
    # WHEN the owner tries to hand the org to them
    response = owner.api.post(f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": user_id})
    # THEN it is refused, naming user_id
    expect.field_error(response, "user_id")


def test_transfer_to_oneself_is_400(owner):
    # WHEN the owner names themselves as the new owner
    response = owner.api.post(
        f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": owner.user_id}
    )
    # THEN it is refused, naming user_id
    expect.field_error(response, "user_id")


def test_transfer_writes_an_audit_entry(owner, member):
    # WHEN the owner hands the org to a member
    owner.api.post(f"/api/v1/organizations/{owner.org_id}/transfer-ownership", json={"user_id": member.user_id})
    # THEN the audit log records the change of owner
    entries = member.api.get("/api/v1/audit-logs?action=ownership_transferred").json_body["data"]
    assert [e["changes"] for e in entries] == [{"owner_id": {"from": owner.user_id, "to": member.user_id}}]
