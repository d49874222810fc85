"""Project members (TRCR "project members") and the TrackingTabs visibility rule: a project with explicit
members is visible only to them plus admins and owners."""

from tests.api.projects import helpers
from tests.api.projects.helpers import add_member, create_project, get_project, listed_ids, member_ids
from tests.support import factories


def _add(account, project_id, body):
    return account.api.post(f"/api/v1/projects/{project_id}/members", json=body)


def _remove(account, project_id, user_id):
    return account.api.delete(f"/api/v1/projects/{project_id}/members/{user_id}")


# --- adding --------------------------------------------------------------------------------------------------


def test_an_admin_adds_a_member_with_the_member_role_by_default(owner, admin, member):
    # GIVEN a project
    project = create_project(owner)
    # WHEN an admin adds a member without a role
    response = _add(admin, project["id"], {"user_id": member.user_id})
    # THEN the member is added as a plain member
    assert response.status_code == 201, response.json_body
    added = response.json_body
    assert (added["project_id"], added["user_id"], added["role"]) == (project["id"], member.user_id, "member")
    assert added["created_at"].endswith("Z")


def test_added_members_are_listed(owner, member, other_member):
    # GIVEN a project with two explicit members
    project = create_project(owner)
    add_member(owner, project["id"], member)
    add_member(owner, project["id"], other_member, role="manager")
    # WHEN the owner lists its members
    response = owner.api.get(f"/api/v1/projects/{project['id']}/members")
    # THEN both are there with their roles
    assert response.status_code == 200
    roles = {m["user_id"]: m["role"] for m in response.json_body["data"]}
    assert roles == {member.user_id: "member", other_member.user_id: "manager"}


def test_a_project_with_an_explicit_member_is_restricted(owner, member):
    # GIVEN a project
    project = create_project(owner)
    # WHEN a member is added to it
    add_member(owner, project["id"], member)
    # THEN the project says it is restricted
    assert get_project(owner, project["id"]).json_body["restricted"] is True


def test_adding_a_user_from_another_org_is_400_and_writes_nothing(owner, outsider):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner adds a user who is not in the org
    response = _add(owner, project["id"], {"user_id": outsider.user_id})
    # THEN it is a 400 naming user_id, and the project has no members and stays unrestricted
    helpers.field_error(response, "user_id")
    assert member_ids(owner, project["id"]) == []
    assert get_project(owner, project["id"]).json_body["restricted"] is False


