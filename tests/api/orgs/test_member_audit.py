"""Changes to an organization's people leave audit entries (DESIGN.md §6)."""

from tests.support import factories


def _entries(owner, action: str) -> list[dict]:
    response = owner.api.get(f"/api/v1/audit-logs?action={action}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def test_inviting_records_who_invited_whom_as_what(owner):
    # WHEN the owner invites someone as an admin
    invitation = factories.invite(owner, role="admin")
    # THEN the audit log has an `invited` entry by the owner about that membership, with the role given
    [entry] = _entries(owner, "invited")
    assert (entry["user_id"], entry["entity_type"]) == (owner.user_id, "member")
    assert entry["entity_id"] == invitation.member_id
    assert entry["changes"]["role"] == {"from": None, "to": "admin"}
    assert entry["changes"]["email"] == {"from": None, "to": invitation.email}


def test_changing_a_role_records_the_old_and_new_role(owner, member):
    # WHEN the owner makes the member an admin
    owner.api.put(f"/api/v1/members/{member.member_id}", json={"role": "admin"})
    # THEN the audit log has a `role_changed` entry about that membership with the role's before and after
    [entry] = _entries(owner, "role_changed")
    assert (entry["user_id"], entry["entity_id"]) == (owner.user_id, member.member_id)
    assert entry["changes"] == {"role": {"from": "member", "to": "admin"}}


def test_setting_the_role_a_member_already_has_records_nothing(owner, member):
    # WHEN the owner "changes" the member's role to the one they have
    response = owner.api.put(f"/api/v1/members/{member.member_id}", json={"role": "member"})
    # THEN the answer is the unchanged member and no role change is recorded
    assert response.json_body["role"] == "member"
    assert _entries(owner, "role_changed") == []


def test_removing_a_member_records_who_was_removed(owner, member):
    # WHEN the owner removes the member
    owner.api.delete(f"/api/v1/members/{member.member_id}")
    # THEN the audit log has a `removed` entry about that membership
    [entry] = _entries(owner, "removed")
    assert (entry["entity_id"], entry["changes"]) == (member.member_id, {"email": {"from": member.email, "to": None}})


def test_accepting_records_the_invitee_joining(api, owner):
    # WHEN an invitee accepts their invitation
    invitation = factories.invite(owner)
    accepted = api.post("/api/v1/invitations/accept", json={"token": invitation.token, "password": "a long new secret"})
    # THEN the audit log has a `joined` entry by the invitee about their membership
    [entry] = _entries(owner, "joined")
    assert (entry["user_id"], entry["entity_id"]) == (accepted.json_body["user"]["id"], invitation.member_id)


def test_a_failed_invitation_records_nothing(owner, member):
    # WHEN the owner invites someone who is already a member
    owner.api.post("/api/v1/members/invite", json={"email": member.email})
    # THEN only the member's own (successful) invitation is on record
    assert [e["entity_id"] for e in _entries(owner, "invited")] == [member.member_id]
