"""Who may call the whiteboard routes: no token → 401, another org's ids → 404 and untouched."""

import pytest

from tests.api.whiteboards.helpers import SHARE, WB, board, current, share
from tests.support.task_setup import field_error, status

UNKNOWN = {"wb": "wb_01JD0000000000000000000000", "wbs": "wbs_01JD0000000000000000000000"}
ID_ROUTES = [
    ("GET", WB + "/{wb}", None),
    ("PUT", WB + "/{wb}", {"version": 1, "title": "Taken over"}),
    ("DELETE", WB + "/{wb}", None),
    ("GET", WB + "/{wb}/shares", None),
    ("DELETE", WB + "/{wb}/shares/{wbs}", None),
]
SESSION_ROUTES = [
    ("GET", WB, None),
    ("POST", WB, {"title": "Hi"}),
    ("POST", SHARE, {"whiteboard_id": UNKNOWN["wb"]}),
    *ID_ROUTES,
]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def existing(owner) -> dict:
    drawn = board(owner, "Original")
    return {"wb": drawn["id"], "wbs": share(owner, drawn["id"], "edit")["id"]}


@pytest.mark.parametrize("route", SESSION_ROUTES, ids=_route_id)
def test_every_member_route_needs_a_token(api, route):
    method, path, body = route
    status(api.request(method, path.format(**UNKNOWN), json=body), 401, "unauthorized")


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_left_untouched(owner, outsider, existing, route):
    method, path, body = route
    response = outsider.api.request(method, path.format(**existing), json=body)
    status(response, 404, "not_found")
    kept = current(owner, existing["wb"])
    assert (kept["title"], kept["version"], kept["share_count"]) == ("Original", 1, 1)


def test_another_orgs_board_cannot_be_shared(owner, outsider, existing):
    field_error(outsider.api.post(SHARE, json={"whiteboard_id": existing["wb"]}), "whiteboard_id")
    assert current(owner, existing["wb"])["share_count"] == 1