def test_adding_an_unknown_user_id_is_400(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner adds a user id that does not exist
    response = _add(owner, project["id"], {"user_id": "usr_01JD0000000000000000000000"})
    # THEN it is a 400 naming user_id
    helpers.field_error(response, "user_id")


def test_adding_someone_removed_from_the_org_is_400(owner, member):
    # GIVEN a member who was removed from the org
    project = create_project(owner)
    factories.remove_member(owner, member)
    # WHEN the owner adds them to the project
    response = _add(owner, project["id"], {"user_id": member.user_id})
    # THEN it is a 400 naming user_id
    helpers.field_error(response, "user_id")


def test_adding_the_same_member_twice_is_409(owner, member):
    # GIVEN a project with an explicit member
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN the same user is added again, even with another role
    response = _add(owner, project["id"], {"user_id": member.user_id, "role": "manager"})
    # THEN it is a conflict and the member keeps their role
    helpers.error(response, 409, "conflict")
    listed = owner.api.get(f"/api/v1/projects/{project['id']}/members").json_body["data"]
    assert [(m["user_id"], m["role"]) for m in listed] == [(member.user_id, "member")]


def test_a_failed_duplicate_add_keeps_the_project_restricted_to_its_one_member(owner, member):
    # GIVEN a project whose one explicit member was added twice (the second time refused)
    project = create_project(owner)
    add_member(owner, project["id"], member)
    _add(owner, project["id"], {"user_id": member.user_id})
    # WHEN that member is removed
    _remove(owner, project["id"], member.user_id)
    # THEN the project is unrestricted again (the refused add counted for nothing)
    assert get_project(owner, project["id"]).json_body["restricted"] is False


def test_an_unknown_project_role_is_400(owner, member):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner adds a member with a role that does not exist
    response = _add(owner, project["id"], {"user_id": member.user_id, "role": "owner"})
    # THEN it is a 400 naming role and nobody is added
    helpers.field_error(response, "role")
    assert member_ids(owner, project["id"]) == []


def test_a_missing_user_id_is_400(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner adds a member without saying who
    response = _add(owner, project["id"], {"role": "member"})
    # THEN it is a 400 naming user_id
    helpers.field_error(response, "user_id")


def test_a_plain_member_cannot_add_members(owner, member, other_member):
    # GIVEN an unrestricted project
    project = create_project(owner)
    # WHEN a plain member tries to add someone
    response = _add(member, project["id"], {"user_id": other_member.user_id})
    # THEN it is forbidden and nobody is added
    helpers.error(response, 403, "forbidden")
    assert member_ids(owner, project["id"]) == []


def test_a_project_manager_can_add_members(owner, member, other_member):
    # GIVEN a member who manages the project
    project = create_project(owner)
    add_member(owner, project["id"], member, role="manager")
    # WHEN the manager adds someone else
    response = _add(member, project["id"], {"user_id": other_member.user_id})
    # THEN they are added
    assert response.status_code == 201, response.json_body
    assert other_member.user_id in member_ids(owner, project["id"])


# --- visibility ----------------------------------------------------------------------------------------------


def test_a_restricted_project_is_404_to_a_member_not_listed(owner, member, other_member):
    # GIVEN a project whose only explicit member is someone else
    project = create_project(owner)
    add_member(owner, project["id"], other_member)
    # WHEN the unlisted member reads it
    response = get_project(member, project["id"])
    # THEN it does not exist for them
    helpers.error(response, 404, "not_found")


def test_a_restricted_project_is_absent_from_an_unlisted_members_list(owner, member, other_member):
    # GIVEN a restricted project the member is not on, and an open one
    restricted, open_project = create_project(owner, name="Secret"), create_project(owner, name="Open")
    add_member(owner, restricted["id"], other_member)
    # WHEN the unlisted member lists projects
    # THEN only the open project is there
    assert listed_ids(member) == [open_project["id"]]


def test_a_restricted_project_is_visible_to_its_listed_members(owner, member):
    # GIVEN a project with the member listed
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN the member reads it and lists projects
    # THEN they see it both ways
    assert get_project(member, project["id"]).status_code == 200
    assert listed_ids(member) == [project["id"]]


def test_a_restricted_project_is_visible_to_admins_who_are_not_listed(owner, admin, member):
    # GIVEN a project whose only explicit member is a plain member
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN an unlisted admin reads it and lists projects
    # THEN they see it both ways
    assert get_project(admin, project["id"]).status_code == 200
    assert listed_ids(admin) == [project["id"]]


def test_a_restricted_project_is_visible_to_the_owner_who_is_not_listed(owner, member):
    # GIVEN a project whose only explicit member is a plain member
    project = create_project(owner)
    add_member(owner, project["id"], member)
    # WHEN the owner lists projects
    # THEN the project is there
    assert listed_ids(owner) == [project["id"]]


def test_an_unlisted_member_cannot_update_or_list_members_of_a_restricted_project(owner, member, other_member):
    # GIVEN a project restricted to someone else
    project = create_project(owner)
    add_member(owner, project["id"], other_member)
    # WHEN the unlisted member tries to rename it and to list its members
    renamed = helpers.update_project(member, project["id"], name="Peek")
    members = member.api.get(f"/api/v1/projects/{project['id']}/members")
    # THEN both are 404, as if it did not exist
    helpers.error(renamed, 404, "not_found")
    helpers.error(members, 404, "not_found")


def test_a_member_listed_on_a_restricted_project_sees_it_among_open_ones(owner, member, other_member):
    # GIVEN an open project, a project restricted to the member and one restricted to someone else
    first = create_project(owner, name="Open")
    mine = create_project(owner, name="Mine")
    add_member(owner, mine["id"], member)
    theirs = create_project(owner, name="Theirs")
    add_member(owner, theirs["id"], other_member)
    # WHEN the member lists projects
    # THEN they see the open one and their own, in creation order
    assert listed_ids(member) == [first["id"], mine["id"]]


# --- removing ------------------------------------------------------------------------------------------------


def test_removing_a_member_answers_204_and_they_leave_the_list(owner, member, other_member):
    # GIVEN a project with two explicit members
    project = create_project(owner)
    add_member(owner, project["id"], member)
    add_member(owner, project["id"], other_member)
    # WHEN the owner removes one
    response = _remove(owner, project["id"], member.user_id)
    # THEN only the other is left
    assert response.status_code == 204
    assert member_ids(owner, project["id"]) == [other_member.user_id]


def test_a_removed_member_no_longer_sees_a_project_still_restricted_to_others(owner, member, other_member):
    # GIVEN a project with two explicit members
    project = create_project(owner)
    add_member(owner, project["id"], member)
    add_member(owner, project["id"], other_member)
    # WHEN one of them is removed
    _remove(owner, project["id"], member.user_id)
    # THEN the project is gone for them
    helpers.error(get_project(member, project["id"]), 404, "not_found")
    assert listed_ids(member) == []


def test_removing_the_last_member_makes_the_project_visible_to_all_members_again(owner, member, other_member):
    # GIVEN a project restricted to one member
    project = create_project(owner)
    add_member(owner, project["id"], other_member)
    # WHEN that last explicit member is removed
    _remove(owner, project["id"], other_member.user_id)
    # THEN the project is unrestricted and every member sees it again
    assert get_project(owner, project["id"]).json_body["restricted"] is False
    assert get_project(member, project["id"]).status_code == 200
    assert listed_ids(member) == [project["id"]]


def test_removing_someone_who_is_not_a_member_is_404(owner, member):
    # GIVEN a project the member is not listed on
    project = create_project(owner)
    # WHEN the owner removes them from it
    response = _remove(owner, project["id"], member.user_id)
    # THEN there was nothing to remove
    helpers.error(response, 404, "not_found")


def test_a_plain_member_cannot_remove_members(owner, member, other_member):
    # GIVEN a project on which both members are listed
    project = create_project(owner)
    add_member(owner, project["id"], member)
    add_member(owner, project["id"], other_member)
    # WHEN one plain member tries to remove the other
    response = _remove(member, project["id"], other_member.user_id)
    # THEN it is forbidden and both stay
    helpers.error(response, 403, "forbidden")
    assert sorted(member_ids(owner, project["id"])) == sorted([member.user_id, other_member.user_id])


def test_a_project_manager_can_remove_members(owner, member, other_member):
    # GIVEN a project managed by one member with another listed
    project = create_project(owner)
    add_member(owner, project["id"], member, role="manager")
    add_member(owner, project["id"], other_member)
    # WHEN the manager removes the other member
    response = _remove(member, project["id"], other_member.user_id)
    # THEN they are removed
    assert response.status_code == 204
    assert member_ids(owner, project["id"]) == [member.user_id]
