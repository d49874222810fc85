"""Collapsed task groups: per-user, per-project board state."""

import pytest

from chalicelib.task_groups.schemas import MAX_COLLAPSED
from tests.api.task_groups import helpers
from tests.support import factories


def _bulk(account, project_id: str, group_ids: list[str]):
    return account.api.put(f"/api/v1/projects/{project_id}/task-groups/collapsed/bulk", json={"group_ids": group_ids})


def _toggle(account, project_id: str, group_id: str):
    return account.api.post(f"/api/v1/projects/{project_id}/task-groups/{group_id}/toggle-collapsed")


def test_nothing_is_collapsed_at_first(owner, project_id):
    # GIVEN a group nobody has collapsed
    helpers.group(owner, project_id)
    # WHEN the owner asks for their collapsed groups
    # THEN there are none
    assert helpers.collapsed(owner, project_id) == []


def test_bulk_sets_the_collapsed_groups(owner, project_id):
    # GIVEN three groups
    a, b, c = (helpers.group(owner, project_id, name)["id"] for name in "ABC")
    # WHEN A and C are set as collapsed
    response = _bulk(owner, project_id, [a, c])
    # THEN exactly they are collapsed, in the answer and later
    assert response.status_code == 200, response.json_body
    assert response.json_body["group_ids"] == [a, c]
    assert helpers.collapsed(owner, project_id) == [a, c]


def test_bulk_replaces_the_previous_state(owner, project_id):
    # GIVEN A and B collapsed
    a, b, c = (helpers.group(owner, project_id, name)["id"] for name in "ABC")
    _bulk(owner, project_id, [a, b])
    # WHEN the collapsed set is replaced by C only
    _bulk(owner, project_id, [c])
    # THEN only C is collapsed
    assert helpers.collapsed(owner, project_id) == [c]


def test_bulk_with_more_than_the_maximum_is_400_and_keeps_the_state(owner, project_id):
    # GIVEN one collapsed group
    group_id = helpers.group(owner, project_id)["id"]
    _bulk(owner, project_id, [group_id])
    # WHEN more than 200 ids are sent
    response = _bulk(owner, project_id, [group_id] * (MAX_COLLAPSED + 1))
    # THEN it is refused naming group_ids, and the state is unchanged
    helpers.field_error(response, "group_ids")
    assert helpers.collapsed(owner, project_id) == [group_id]


def test_bulk_accepts_exactly_the_maximum(owner, project_id):
    # GIVEN a group
    group_id = helpers.group(owner, project_id)["id"]
    # WHEN 200 ids (all that group) are sent
    response = _bulk(owner, project_id, [group_id] * MAX_COLLAPSED)
    # THEN it is accepted, duplicates folded
    assert response.status_code == 200, response.json_body
    assert response.json_body["group_ids"] == [group_id]


@pytest.mark.parametrize("kind", ["other_project", "malformed", "other_org"])
def test_bulk_with_an_id_that_is_not_a_group_of_the_project_is_400(owner, outsider, project_id, kind):
    # GIVEN a group of this project, and an id that is not one of its groups
    mine = helpers.group(owner, project_id)["id"]
    foreign = {
        "other_project": lambda: helpers.group(owner, helpers.project(owner, name="Other"))["id"],
        "malformed": lambda: "not-a-group",
        "other_org": lambda: helpers.group(outsider, helpers.project(outsider))["id"],
    }[kind]()
    # WHEN both are sent as collapsed
    response = _bulk(owner, project_id, [mine, foreign])
    # THEN it is refused naming group_ids, and nothing is collapsed
    helpers.field_error(response, "group_ids")
    assert helpers.collapsed(owner, project_id) == []


def test_toggle_collapses_an_expanded_group(owner, project_id):
    # GIVEN an expanded group
    group_id = helpers.group(owner, project_id)["id"]
    # WHEN it is toggled
    response = _toggle(owner, project_id, group_id)
    # THEN it is collapsed
    assert response.status_code == 200, response.json_body
    assert response.json_body["collapsed"] is True
    assert helpers.collapsed(owner, project_id) == [group_id]


