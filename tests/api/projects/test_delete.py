"""Deleting projects (TRCR `DELETE /projects/{id}`: admins; associated data goes in a background job)."""

from chalicelib.projects.models import ProjectMember
from tests.api.projects import helpers
from tests.api.projects.helpers import add_member, create_project, get_project
from tests.support import factories


def _delete(account, project_id):
    return account.api.delete(f"/api/v1/projects/{project_id}")


def test_an_admin_deletes_a_project_and_it_is_gone(owner, admin):
    # GIVEN a project
    project = create_project(owner)
    # WHEN an admin deletes it
    response = _delete(admin, project["id"])
    # THEN it answers 204 and the project is 404 afterwards
    assert response.status_code == 204
    helpers.error(get_project(owner, project["id"]), 404, "not_found")


def test_a_deleted_project_leaves_the_list(owner):
    # GIVEN two projects
    kept, deleted = create_project(owner, name="Kept"), create_project(owner, name="Deleted")
    # WHEN the owner deletes one
    _delete(owner, deleted["id"])
    # THEN only the other is listed
    assert helpers.listed_ids(owner, "?archived=true") == [kept["id"]]


def test_deleting_twice_is_404(owner):
    # GIVEN a deleted project
    project = create_project(owner)
    _delete(owner, project["id"])
    # WHEN it is deleted again
    response = _delete(owner, project["id"])
    # THEN it is not found
    helpers.error(response, 404, "not_found")


def test_a_member_cannot_delete_a_project(owner, member):
    # GIVEN a project the member can see
    project = create_project(owner)
    # WHEN the member tries to delete it
    response = _delete(member, project["id"])
    # THEN it is forbidden and the project is still there
    helpers.error(response, 403, "forbidden")
    assert get_project(owner, project["id"]).status_code == 200


def test_a_project_manager_cannot_delete_the_project(owner, member):
    # GIVEN a member who manages the project
    project = create_project(owner)
    add_member(owner, project["id"], member, role="manager")
    # WHEN the manager tries to delete it
    response = _delete(member, project["id"])
    # THEN it is forbidden: deleting is for admins
    helpers.error(response, 403, "forbidden")
    assert get_project(owner, project["id"]).status_code == 200


def test_the_background_job_removes_the_projects_members(owner, member, other_member):
    # GIVEN a deleted project that had two explicit members
    project = create_project(owner)
    add_member(owner, project["id"], member)
    add_member(owner, project["id"], other_member, role="manager")
    _delete(owner, project["id"])
    # WHEN the background jobs run
    factories.drain_jobs()
    # THEN no member item of the project is left in the table
    pk, _ = ProjectMember.keys(owner.org_id, project["id"], "")
    prefix = f"{ProjectMember.SK_PREFIX}{project['id']}#"
    assert list(ProjectMember.query(pk, ProjectMember.SK.startswith(prefix))) == []


def test_the_background_job_leaves_other_projects_members_alone(owner, member):
    # GIVEN a member listed on two projects, one of which is deleted
    kept, deleted = create_project(owner, name="Kept"), create_project(owner, name="Deleted")
    add_member(owner, kept["id"], member)
    add_member(owner, deleted["id"], member)
    _delete(owner, deleted["id"])
    # WHEN the background jobs run
    factories.drain_jobs()
    # THEN the member is still listed on the kept project, which they still see
    assert helpers.member_ids(owner, kept["id"]) == [member.user_id]
    assert helpers.listed_ids(member) == [kept["id"]]
