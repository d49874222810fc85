"""The TrackingTabs `/entries` family as that document's clients call it."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


def _entry(account, start: str, stop: str) -> dict:
    response = account.api.post("/api/v1/entries", json={"start": start, "stop": stop})
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_entry_list_accepts_plain_dates_as_from_inclusive_and_to_exclusive(owner):
    # GIVEN entries starting on three consecutive days
    for day in ("2026-05-23", "2026-05-24", "2026-05-25"):
        _entry(owner, f"{day}T09:00:00Z", f"{day}T10:00:00Z")
    # WHEN the list is asked for from=2026-05-24 to=2026-05-25 as plain dates
    response = owner.api.get("/api/v1/entries?from=2026-05-24&to=2026-05-25")
    # THEN only the entry of the 24th is there: the 25th starts after the exclusive upper bound
    assert response.status_code == 200, response.json_body
    assert [entry["start"] for entry in response.json_body["data"]] == ["2026-05-24T09:00:00Z"]


def test_entry_list_names_a_malformed_date_bound(owner):
    response = owner.api.get("/api/v1/entries?from=2026-13-45")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "from"


def test_member_updating_a_colleagues_entry_is_forbidden(api, owner):
    # GIVEN an entry of the owner's and a member of the same workspace
    entry = _entry(owner, "2026-05-24T14:00:00Z", "2026-05-24T15:00:00Z")
    member = factories.join(api, owner)
    # WHEN the member patches it
    response = member.api.patch(f"/api/v1/entries/{entry['id']}", json={"billable": False})
    # THEN 403 forbidden, and the entry is unchanged
    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "forbidden"
    assert owner.api.get(f"/api/v1/entries/{entry['id']}").json_body["billable"] is True


def test_member_deleting_a_colleagues_entry_is_forbidden(api, owner):
    entry = _entry(owner, "2026-05-24T14:00:00Z", "2026-05-24T15:00:00Z")
    member = factories.join(api, owner)
    response = member.api.delete(f"/api/v1/entries/{entry['id']}")
    assert response.status_code == 403
    assert owner.api.get(f"/api/v1/entries/{entry['id']}").status_code == 200


def test_admin_updates_and_deletes_a_members_entry(api, owner):
    member = factories.join(api, owner)
    entry = _entry(member, "2026-05-24T14:00:00Z", "2026-05-24T15:00:00Z")
    patched = owner.api.patch(f"/api/v1/entries/{entry['id']}", json={"description": "reviewed"})
    assert patched.status_code == 200 and patched.json_body["description"] == "reviewed"
    assert owner.api.delete(f"/api/v1/entries/{entry['id']}").status_code == 204


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_workspaces_entry_is_not_found(api, owner, method):
    # GIVEN an entry in another workspace
    stranger = factories.register(api)
    entry = _entry(stranger, "2026-05-24T14:00:00Z", "2026-05-24T15:00:00Z")
    # WHEN the owner of this workspace reads, patches or deletes it
    kwargs = {"json": {"billable": False}} if method == "patch" else {}
    response = getattr(owner.api, method)(f"/api/v1/entries/{entry['id']}", **kwargs)
    # THEN 404, and the entry is untouched
    assert response.status_code == 404
    assert stranger.api.get(f"/api/v1/entries/{entry['id']}").json_body["billable"] is True


def test_tag_list_pages_in_name_order_and_follows_its_cursor(owner):
    # GIVEN entries using three tags, one of which is no longer used
    owner.api.post(
        "/api/v1/entries",
        json={"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:00:00Z", "tags": ["writing", "admin", "calls"]},
    )
    dropped = _entry(owner, "2026-05-24T16:00:00Z", "2026-05-24T17:00:00Z")
    owner.api.patch(f"/api/v1/entries/{dropped['id']}", json={"tags": ["old"]})
    owner.api.patch(f"/api/v1/entries/{dropped['id']}", json={"tags": []})
    # WHEN the tags are listed two at a time
    first = owner.api.get("/api/v1/tags?limit=2").json_body
    second = owner.api.get(f"/api/v1/tags?limit=2&cursor={first['next_cursor']}").json_body
    # THEN the used tags come in name order across both pages, the unused one nowhere
    assert [tag["name"] for tag in first["data"]] == ["admin", "calls"] and first["has_more"] is True
    assert [tag["name"] for tag in second["data"]] == ["writing"] and second["has_more"] is False


def test_tag_list_refuses_a_page_over_200(owner):
    response = owner.api.get("/api/v1/tags?limit=201")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "limit"
