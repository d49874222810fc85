"""Who may call the knowledge-base routes: no token → 401, another org's ids → 404 and untouched."""

import pytest

from tests.api.kb.helpers import KB, article, category
from tests.support.task_setup import field_error, status

UNKNOWN = {"art": "art_01JD0000000000000000000000", "kbc": "kbc_01JD0000000000000000000000"}
ID_ROUTES = [
    ("GET", KB + "/{art}", None),
    ("PUT", KB + "/{art}", {"title": "Taken over"}),
    ("DELETE", KB + "/{art}", None),
    ("GET", KB + "/{kbc}", None),
    ("PUT", KB + "/{kbc}", {"title": "Taken over"}),
    ("DELETE", KB + "/{kbc}", None),
]
ALL_ROUTES = [("GET", KB, None), ("POST", KB, {"type": "article", "title": "Hi"}), *ID_ROUTES]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def existing(owner) -> dict:
    """An empty category and a published article of the owner's org."""
    return {"kbc": category(owner, "Handbook")["id"], "art": article(owner, "Original")["id"]}


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_every_kb_route_needs_a_token(api, route):
    method, path, body = route
    response = api.request(method, path.format(**UNKNOWN), json=body)
    status(response, 401, "unauthorized")


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_left_untouched(owner, outsider, existing, route):
    # GIVEN a category and an article of the owner's org, and the owner of another org
    method, path, body = route
    # WHEN the outsider uses their ids
    response = outsider.api.request(method, path.format(**existing), json=body)
    # THEN it is answered as if they did not exist, and nothing changed
    status(response, 404, "not_found")
    assert owner.api.get(f"{KB}/{existing['art']}").json_body["title"] == "Original"
    assert owner.api.get(f"{KB}/{existing['kbc']}").json_body["title"] == "Handbook"


def test_another_orgs_category_is_no_parent_and_no_filter(owner, outsider, existing):
    body = {"type": "article", "title": "Sneaky", "parent_id": existing["kbc"]}
    field_error(outsider.api.post(KB, json=body), "parent_id")
    field_error(outsider.api.get(f"{KB}?parent_id={existing['kbc']}"), "parent_id")
    assert outsider.api.get(KB).json_body["data"] == []
    assert owner.api.get(f"{KB}/{existing['kbc']}").json_body["child_count"] == 0