def test_toggling_twice_returns_to_the_original_state(owner, project_id):
    # GIVEN A collapsed and B expanded
    a, b = (helpers.group(owner, project_id, name)["id"] for name in "AB")
    _bulk(owner, project_id, [a])
    # WHEN B is toggled twice
    first, second = _toggle(owner, project_id, b), _toggle(owner, project_id, b)
    # THEN B was collapsed, then expanded again, and only A is collapsed
    assert (first.json_body["collapsed"], second.json_body["collapsed"]) == (True, False)
    assert helpers.collapsed(owner, project_id) == [a]


def test_collapsed_state_is_per_user(owner, member, project_id):
    # GIVEN a group the owner collapsed
    group_id = helpers.group(owner, project_id)["id"]
    _toggle(owner, project_id, group_id)
    # WHEN a member (without manage_tasks) looks, then collapses it for themself
    before = helpers.collapsed(member, project_id)
    toggled = _toggle(member, project_id, group_id)
    # THEN they saw nothing collapsed, their own toggle is allowed, and the owner's state is unchanged
    assert before == []
    assert toggled.status_code == 200, toggled.json_body
    assert helpers.collapsed(member, project_id) == [group_id]
    assert helpers.collapsed(owner, project_id) == [group_id]


def test_toggling_a_group_of_another_project_is_404(owner, project_id):
    # GIVEN a group of another project
    foreign = helpers.group(owner, helpers.project(owner, name="Other"))["id"]
    # WHEN it is toggled through this project
    response = _toggle(owner, project_id, foreign)
    # THEN it is 404 and nothing is collapsed
    helpers.status(response, 404, "not_found")
    assert helpers.collapsed(owner, project_id) == []


def test_a_deleted_group_is_no_longer_collapsed(owner, member, project_id):
    # GIVEN groups A and B collapsed by two users
    a, b = (helpers.group(owner, project_id, name)["id"] for name in "AB")
    _bulk(owner, project_id, [a, b])
    _bulk(member, project_id, [b])
    # WHEN B is deleted and background jobs have run
    owner.api.delete(f"/api/v1/projects/{project_id}/task-groups/{b}")
    factories.drain_jobs()
    # THEN nobody has it collapsed any more
    assert helpers.collapsed(owner, project_id) == [a]
    assert helpers.collapsed(member, project_id) == []


def test_collapsing_is_audited(owner, project_id):
    # GIVEN a group
    group_id = helpers.group(owner, project_id)["id"]
    # WHEN it is collapsed
    _toggle(owner, project_id, group_id)
    # THEN the project's audit trail records the change
    assert helpers.audit_actions(owner, project_id)[0] == "collapsed_groups_changed"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", "/collapsed"), ("PUT", "/collapsed/bulk"), ("POST", "/grp_01JD0000000000000000000000/toggle-collapsed")],
)
def test_collapsed_routes_without_credentials_are_401(api, project_id, method, suffix):
    # WHEN a collapsed-state route is called without a token
    response = api.request(method, f"/api/v1/projects/{project_id}/task-groups{suffix}", json={"group_ids": []})
    # THEN it is 401
    helpers.status(response, 401, "unauthorized")


def test_another_orgs_project_collapsed_state_is_404(owner, outsider, project_id):
    # GIVEN a group in the owner's project
    group_id = helpers.group(owner, project_id)["id"]
    # WHEN the owner of another org reads or changes collapsed state there
    responses = [
        outsider.api.get(f"/api/v1/projects/{project_id}/task-groups/collapsed"),
        _bulk(outsider, project_id, [group_id]),
        _toggle(outsider, project_id, group_id),
    ]
    # THEN every answer is 404
    assert [response.status_code for response in responses] == [404] * 3
