"""Milestones: date markers on a project, listed by target date, under the caller's current organization."""

import pytest

from chalicelib.milestones.models import Milestone
from tests.api.milestones import helpers
from tests.api.milestones.helpers import milestone_url, project_url
from tests.support import factories

# --- happy paths ---------------------------------------------------------------------------------------------


def test_create_returns_201_with_the_documented_fields(owner, project_id):
    # WHEN a milestone is created with every field
    body = {"title": "Public beta", "target_date": "2026-07-01", "color": "#22c55e", "description": "optional"}
    response = owner.api.post(project_url(owner.org_id, project_id), json=body)
    # THEN it is a 201 with a mil_ id, its project and the fields as sent
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("mil_")
    assert (created["project_id"], created["org_id"]) == (project_id, owner.org_id)
    assert {key: created[key] for key in body} == body
    assert created["created_at"] and created["updated_at"]


def test_color_defaults_and_description_is_optional(owner, project_id):
    # WHEN a milestone is created with only a title and a date
    created = helpers.milestone(owner, project_id)
    # THEN its color is the documented default and it has no description
    assert (created["color"], created["description"]) == ("#6366f1", None)


def test_milestones_are_listed_by_target_date_not_creation(owner, project_id):
    # GIVEN milestones created out of date order
    helpers.milestone(owner, project_id, title="Launch", target_date="2026-09-01")
    helpers.milestone(owner, project_id, title="Beta", target_date="2026-07-01")
    helpers.milestone(owner, project_id, title="Review", target_date="2026-08-15")
    # WHEN the project's milestones are listed
    titles = helpers.titles(owner, project_id)
    # THEN they are ordered by target date
    assert titles == ["Beta", "Review", "Launch"]


def test_the_list_is_paged(owner, project_id):
    # GIVEN three milestones
    for day in ("01", "02", "03"):
        helpers.milestone(owner, project_id, title=day, target_date=f"2026-07-{day}")
    # WHEN they are listed two per page
    first = owner.api.get(project_url(owner.org_id, project_id) + "?per_page=2").json_body
    second = owner.api.get(project_url(owner.org_id, project_id) + f"?per_page=2&cursor={first['next_cursor']}")
    # THEN the pages continue each other in date order
    assert [item["title"] for item in first["data"]] == ["01", "02"] and first["has_more"]
    assert [item["title"] for item in second.json_body["data"]] == ["03"]


def test_a_milestone_can_be_read_by_id(owner, project_id):
    # GIVEN a milestone
    created = helpers.milestone(owner, project_id)
    # WHEN it is fetched by id
    response = owner.api.get(milestone_url(owner.org_id, created["id"]))
    # THEN it is the same milestone
    assert response.status_code == 200, response.json_body
    assert response.json_body == created


def test_update_changes_only_the_given_fields(owner, project_id):
    # GIVEN a milestone with a description
    created = helpers.milestone(owner, project_id, description="keep me", color="#22c55e")
    # WHEN title and date are changed
    response = owner.api.put(
        milestone_url(owner.org_id, created["id"]), json={"title": "Public beta launch", "target_date": "2026-07-08"}
    )
    # THEN those change and the rest stays
    assert response.status_code == 200, response.json_body
    updated = response.json_body
    assert (updated["title"], updated["target_date"]) == ("Public beta launch", "2026-07-08")
    assert (updated["description"], updated["color"]) == ("keep me", "#22c55e")
    assert owner.api.get(milestone_url(owner.org_id, created["id"])).json_body == updated


def test_null_description_clears_it(owner, project_id):
    # GIVEN a milestone with a description
    created = helpers.milestone(owner, project_id, description="to be removed")
    # WHEN the description is set to null
    response = owner.api.put(milestone_url(owner.org_id, created["id"]), json={"description": None})
    # THEN it is cleared
    assert response.status_code == 200, response.json_body
    assert owner.api.get(milestone_url(owner.org_id, created["id"])).json_body["description"] is None


def test_moving_the_target_date_moves_it_in_the_list(owner, project_id):
    # GIVEN two milestones, A before B
    first = helpers.milestone(owner, project_id, title="A", target_date="2026-07-01")
    helpers.milestone(owner, project_id, title="B", target_date="2026-08-01")
    # WHEN A is moved after B
    owner.api.put(milestone_url(owner.org_id, first["id"]), json={"target_date": "2026-09-01"})
    # THEN the list shows B first
    assert helpers.titles(owner, project_id) == ["B", "A"]


