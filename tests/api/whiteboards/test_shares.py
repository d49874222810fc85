"""Share links: unguessable, shown once, view or edit, revocable; opened without an account."""

import pytest

from chalicelib.core.security import digest
from chalicelib.whiteboards import service as whiteboard_service
from chalicelib.whiteboards.models import WhiteboardShare
from tests.api.whiteboards.helpers import SCENE, SHARE, WB, board, current, share
from tests.support.task_setup import audit_actions, field_error, ids, status


def _open(api, token: str):
    return api.get(f"{SHARE}?token={token}")


def _save_via(api, token: str, version: int, **fields):
    return api.put(f"{SHARE}?token={token}", json={"version": version, **fields})


def test_a_view_link_opens_the_board_without_an_account(api, member):
    # GIVEN a view link to a board
    drawn = board(member, "Roadmap")
    link = share(member, drawn["id"], "view")
    assert link["id"].startswith("wbs_") and link["token"].startswith("stint_wb_") and len(link["token"]) > 40
    assert link["url"].endswith(f"/api/v1/whiteboards/share?token={link['token']}")
    assert (link["whiteboard_id"], link["permission"]) == (drawn["id"], "view")
    # WHEN someone without an account opens it
    response = _open(api, link["token"])
    # THEN they see the board and what the link allows, not who made it
    assert response.status_code == 200, response.json_body
    assert response.json_body == {
        "id": drawn["id"],
        "title": "Roadmap",
        "scene": SCENE,
        "version": 1,
        "updated_at": drawn["updated_at"],
        "permission": "view",
    }


def test_a_view_link_cannot_save(api, member):
    drawn = board(member)
    link = share(member, drawn["id"], "view")
    status(_save_via(api, link["token"], 1, scene={"elements": []}), 403, "forbidden")
    assert current(member, drawn["id"])["scene"] == SCENE


def test_an_edit_link_saves_with_the_same_version_check(api, owner, member):
    # GIVEN an edit link
    drawn = board(member)
    link = share(member, drawn["id"], "edit")
    # WHEN a guest saves version 1, then saves version 1 again
    first = _save_via(api, link["token"], 1, scene={"elements": ["guest"]})
    second = _save_via(api, link["token"], 1, scene={"elements": ["stale"]})
    # THEN the first is version 2 for everyone, the second a 409; the save is audited without a user
    assert first.status_code == 200, first.json_body
    assert (first.json_body["version"], first.json_body["permission"]) == (2, "edit")
    status(second, 409, "conflict")
    saved = current(member, drawn["id"])
    assert (saved["scene"], saved["version"], saved["updated_by"]) == ({"elements": ["guest"]}, 2, None)
    assert audit_actions(owner, "whiteboard")[0] == "updated_via_link"


def test_members_see_the_links_of_a_board_without_their_tokens(member):
    drawn = board(member)
    view, edit = share(member, drawn["id"], "view"), share(member, drawn["id"], "edit")
    response = member.api.get(f"{WB}/{drawn['id']}/shares")
    assert response.status_code == 200, response.json_body
    listed = response.json_body["data"]
    assert ids(listed) == [view["id"], edit["id"]]
    assert [(link["permission"], link["token"], link["url"]) for link in listed] == [
        ("view", None, None),
        ("edit", None, None),
    ]
    assert current(member, drawn["id"])["share_count"] == 2


def test_a_revoked_link_opens_nothing(api, member):
    drawn = board(member)
    kept, revoked = share(member, drawn["id"], "edit"), share(member, drawn["id"], "edit")
    response = member.api.delete(f"{WB}/{drawn['id']}/shares/{revoked['id']}")
    assert response.status_code == 204
    status(_open(api, revoked["token"]), 404, "not_found")
    status(_save_via(api, revoked["token"], 1, title="Still here?"), 404, "not_found")
    assert _open(api, kept["token"]).status_code == 200
    assert current(member, drawn["id"])["share_count"] == 1
    status(member.api.delete(f"{WB}/{drawn['id']}/shares/{revoked['id']}"), 404, "not_found")


def test_deleting_the_board_ends_its_links(api, member):
    drawn = board(member)
    link = share(member, drawn["id"], "view")
    assert member.api.delete(f"{WB}/{drawn['id']}").status_code == 204
    status(_open(api, link["token"]), 404, "not_found")


def test_a_link_created_while_the_board_is_deleted_goes_with_it(api, member, monkeypatch):
    # GIVEN a link added right after the delete request read the board's links
    drawn = board(member)
    real_shares, raced = whiteboard_service._shares, {}

    def shares_while_someone_shares(org_id, whiteboard_id):
        found = real_shares(org_id, whiteboard_id)
        if "link" not in raced:
            raced["link"] = share(member, whiteboard_id, "edit")
        return found

    monkeypatch.setattr(whiteboard_service, "_shares", shares_while_someone_shares)
    # WHEN the board is deleted
    assert member.api.delete(f"{WB}/{drawn['id']}").status_code == 204
    # THEN the raced link does not survive it: it opens nothing and no item is left behind
    status(_open(api, raced["link"]["token"]), 404, "not_found")
    assert WhiteboardShare.get_or_none(*WhiteboardShare.keys(digest(raced["link"]["token"]))) is None


def test_unknown_or_missing_tokens(api):
    status(_open(api, "stint_wb_not-a-real-token"), 404, "not_found")
    field_error(api.get(SHARE), "token")
    field_error(api.put(SHARE, json={"version": 1}), "token")


def test_only_the_creator_or_an_admin_manages_links(owner, member, other_member):
    drawn = board(member)
    link = share(member, drawn["id"])
    body = {"whiteboard_id": drawn["id"], "permission": "edit"}
    status(other_member.api.post(SHARE, json=body), 403, "forbidden")
    status(other_member.api.get(f"{WB}/{drawn['id']}/shares"), 403, "forbidden")
    status(other_member.api.delete(f"{WB}/{drawn['id']}/shares/{link['id']}"), 403, "forbidden")
    assert current(member, drawn["id"])["share_count"] == 1
    assert share(owner, drawn["id"], "edit")["permission"] == "edit"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "whiteboard_id"),
        ({"whiteboard_id": "wb_01JD0000000000000000000000"}, "whiteboard_id"),
        ({"whiteboard_id": "WB", "permission": "admin"}, "permission"),
        ({"whiteboard_id": "WB", "token": "chosen-by-me"}, "token"),
    ],
    ids=["missing-board", "unknown-board", "bad-permission", "chosen-token"],
)
def test_bad_share_requests_are_400_and_create_nothing(member, body, field):
    drawn = board(member)
    body = {key: (drawn["id"] if value == "WB" else value) for key, value in body.items()}
    field_error(member.api.post(SHARE, json=body), field)
    assert current(member, drawn["id"])["share_count"] == 0


def test_links_per_board_are_capped(member, monkeypatch):
    monkeypatch.setattr(whiteboard_service, "MAX_SHARES_PER_BOARD", 2)
    drawn = board(member)
    share(member, drawn["id"]), share(member, drawn["id"])
    body = {"whiteboard_id": drawn["id"], "permission": "view"}
    status(member.api.post(SHARE, json=body), 409, "conflict")
    assert current(member, drawn["id"])["share_count"] == 2
