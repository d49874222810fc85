"""Whiteboards: a JSON scene per board, saved whole with optimistic locking, size-capped."""

import pytest

from chalicelib.whiteboards.service import MAX_SCENE_BYTES
from tests.api.whiteboards.helpers import SCENE, WB, board, current, save
from tests.support.task_setup import audit_actions, field_error, ids, status


def test_a_board_is_created_with_its_scene_at_version_1(member):
    response = member.api.post(WB, json={"title": "Sprint map", "scene": SCENE})
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("wb_")
    assert (created["title"], created["scene"], created["version"]) == ("Sprint map", SCENE, 1)
    assert (created["created_by"], created["share_count"]) == (member.user_id, 0)
    compact = '{"elements":[{"id":"r1","type":"rectangle","x":10,"y":20}],"appState":{"zoom":1}}'
    assert created["scene_bytes"] == len(compact)
    assert current(member, created["id"]) == created


def test_a_board_without_a_scene_starts_empty(member):
    response = member.api.post(WB, json={"title": "Blank"})
    assert response.status_code == 201, response.json_body
    assert response.json_body["scene"] == {}


def test_boards_are_listed_newest_first_without_their_scenes(owner, member):
    older, newer = board(owner, "Older"), board(member, "Newer")
    response = member.api.get(WB)
    assert response.status_code == 200, response.json_body
    assert ids(response.json_body["data"]) == [newer["id"], older["id"]]
    assert "scene" not in response.json_body["data"][0]
    paged = member.api.get(f"{WB}?per_page=1").json_body
    assert ids(paged["data"]) == [newer["id"]] and paged["has_more"]
    rest = member.api.get(f"{WB}?per_page=1&cursor={paged['next_cursor']}").json_body
    assert ids(rest["data"]) == [older["id"]]


def test_any_member_saves_a_board_and_the_version_moves_on(owner, member):
    drawn = board(owner)
    changed = {"elements": [], "appState": {"zoom": 2}}
    response = save(member, drawn["id"], 1, scene=changed, title="Renamed")
    assert response.status_code == 200, response.json_body
    saved = response.json_body
    assert (saved["scene"], saved["title"], saved["version"], saved["updated_by"]) == (
        changed,
        "Renamed",
        2,
        member.user_id,
    )
    assert current(owner, drawn["id"]) == saved


def test_a_save_based_on_an_old_version_is_a_409_and_keeps_the_newer_scene(owner, member):
    # GIVEN two people who loaded version 1, and the owner saved first
    drawn = board(owner)
    assert save(owner, drawn["id"], 1, scene={"elements": ["owner's"]}).status_code == 200
    # WHEN the member saves their copy of version 1
    response = save(member, drawn["id"], 1, scene={"elements": ["member's"]})
    # THEN it is a 409 naming the current version, and the owner's scene is kept
    status(response, 409, "conflict")
    assert response.json_body["error"]["details"] == [{"field": "version", "message": "is 2 now"}]
    assert current(owner, drawn["id"])["scene"] == {"elements": ["owner's"]}


def test_a_scene_over_the_cap_is_413_naming_it_and_nothing_is_saved(member):
    drawn = board(member)
    huge = {"elements": ["x" * MAX_SCENE_BYTES]}
    response = save(member, drawn["id"], 1, scene=huge)
    status(response, 413, "payload_too_large")
    assert response.json_body["error"]["details"][0]["field"] == "scene"
    assert current(member, drawn["id"])["version"] == 1
    status(member.api.post(WB, json={"title": "Too big", "scene": huge}), 413, "payload_too_large")
    assert ids(member.api.get(WB).json_body["data"]) == [drawn["id"]]


def test_the_cap_counts_bytes_not_characters(member):
    emoji = "🎨" * (MAX_SCENE_BYTES // 4)  # four bytes each in UTF-8: just over the cap with the JSON around it
    status(member.api.post(WB, json={"title": "Emoji", "scene": {"e": emoji}}), 413, "payload_too_large")


def test_the_creator_or_an_admin_deletes_a_board(owner, member, other_member):
    drawn = board(member)
    status(other_member.api.delete(f"{WB}/{drawn['id']}"), 403, "forbidden")
    assert member.api.delete(f"{WB}/{drawn['id']}").status_code == 204
    status(member.api.get(f"{WB}/{drawn['id']}"), 404, "not_found")
    by_admin = board(member, "Second")
    assert owner.api.delete(f"{WB}/{by_admin['id']}").status_code == 204


def test_every_change_is_audited(owner, member):
    drawn = board(member)
    save(member, drawn["id"], 1, title="Renamed")
    member.api.delete(f"{WB}/{drawn['id']}")
    assert audit_actions(owner, "whiteboard") == ["deleted", "updated", "created"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "title"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "List", "scene": []}, "scene"),
        ({"title": "Text", "scene": "{}"}, "scene"),
        ({"title": "Mass", "version": 7}, "version"),
        ({"title": "Mass", "created_by": "usr_01JD0000000000000000000000"}, "created_by"),
    ],
    ids=["missing-title", "blank-title", "long-title", "list-scene", "string-scene", "version", "extra-field"],
)
def test_bad_boards_are_400_naming_the_field_and_nothing_is_written(member, body, field):
    field_error(member.api.post(WB, json=body), field)
    assert member.api.get(WB).json_body["data"] == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"scene": {}}, "version"),
        ({"version": 0, "scene": {}}, "version"),
        ({"version": "1", "scene": {}}, "version"),
        ({"version": 1.0, "scene": {}}, "version"),
        ({"version": 1, "scene": None}, "scene"),
        ({"version": 1, "title": None}, "title"),
        ({"version": 1, "share_count": 0}, "share_count"),
    ],
    ids=["no-version", "zero-version", "string-version", "float-version", "null-scene", "null-title", "extra"],
)
def test_bad_saves_are_400_and_change_nothing(member, body, field):
    drawn = board(member)
    field_error(member.api.put(f"{WB}/{drawn['id']}", json=body), field)
    assert current(member, drawn["id"]) == drawn


def test_unknown_and_malformed_ids_are_404(member):
    for board_id in ("wb_01JD0000000000000000000000", "nope"):
        status(member.api.get(f"{WB}/{board_id}"), 404, "not_found")
        status(save(member, board_id, 1, title="x"), 404, "not_found")
        status(member.api.delete(f"{WB}/{board_id}"), 404, "not_found")
