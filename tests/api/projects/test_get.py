"""Reading one project (TRCR "Get a single project")."""

import pytest

from tests.api.projects import helpers
from tests.api.projects.helpers import create_project, get_project


def test_get_returns_the_project_as_it_was_created(owner):
    # GIVEN a project
    project = create_project(owner, description="All pages", hourly_rate=12000)
    # WHEN the owner reads it
    response = get_project(owner, project["id"])
    # THEN it is the same project
    assert response.status_code == 200
    assert response.json_body == project


def test_a_member_can_read_an_unrestricted_project(owner, member):
    # GIVEN a project with no explicit members
    project = create_project(owner)
    # WHEN a plain member reads it
    response = get_project(member, project["id"])
    # THEN they see it
    assert response.status_code == 200
    assert response.json_body["id"] == project["id"]


def test_another_orgs_project_is_404(owner, outsider):
    # GIVEN a project in another organization
    theirs = create_project(outsider)
    # WHEN the owner reads it by id
    response = get_project(owner, theirs["id"])
    # THEN it does not exist for them
    helpers.error(response, 404, "not_found")


@pytest.mark.parametrize(
    "project_id",
    [
        "nope",
        "prj_123",
        "PRJ_01JD0000000000000000000000",
        "cli_01JD0000000000000000000000",
        "prj_01JD0000000000000000000000",
    ],
    ids=["garbage", "short", "wrong case prefix", "another kind of id", "well-formed unknown"],
)
def test_a_malformed_or_unknown_id_is_404(owner, project_id):
    # WHEN the owner reads a project by an id that is malformed or unknown
    response = get_project(owner, project_id)
    # THEN it is a 404, never a 500
    helpers.error(response, 404, "not_found")
