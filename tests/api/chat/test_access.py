"""Who may call the chat routes: no token → 401, another org's ids → 404 with nothing changed."""

import pytest

from tests.api.chat.helpers import channel, messages, post, react

# (method, path, body) with `{ch}` and `{msg}` standing for a channel and a message of the owner's org.
ID_ROUTES = [
    ("GET", "/api/v1/chat/channels/{ch}", None),
    ("PUT", "/api/v1/chat/channels/{ch}", {"name": "taken-over"}),
    ("DELETE", "/api/v1/chat/channels/{ch}", None),
    ("GET", "/api/v1/chat/channels/{ch}/messages", None),
    ("POST", "/api/v1/chat/channels/{ch}/messages", {"content": "intruder"}),
    ("DELETE", "/api/v1/chat/channels/{ch}/messages/{msg}", None),
    ("POST", "/api/v1/chat/messages/{msg}/reactions", {"emoji": "skull"}),
    ("DELETE", "/api/v1/chat/messages/{msg}/reactions/thumbsup", None),
]
ALL_ROUTES = [("GET", "/api/v1/chat/channels", None), ("POST", "/api/v1/chat/channels", {"name": "x"}), *ID_ROUTES]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def existing(owner) -> dict:
    """A channel of the owner's org with one message the owner reacted to."""
    made = channel(owner, "engineering")
    message = post(owner, made["id"], "original")
    assert react(owner, message["id"]).status_code == 201
    return {"ch": made["id"], "msg": message["id"]}


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_every_chat_route_needs_a_token(api, route):
    method, path, body = route
    path = path.format(ch="ch_01JD0000000000000000000000", msg="msg_01JD0000000000000000000000")
    response = api.request(method, path, json=body)
    assert response.status_code == 401 and response.json_body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_untouched(owner, outsider, existing, route):
    # GIVEN another org's owner
    method, path, body = route
    # WHEN they call the route with the owner's ids
    response = outsider.api.request(method, path.format(**existing), json=body)
    # THEN it is a 404, and the channel, message and reaction are as they were
    assert response.status_code == 404, response.json_body
    assert response.json_body["error"]["code"] == "not_found"
    assert owner.api.get(f"/api/v1/chat/channels/{existing['ch']}").json_body["name"] == "engineering"
    [message] = messages(owner, existing["ch"])["data"]
    assert (message["id"], message["content"]) == (existing["msg"], "original")
    assert message["reactions"] == [{"emoji": "thumbsup", "count": 1}]
