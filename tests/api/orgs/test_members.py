"""Members of the current organization: list, change role, remove (TRCR "Members")."""

import pytest

from tests.api.orgs import expect
from tests.support import factories


def _listed(account, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/members{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


# --- list ----------------------------------------------------------------------------------------------------


def test_list_shows_active_members_and_pending_invitations_with_their_status(owner, member):
    # GIVEN an org with an owner, a member who joined, and someone invited who has not accepted
    invitation = factories.invite(owner)
    # WHEN the owner lists members
    listed = _listed(owner)
    # THEN all three are there, each with role and status
    by_email = {m["email"]: (m["role"], m["status"]) for m in listed}
    assert by_email == {
        owner.email: ("owner", "active"),
        member.email: ("member", "active"),
        invitation.email: ("member", "invited"),
    }


def test_a_member_may_list_members(owner, member):
    # WHEN a plain member lists members
    listed = _listed(member)
    # THEN they see the org's people
    assert {m["user_id"] for m in listed} == {owner.user_id, member.user_id}


def test_list_filtered_by_role_shows_only_that_role(owner, admin, member):
    # WHEN the owner lists only admins
    listed = _listed(owner, "?role=admin")
    # THEN only the admin is there
    assert [m["user_id"] for m in listed] == [admin.user_id]


def test_list_filtered_by_an_unknown_role_is_400_naming_role(owner):
    # WHEN the owner filters by a role that does not exist
    response = owner.api.get("/api/v1/members?role=superuser")
    # THEN it is refused, naming the parameter
    expect.field_error(response, "role")


def test_search_by_part_of_an_email_finds_that_member(owner, admin, member):
    # GIVEN a member whose address is unique in the org
    stem = member.email.split("@")[0]
    # WHEN the owner searches for part of it
    listed = _listed(owner, f"?search={stem}")
    # THEN only that member is found
    assert [m["user_id"] for m in listed] == [member.user_id]


def test_search_by_email_ignores_case(owner, member):
    # WHEN the owner searches for the member's address in capitals
    listed = _listed(owner, f"?search={member.email.upper()}")
    # THEN the member is found
    assert [m["user_id"] for m in listed] == [member.user_id]


def test_search_by_name_finds_the_member(owner, admin, member):
    # WHEN the owner searches for the member's name
    listed = _listed(owner, "?search=Sam")
    # THEN only the member named Sam is found
    assert [m["user_id"] for m in listed] == [member.user_id]


def test_search_by_name_ignores_case(owner, admin, member):
    # WHEN the owner searches for the member's name in lower case
    listed = _listed(owner, "?search=sam%20member")
    # THEN the member named "Sam Member" is found
    assert [m["user_id"] for m in listed] == [member.user_id]


def test_list_pages_with_per_page_and_next_cursor_without_gaps_or_repeats(owner):
    # GIVEN an org of five people (the owner and four invitees)
    everyone = {owner.email} | {factories.invite(owner).email for _ in range(4)}
    # WHEN the owner walks the list two at a time
    first = owner.api.get("/api/v1/members?per_page=2").json_body
    second = owner.api.get(f"/api/v1/members?per_page=2&cursor={first['next_cursor']}").json_body
    third = owner.api.get(f"/api/v1/members?per_page=2&cursor={second['next_cursor']}").json_body
    # THEN each page holds at most two, the last says there is no more, and together they hold everyone once
    assert [len(p["data"]) for p in (first, second, third)] == [2, 2, 1]
    assert (first["has_more"], second["has_more"], third["has_more"]) == (True, True, False)
    assert third["next_cursor"] is None
    emails = [m["email"] for page in (first, second, third) for m in page["data"]]
    assert sorted(emails) == sorted(everyone)


def test_list_pages_by_page_number_for_trcr_clients(owner):
    # GIVEN an org of five people, oldest first
    for _ in range(4):
        factories.invite(owner)
    everyone = [m["id"] for m in _listed(owner)]
    # WHEN the owner asks for page 2 of 2 per page
    response = owner.api.get("/api/v1/members?page=2&per_page=2").json_body
    # THEN it holds the third and fourth, and echoes the paging used
    assert [m["id"] for m in response["data"]] == everyone[2:4]
    assert (response["page"], response["per_page"], response["has_more"]) == (2, 2, True)


def test_list_with_per_page_over_the_maximum_is_400(owner):
    # WHEN the owner asks for more than 100 members per page
    response = owner.api.get("/api/v1/members?per_page=101")
    # THEN it is refused, naming per_page
    expect.field_error(response, "per_page")


def test_a_cursor_from_another_orgs_list_is_400(api, owner):
    # GIVEN a cursor taken from another org's members list
    other = factories.register(api)
    factories.invite(other)
    foreign = other.api.get("/api/v1/members?per_page=1").json_body["next_cursor"]
    assert foreign
    # WHEN the owner uses it on their own members list
    response = owner.api.get(f"/api/v1/members?per_page=1&cursor={foreign}")
    # THEN it is refused, naming the cursor
    expect.field_error(response, "cursor")


# --- change role ---------------------------------------------------------------------------------------------


def test_admin_promotes_a_member_to_admin(owner, admin, member):
    # WHEN an admin makes the member an admin
    response = admin.api.put(f"/api/v1/members/{member.member_id}", json={"role": "admin"})
    # THEN the member is an admin from their next request on
    assert response.status_code == 200
    assert response.json_body["role"] == "admin"
    assert member.api.get("/api/v1/me").json_body["workspace"]["role"] == "admin"


def test_owner_demotes_an_admin_to_member(owner, admin):
    # WHEN the owner makes the admin a plain member
    response = owner.api.put(f"/api/v1/members/{admin.member_id}", json={"role": "member"})
    # THEN the former admin can no longer do admin things
    assert response.status_code == 200
    expect.error(admin.api.post("/api/v1/members/invite", json={"email": "x@example.com"}), 403, "forbidden")


def test_member_cannot_change_roles(owner, admin, member):
    # WHEN a plain member tries to promote themselves
    response = member.api.put(f"/api/v1/members/{member.member_id}", json={"role": "admin"})
    # THEN it is forbidden and they are still a member
    expect.error(response, 403, "forbidden")
    assert member.api.get("/api/v1/me").json_body["workspace"]["role"] == "member"


@pytest.mark.parametrize("role", ["owner", "superuser", ""])
def test_changing_to_a_role_other_than_admin_or_member_is_400(owner, member, role):
    # WHEN the owner sets a role that cannot be given
    response = owner.api.put(f"/api/v1/members/{member.member_id}", json={"role": role})
    # THEN it is refused, naming the field, and the role is unchanged
    expect.field_error(response, "role")
    assert member.api.get("/api/v1/me").json_body["workspace"]["role"] == "member"


def test_changing_the_owners_role_is_409(owner, admin):
    # GIVEN the owner's membership id
    owner_member_id = next(m["id"] for m in _listed(admin) if m["role"] == "owner")
    # WHEN an admin tries to make the owner a plain member
    response = admin.api.put(f"/api/v1/members/{owner_member_id}", json={"role": "member"})
    # THEN it is a conflict (ownership only moves by transfer) and the owner is still owner
    expect.error(response, 409, "conflict")
    assert owner.api.get("/api/v1/me").json_body["workspace"]["role"] == "owner"


def test_change_role_of_an_unknown_member_is_404(owner):
    # WHEN the owner changes the role of a member id that does not exist
    response = owner.api.put("/api/v1/members/mem_01J00000000000000000000000", json={"role": "admin"})
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_change_role_of_a_malformed_member_id_is_404(owner):
    # WHEN the owner uses an id that is not a member id
    response = owner.api.put("/api/v1/members/not-an-id", json={"role": "admin"})
    # THEN it is not found (never a 500)
    expect.error(response, 404, "not_found")


# --- remove --------------------------------------------------------------------------------------------------


def test_admin_removes_a_member_who_is_then_no_longer_listed(owner, admin, member):
    # WHEN an admin removes the member
    response = admin.api.delete(f"/api/v1/members/{member.member_id}")
    # THEN the answer is 204 and the member is gone from the list
    assert response.status_code == 204
    assert member.user_id not in {m["user_id"] for m in _listed(owner)}


def test_removed_members_token_stops_working(owner, member):
    # GIVEN a member the owner removed
    assert owner.api.delete(f"/api/v1/members/{member.member_id}").status_code == 204
    # WHEN the removed member uses their access token
    response = member.api.get("/api/v1/members")
    # THEN it is refused as unauthenticated
    expect.error(response, 401, "unauthorized")


def test_removing_a_pending_invitation_voids_its_token(api, owner):
    # GIVEN an invitation the owner withdrew by removing the pending member
    invitation = factories.invite(owner)
    assert owner.api.delete(f"/api/v1/members/{invitation.member_id}").status_code == 204
    # WHEN the invitee tries to accept
    response = api.post("/api/v1/invitations/accept", json={"token": invitation.token, "password": "a long new secret"})
    # THEN the invitation is not found
    expect.error(response, 404, "not_found")


def test_owner_cannot_be_removed(owner, admin):
    # GIVEN the owner's membership id
    owner_member_id = next(m["id"] for m in _listed(admin) if m["role"] == "owner")
    # WHEN an admin tries to remove the owner
    response = admin.api.delete(f"/api/v1/members/{owner_member_id}")
    # THEN it is a conflict and the owner is still there
    expect.error(response, 409, "conflict")
    assert owner.api.get("/api/v1/me").status_code == 200


def test_member_cannot_remove_anyone(owner, admin, member):
    # WHEN a plain member tries to remove the admin
    response = member.api.delete(f"/api/v1/members/{admin.member_id}")
    # THEN it is forbidden and the admin is still a member
    expect.error(response, 403, "forbidden")
    assert admin.user_id in {m["user_id"] for m in _listed(owner)}


def test_a_removed_member_can_be_invited_again(api, owner, member):
    # GIVEN a member the owner removed
    owner.api.delete(f"/api/v1/members/{member.member_id}")
    # WHEN the owner invites the same address again
    response = owner.api.post("/api/v1/members/invite", json={"email": member.email})
    # THEN a new invitation is created
    assert response.status_code == 201
    assert response.json_body["status"] == "invited"