def test_delete_removes_it(owner, project_id):
    # GIVEN a milestone
    created = helpers.milestone(owner, project_id)
    # WHEN it is deleted
    response = owner.api.delete(milestone_url(owner.org_id, created["id"]))
    # THEN it is gone from reads and the list
    assert response.status_code == 204
    assert owner.api.get(milestone_url(owner.org_id, created["id"])).status_code == 404
    assert helpers.listed(owner, project_id) == []


def test_every_change_is_audited(owner, project_id):
    # GIVEN a milestone created, renamed and deleted
    created = helpers.milestone(owner, project_id)
    owner.api.put(milestone_url(owner.org_id, created["id"]), json={"title": "Renamed"})
    owner.api.delete(milestone_url(owner.org_id, created["id"]))
    # WHEN the audit log is read
    actions = helpers.audit_actions(owner)
    # THEN each change is recorded
    assert actions == ["deleted", "updated", "created"]


def test_a_project_manager_can_manage_milestones(owner, member, project_id):
    # GIVEN a member who manages the project
    helpers.make_manager(owner, project_id, member)
    # WHEN they create, update and delete a milestone
    created = member.api.post(project_url(member.org_id, project_id), json={"title": "M", "target_date": "2026-07-01"})
    updated = member.api.put(milestone_url(member.org_id, created.json_body["id"]), json={"title": "N"})
    deleted = member.api.delete(milestone_url(member.org_id, created.json_body["id"]))
    # THEN each succeeds
    assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)


def test_a_member_can_read_milestones_of_an_open_project(owner, member, project_id):
    # GIVEN a milestone on a project open to the org
    created = helpers.milestone(owner, project_id)
    # WHEN a plain member lists and reads it
    listed = helpers.listed(member, project_id)
    fetched = member.api.get(milestone_url(member.org_id, created["id"]))
    # THEN they see it
    assert [item["id"] for item in listed] == [created["id"]]
    assert fetched.status_code == 200


def test_deleting_a_project_removes_its_milestones(owner, project_id):
    # GIVEN a project with a milestone
    created = helpers.milestone(owner, project_id)
    # WHEN the project is deleted and background jobs have run
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    # THEN the milestone is no longer stored
    assert Milestone.get_or_none(*Milestone.keys(owner.org_id, created["id"])) is None


# --- the organization in the path ----------------------------------------------------------------------------


def test_an_org_path_other_than_the_current_org_is_404_even_for_its_own_member(owner, project_id):
    # GIVEN a milestone, and a second org the owner also belongs to (but is not signed in to)
    created = helpers.milestone(owner, project_id)
    other_org = factories.create_organization(owner, name="Second Ltd")["id"]
    # WHEN the owner uses the second org's id in the path
    responses = [
        owner.api.get(project_url(other_org, project_id)),
        owner.api.post(project_url(other_org, project_id), json={"title": "x", "target_date": "2026-07-01"}),
        owner.api.get(milestone_url(other_org, created["id"])),
        owner.api.put(milestone_url(other_org, created["id"]), json={"title": "x"}),
        owner.api.delete(milestone_url(other_org, created["id"])),
    ]
    # THEN every answer is 404 and the milestone is untouched
    assert [response.status_code for response in responses] == [404] * 5
    assert helpers.titles(owner, project_id) == ["Public beta"]


def test_another_orgs_ids_are_404(owner, outsider, project_id):
    # GIVEN a milestone in the owner's org
    created = helpers.milestone(owner, project_id)
    # WHEN the owner of another org addresses it (and the project) through their own org's path
    responses = [
        outsider.api.get(project_url(outsider.org_id, project_id)),
        outsider.api.post(project_url(outsider.org_id, project_id), json={"title": "x", "target_date": "2026-07-01"}),
        outsider.api.get(milestone_url(outsider.org_id, created["id"])),
        outsider.api.put(milestone_url(outsider.org_id, created["id"]), json={"title": "x"}),
        outsider.api.delete(milestone_url(outsider.org_id, created["id"])),
    ]
    # THEN every answer is 404 and the milestone is untouched
    assert [response.status_code for response in responses] == [404] * 5
    assert helpers.titles(owner, project_id) == ["Public beta"]


