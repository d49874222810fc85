"""Who may call the client routes: no token → 401, another org's ids → 404, members → 403 on admin actions."""

import pytest

from tests.api.clients.helpers import add_contact, create_client, error, log_activity

# (method, path, body) with `{cli}`, `{cnt}`, `{act}` standing for a client, a contact and an activity.
ID_ROUTES = [
    ("GET", "/api/v1/clients/{cli}", None),
    ("PUT", "/api/v1/clients/{cli}", {"name": "Taken over"}),
    ("DELETE", "/api/v1/clients/{cli}", None),
    ("GET", "/api/v1/clients/{cli}/contacts", None),
    ("POST", "/api/v1/clients/{cli}/contacts", {"name": "Intruder"}),
    ("PUT", "/api/v1/clients/{cli}/contacts/{cnt}", {"role": "Intruder"}),
    ("DELETE", "/api/v1/clients/{cli}/contacts/{cnt}", None),
    ("GET", "/api/v1/clients/{cli}/activities", None),
    ("POST", "/api/v1/clients/{cli}/activities", {"type": "note", "title": "Intruder"}),
    ("DELETE", "/api/v1/clients/{cli}/activities/{act}", None),
    ("GET", "/api/v1/clients/{cli}/rates", None),
    ("POST", "/api/v1/clients/{cli}/rates", {"hourly_rate": 1, "effective_from": "2026-05-01"}),
]
ALL_ROUTES = [("GET", "/api/v1/clients", None), ("POST", "/api/v1/clients", {"name": "Acme"}), *ID_ROUTES]
ADMIN_ONLY_ROUTES = [
    ("POST", "/api/v1/clients", {"name": "Acme"}),
    ("PUT", "/api/v1/clients/{cli}", {"name": "Taken over"}),
    ("DELETE", "/api/v1/clients/{cli}", None),
    ("POST", "/api/v1/clients/{cli}/contacts", {"name": "Intruder"}),
    ("PUT", "/api/v1/clients/{cli}/contacts/{cnt}", {"role": "Intruder"}),
    ("DELETE", "/api/v1/clients/{cli}/contacts/{cnt}", None),
    ("GET", "/api/v1/clients/{cli}/rates", None),
    ("POST", "/api/v1/clients/{cli}/rates", {"hourly_rate": 1, "effective_from": "2026-05-01"}),
]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def existing(owner) -> dict:
    """A client of the owner's org with one contact and one activity."""
    client = create_client(owner, name="Acme Corp", notes="Original")
    contact = add_contact(owner, client["id"], role="CTO")
    activity = log_activity(owner, client["id"])
    return {"cli": client["id"], "cnt": contact["id"], "act": activity["id"]}


def _untouched(owner, existing: dict) -> bool:
    """The client, its contact and its activity are exactly as the fixture made them."""
    client = owner.api.get(f"/api/v1/clients/{existing['cli']}")
    contacts = owner.api.get(f"/api/v1/clients/{existing['cli']}/contacts").json_body["data"]
    activities = owner.api.get(f"/api/v1/clients/{existing['cli']}/activities").json_body["data"]
    return (
        client.status_code == 200
        and client.json_body["name"] == "Acme Corp"
        and [(c["id"], c["role"]) for c in contacts] == [(existing["cnt"], "CTO")]
        and [a["id"] for a in activities] == [existing["act"]]
    )


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_every_client_route_needs_a_token(api, route):
    # GIVEN no credentials
    method, path, body = route
    ids = {"cli": "cli_01JD0000000000000000000000", "cnt": "cnt_01JD0000000000000000000000"}
    ids["act"] = "act_01JD0000000000000000000000"
    # WHEN an anonymous caller uses the route
    response = api.request(method, path.format(**ids), json=body)
    # THEN it is unauthorized
    error(response, 401, "unauthorized")


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_left_untouched(owner, outsider, existing, route):
    # GIVEN a client, contact and activity in the owner's org, and the owner of another org
    method, path, body = route
    # WHEN the outsider uses their ids
    response = outsider.api.request(method, path.format(**existing), json=body)
    # THEN it is answered as if they did not exist, and nothing changed
    error(response, 404, "not_found")
    assert _untouched(owner, existing)


@pytest.mark.parametrize("route", ADMIN_ONLY_ROUTES, ids=_route_id)
def test_members_are_forbidden_admin_only_client_actions(owner, member, existing, route):
    # GIVEN a member of the owner's org
    method, path, body = route
    # WHEN the member uses an admin-only route
    response = member.api.request(method, path.format(**existing), json=body)
    # THEN it is forbidden and nothing changed
    error(response, 403, "forbidden")
    assert _untouched(owner, existing)
    assert len(owner.api.get("/api/v1/clients").json_body["data"]) == 1
