"""`/api/team` (+ `/resend`): members and invitations; role change and removal by `userId` in the body."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named
from tests.support import factories


def _team(account):
    response = account.api.get("/api/team")
    assert response.status_code == 200, response.json_body
    return {m["email"]: m for m in response.json_body["members"]}


def test_list_shows_members_and_their_invite_status(owner, member):
    # GIVEN a pending invitation
    pending = factories.invite(owner)
    # WHEN the team is listed
    response = owner.api.get("/api/team")
    # THEN members are accepted and the invitee pending, in camelCase
    assert_camel(response.json_body)
    team = _team(owner)
    assert team[owner.email]["inviteStatus"] == "accepted"
    assert team[member.email]["fullName"] == "Sam Member"
    assert team[member.email]["userId"] == member.user_id
    assert team[pending.email]["inviteStatus"] == "pending"
    assert response.json_body["hasMore"] is False


def test_invite_with_the_documented_body_sends_the_invitation(owner):
    # WHEN the owner invites someone with fullName, email and role
    response = owner.api.post("/api/team", json={"fullName": "Nina New", "email": "nina@example.com", "role": "admin"})
    # THEN they are on the team, pending, with that name and role, and the invitation email goes out
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert (body["fullName"], body["email"], body["role"], body["inviteStatus"]) == (
        "Nina New",
        "nina@example.com",
        "admin",
        "pending",
    )
    factories.drain_jobs()
    assert factories.emailed_token("nina@example.com")


def test_inviting_an_existing_member_is_409(owner, member):
    error(owner.api.post("/api/team", json={"email": member.email}), 409, "conflict")


def test_invite_with_a_bad_email_or_role_is_400_naming_them(owner):
    response = owner.api.post("/api/team", json={"fullName": "X", "email": "not-an-email", "role": "owner"})
    assert fields_named(error(response, 400, "validation_error")) == {"email", "role"}


def test_members_cannot_invite(member):
    error(member.api.post("/api/team", json={"email": "x@example.com"}), 403, "forbidden")


def test_role_change_by_userId(owner, member):
    response = owner.api.put("/api/team", json={"userId": member.user_id, "role": "admin"})
    assert response.status_code == 200, response.json_body
    assert response.json_body["role"] == "admin"
    assert _team(owner)[member.email]["role"] == "admin"


def test_the_owners_role_cannot_change(owner, admin):
    error(admin.api.put("/api/team", json={"userId": owner.user_id, "role": "member"}), 409, "conflict")


def test_members_cannot_change_roles(owner, member, admin):
    error(member.api.put("/api/team", json={"userId": admin.user_id, "role": "member"}), 403, "forbidden")
    assert _team(owner)[admin.email]["role"] == "admin"


def test_removal_by_userId(owner, member):
    response = owner.api.delete("/api/team", json={"userId": member.user_id})
    assert response.status_code == 200, response.json_body
    assert member.email not in _team(owner)
    error(member.api.get("/api/tasks"), 401, "unauthorized")


def test_remove_without_userId_is_400(owner):
    assert fields_named(error(owner.api.delete("/api/team", json={}), 400, "validation_error")) == {"userId"}


def test_resend_by_userId_or_email_sends_a_new_link(owner):
    # GIVEN a pending invitation
    pending = factories.invite(owner)
    user_id = _team(owner)[pending.email]["userId"]
    # WHEN it is resent by user id, then by email
    by_id = owner.api.post("/api/team/resend", json={"userId": user_id})
    factories.drain_jobs()
    first = factories.emailed_token(pending.email)
    by_email = owner.api.post("/api/team/resend", json={"email": pending.email})
    factories.drain_jobs()
    # THEN each time a fresh link is emailed
    assert by_id.status_code == 200, by_id.json_body
    assert by_email.status_code == 200, by_email.json_body
    assert len({pending.token, first, factories.emailed_token(pending.email)}) == 3


def test_resend_to_someone_who_joined_is_409(owner, member):
    error(owner.api.post("/api/team/resend", json={"userId": member.user_id}), 409, "conflict")


def test_resend_needs_exactly_one_of_userId_and_email(owner):
    error(owner.api.post("/api/team/resend", json={}), 400, "validation_error")


def test_another_workspaces_people_are_404(owner, outsider):
    # WHEN the owner names the other workspace's owner by user id or email
    for method, path, body in (
        ("PUT", "/api/team", {"userId": outsider.user_id, "role": "member"}),
        ("DELETE", "/api/team", {"userId": outsider.user_id}),
        ("POST", "/api/team/resend", {"userId": outsider.user_id}),
        ("POST", "/api/team/resend", {"email": outsider.email}),
    ):
        # THEN they do not exist here, and nothing changed there
        error(owner.api.request(method, path, json=body), 404, "not_found")
    assert _team(outsider)[outsider.email]["role"] == "owner"
