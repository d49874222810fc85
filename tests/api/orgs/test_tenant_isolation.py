"""Another organization's ids are 404 on every route, and no route answers without credentials."""

from dataclasses import dataclass

import pytest

from tests.api.orgs import expect
from tests.support import factories


@dataclass
class OtherOrg:
    """Organization B, as seen by its own owner: the ids someone in org A could try."""

    owner: factories.Account
    org_id: str
    member_id: str
    member_user_id: str
    pending_member_id: str

    def ids(self) -> dict[str, str]:
        return {
            "org": self.org_id,
            "member": self.member_id,
            "member_user": self.member_user_id,
            "pending": self.pending_member_id,
        }

    def state(self) -> dict:
        """Everything a successful cross-tenant call could have changed."""
        factories.drain_jobs()
        return {
            "org": self.owner.api.get(f"/api/v1/organizations/{self.org_id}").json_body,
            "members": self.owner.api.get("/api/v1/members").json_body["data"],
        }


@pytest.fixture
def other_org(api):
    b_owner = factories.register(api, name="Bea Owner")
    b_member = factories.join(api, b_owner)
    pending = factories.invite(b_owner)
    return OtherOrg(b_owner, b_owner.org_id, b_member.member_id, b_member.user_id, pending.member_id)


# (method, path, body) with {org}, {member}, {member_user} and {pending} filled in with org B's ids.
ROUTES_WITH_IDS = [
    ("GET", "/api/v1/organizations/{org}", None),
    ("PUT", "/api/v1/organizations/{org}", {"name": "Taken Over"}),
    ("DELETE", "/api/v1/organizations/{org}", None),
    ("POST", "/api/v1/organizations/{org}/transfer-ownership", {"user_id": "{member_user}"}),
    ("POST", "/api/v1/organizations/switch", {"organization_id": "{org}"}),
    ("PUT", "/api/v1/members/{member}", {"role": "admin"}),
    ("DELETE", "/api/v1/members/{member}", None),
    ("POST", "/api/v1/members/{pending}/resend-invite", None),
]


def _fill(value, ids: dict[str, str]):
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize(("method", "path", "body"), ROUTES_WITH_IDS, ids=lambda p: p if isinstance(p, str) else "")
def test_another_orgs_ids_are_404_and_change_nothing(owner, other_org, method, path, body):
    # GIVEN organization B as it is
    before = other_org.state()
    # WHEN org A's owner calls the route with B's ids
    response = owner.api.request(method, _fill(path, other_org.ids()), json=_fill(body, other_org.ids()))
    # THEN it is not found, exactly like a missing id, and B is untouched
    expect.error(response, 404, "not_found")
    assert other_org.state() == before


# Well-formed ids nobody holds: without credentials the answer must not depend on what exists.
SOME_IDS = {
    "org": "org_01J00000000000000000000000",
    "member": "mem_01J00000000000000000000000",
    "member_user": "usr_01J00000000000000000000000",
    "pending": "mem_01J00000000000000000000001",
}

ALL_ROUTES = [
    ("GET", "/api/v1/organizations", None),
    ("POST", "/api/v1/organizations", {"name": "Anonymous Inc"}),
    *ROUTES_WITH_IDS,
    ("GET", "/api/v1/members", None),
    ("POST", "/api/v1/members/invite", {"email": "anon@example.com"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES, ids=lambda p: p if isinstance(p, str) else "")
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"], ids=["no-token", "garbage-token"])
def test_routes_refuse_callers_without_valid_credentials(api, method, path, body, authorization):
    # WHEN someone calls the route without valid credentials
    headers = {"authorization": authorization} if authorization else None
    response = api.request(method, _fill(path, SOME_IDS), json=_fill(body, SOME_IDS), headers=headers)
    # THEN it is 401, before any lookup could tell them what exists
    expect.error(response, 401, "unauthorized")