def test_an_unknown_or_malformed_milestone_id_is_404(owner):
    # WHEN ids that are not milestones are fetched
    responses = [owner.api.get(milestone_url(owner.org_id, mid)) for mid in ("mil_01JD0000000000000000000000", "x")]
    # THEN both are 404
    assert [response.status_code for response in responses] == [404, 404]


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_date": "2026-07-01"}, "title"),
        ({"title": "", "target_date": "2026-07-01"}, "title"),
        ({"title": "x" * 256, "target_date": "2026-07-01"}, "title"),
        ({"title": "Beta"}, "target_date"),
        ({"title": "Beta", "target_date": "2026-13-01"}, "target_date"),
        ({"title": "Beta", "target_date": "07/01/2026"}, "target_date"),
        ({"title": "Beta", "target_date": "2026-07-01T00:00:00Z"}, "target_date"),
        ({"title": "Beta", "target_date": "2026-07-01", "color": "green"}, "color"),
        ({"title": "Beta", "target_date": "2026-07-01", "project_id": "prj_x"}, "project_id"),
    ],
)
def test_invalid_create_is_400_naming_the_field_and_writes_nothing(owner, project_id, body, field):
    # WHEN a milestone is created with bad input
    response = owner.api.post(project_url(owner.org_id, project_id), json=body)
    # THEN it is refused naming the field, and nothing was stored or audited
    helpers.field_error(response, field)
    assert helpers.listed(owner, project_id) == []
    assert helpers.audit_actions(owner) == []


def test_a_title_of_255_characters_is_accepted(owner, project_id):
    # WHEN a milestone is created with the longest allowed title
    created = helpers.milestone(owner, project_id, title="x" * 255)
    # THEN it keeps it whole
    assert len(created["title"]) == 255


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"target_date": None}, "target_date"),
        ({"color": None}, "color"),
        ({"target_date": "2026-02-30"}, "target_date"),
        ({"title": " "}, "title"),
    ],
)
def test_invalid_update_is_400_naming_the_field_and_changes_nothing(owner, project_id, body, field):
    # GIVEN a milestone
    created = helpers.milestone(owner, project_id)
    # WHEN it is updated with bad input
    response = owner.api.put(milestone_url(owner.org_id, created["id"]), json=body)
    # THEN it is refused naming the field, and the milestone is unchanged
    helpers.field_error(response, field)
    assert owner.api.get(milestone_url(owner.org_id, created["id"])).json_body == created
    assert helpers.audit_actions(owner) == ["created"]


def test_creating_on_an_unknown_project_is_404(owner):
    # WHEN a milestone is created on a project id that does not exist
    response = owner.api.post(
        project_url(owner.org_id, "prj_01JD0000000000000000000000"), json={"title": "x", "target_date": "2026-07-01"}
    )
    # THEN it is 404
    helpers.status(response, 404, "not_found")


# --- authentication and permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/projects/prj_01JD0000000000000000000000/milestones"),
        ("POST", "/projects/prj_01JD0000000000000000000000/milestones"),
        ("GET", "/milestones/mil_01JD0000000000000000000000"),
        ("PUT", "/milestones/mil_01JD0000000000000000000000"),
        ("DELETE", "/milestones/mil_01JD0000000000000000000000"),
    ],
)
def test_requests_without_credentials_are_401(api, method, path):
    # WHEN a milestone route is called without a token
    response = api.request(method, f"/api/v1/organizations/org_01JD0000000000000000000000{path}", json={})
    # THEN it is 401
    helpers.status(response, 401, "unauthorized")


def test_a_member_without_manage_tasks_cannot_change_milestones(owner, member, project_id):
    # GIVEN a milestone on a project open to the org
    created = helpers.milestone(owner, project_id)
    # WHEN a plain member creates, updates or deletes
    responses = [
        member.api.post(project_url(member.org_id, project_id), json={"title": "x", "target_date": "2026-07-01"}),
        member.api.put(milestone_url(member.org_id, created["id"]), json={"title": "x"}),
        member.api.delete(milestone_url(member.org_id, created["id"])),
    ]
    # THEN every answer is 403 and nothing changed
    assert [response.status_code for response in responses] == [403] * 3
    assert helpers.titles(owner, project_id) == ["Public beta"]


def test_milestones_of_a_restricted_project_are_404_to_members_outside_it(api, owner, member, project_id):
    # GIVEN a milestone on a project restricted to someone else
    created = helpers.milestone(owner, project_id)
    helpers.make_manager(owner, project_id, factories.join(api, owner, name="Mia Manager"))
    # WHEN the member lists or reads it
    responses = [
        member.api.get(project_url(member.org_id, project_id)),
        member.api.get(milestone_url(member.org_id, created["id"])),
    ]
    # THEN both are 404
    assert [response.status_code for response in responses] == [404, 404]
