"""`/api/whiteboards` (+ `/share`): boards whose scene is the client's own document, and share links."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named

SCENE = {"elements": [{"id": "r1", "type": "rectangle", "stroke_width": 2}], "appState": {"view_background": "#fff"}}


def _board(account, title="Sprint planning"):
    response = account.api.post("/api/whiteboards", json={"title": title, "scene": SCENE})
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_create_keeps_the_scene_exactly_as_sent(owner):
    board = _board(owner)
    assert board["scene"] == SCENE
    assert {key for key in board if key != "scene"} >= {"id", "title", "version", "createdBy", "updatedAt"}
    listed = owner.api.get("/api/whiteboards").json_body
    assert_camel(listed)
    assert [b["id"] for b in listed["whiteboards"]] == [board["id"]]


def test_share_then_open_and_save_with_the_link_only(api, owner):
    # GIVEN an editable share link of a board
    board = _board(owner)
    shared = owner.api.post("/api/whiteboards/share", json={"whiteboardId": board["id"], "permission": "edit"})
    assert shared.status_code == 201, shared.json_body
    assert_camel(shared.json_body)
    token = shared.json_body["token"]
    # WHEN someone without an account opens it and saves a change
    anonymous = api.as_token(None)
    opened = anonymous.get(f"/api/whiteboards/share?token={token}")
    saved = anonymous.put(
        f"/api/whiteboards/share?token={token}", json={"version": opened.json_body["version"], "title": "Renamed"}
    )
    # THEN they see the board and their change is kept
    assert opened.status_code == 200, opened.json_body
    assert opened.json_body["scene"] == SCENE
    assert opened.json_body["permission"] == "edit"
    assert saved.status_code == 200, saved.json_body
    assert owner.api.get(f"/api/whiteboards/{board['id']}").json_body["title"] == "Renamed"


def test_a_view_link_cannot_save(api, owner):
    board = _board(owner)
    token = owner.api.post("/api/whiteboards/share", json={"whiteboardId": board["id"]}).json_body["token"]
    response = api.as_token(None).put(f"/api/whiteboards/share?token={token}", json={"version": 1, "title": "No"})
    error(response, 403, "forbidden")
    assert owner.api.get(f"/api/whiteboards/{board['id']}").json_body["title"] == "Sprint planning"


def test_a_made_up_link_is_404(api):
    error(api.as_token(None).get("/api/whiteboards/share?token=nothing-like-a-token"), 404, "not_found")


def test_another_workspaces_board_cannot_be_shared_or_read(owner, outsider):
    board = _board(owner)
    response = outsider.api.post("/api/whiteboards/share", json={"whiteboardId": board["id"]})
    assert fields_named(error(response, 400, "validation_error")) == {"whiteboardId"}
    error(outsider.api.get(f"/api/whiteboards/{board['id']}"), 404, "not_found")
