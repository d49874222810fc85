"""A personal API token is created inside one organization and only sees that one (DESIGN.md §2)."""

import pytest

from tests.api.orgs import expect
from tests.support import factories


@pytest.fixture
def pat(owner):
    """A client using a personal API token the owner made in their first org."""
    response = owner.api.post("/api/v1/api-tokens", json={"name": "ci script"})
    assert response.status_code == 201, response.json_body
    return owner.api.as_token(response.json_body["token"])


@pytest.fixture
def second_org(owner):
    """Another organization the same user owns."""
    return factories.create_organization(owner, name="Second Shop")


def test_api_token_lists_only_its_own_org(owner, pat, second_org):
    # WHEN the token lists organizations
    response = pat.get("/api/v1/organizations")
    # THEN only the org it was created in is there
    assert response.status_code == 200
    assert [org["id"] for org in response.json_body["data"]] == [owner.org_id]


def test_api_token_reads_its_own_org(owner, pat):
    # WHEN the token fetches the org it was created in
    response = pat.get(f"/api/v1/organizations/{owner.org_id}")
    # THEN it is returned
    assert response.status_code == 200


def test_api_token_cannot_read_another_org_of_the_same_user(pat, second_org):
    # WHEN the token fetches another org its user owns
    response = pat.get(f"/api/v1/organizations/{second_org['id']}")
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_api_token_cannot_update_another_org_of_the_same_user(owner, pat, second_org):
    # WHEN the token renames another org its user owns
    response = pat.put(f"/api/v1/organizations/{second_org['id']}", json={"name": "Renamed By Script"})
    # THEN it is not found and the name is unchanged
    expect.error(response, 404, "not_found")
    assert owner.api.get(f"/api/v1/organizations/{second_org['id']}").json_body["name"] == "Second Shop"


def test_api_token_cannot_delete_another_org_of_the_same_user(owner, pat, second_org):
    # WHEN the token deletes another org its user owns
    response = pat.delete(f"/api/v1/organizations/{second_org['id']}")
    # THEN it is not found and the org is still there
    expect.error(response, 404, "not_found")
    assert owner.api.get(f"/api/v1/organizations/{second_org['id']}").status_code == 200
