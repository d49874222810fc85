"""Members' billing and cost rates and the organization's default rate (set by admins, integer cents)."""

import pytest

from tests.api.orgs import expect


def _member(account, member_id: str) -> dict:
    listed = account.api.get("/api/v1/members").json_body["data"]
    return next(m for m in listed if m["id"] == member_id)


def _set(account, member_id: str, body: dict):
    return account.api.put(f"/api/v1/members/{member_id}", json=body)


# --- member rates --------------------------------------------------------------------------------------------


def test_admin_sets_a_members_hourly_and_cost_rates(owner, admin, member):
    # WHEN an admin gives the member a billing rate of $120.00/h and a cost rate of $55.50/h
    response = _set(admin, member.member_id, {"hourly_rate": 12000, "cost_rate": 5550})
    # THEN both are answered and listed for admins, and the role is untouched
    assert response.status_code == 200, response.json_body
    assert (response.json_body["hourly_rate"], response.json_body["cost_rate"]) == (12000, 5550)
    listed = _member(owner, member.member_id)
    assert (listed["hourly_rate"], listed["cost_rate"], listed["role"]) == (12000, 5550, "member")


def test_members_do_not_see_anyones_rates_in_the_member_list(owner, admin, member):
    # GIVEN rates on the admin
    _set(owner, admin.member_id, {"hourly_rate": 20000, "cost_rate": 9000})
    # WHEN a plain member lists members
    listed = member.api.get("/api/v1/members").json_body["data"]
    # THEN no rate field is shown to them
    assert all("hourly_rate" not in m and "cost_rate" not in m for m in listed)


def test_a_member_cannot_set_their_own_rate(owner, member):
    # WHEN a plain member tries to raise their own billing rate
    response = _set(member, member.member_id, {"hourly_rate": 99999})
    # THEN it is forbidden and nothing changed
    expect.error(response, 403, "forbidden")
    assert _member(owner, member.member_id)["hourly_rate"] is None


def test_null_clears_a_rate_and_leaves_the_other(owner, member):
    # GIVEN both rates set
    _set(owner, member.member_id, {"hourly_rate": 12000, "cost_rate": 5000})
    # WHEN the billing rate is set to null
    response = _set(owner, member.member_id, {"hourly_rate": None})
    # THEN it is cleared and the cost rate stays
    assert (response.json_body["hourly_rate"], response.json_body["cost_rate"]) == (None, 5000)
    assert _member(owner, member.member_id)["hourly_rate"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hourly_rate": 120.5}, "hourly_rate"),
        ({"hourly_rate": "12000"}, "hourly_rate"),
        ({"cost_rate": -1}, "cost_rate"),
        ({"cost_rate": True}, "cost_rate"),
        ({"hourly_rate": 100, "org_id": "org_01J00000000000000000000000"}, "org_id"),
        ({}, "body"),
        ({"role": None}, "role"),
    ],
)
def test_bad_rate_updates_are_400_naming_the_field_and_change_nothing(owner, member, body, field):
    # WHEN the owner sends a float, a string, a negative, a boolean, an unknown field, nothing, or a null role
    response = _set(owner, member.member_id, body)
    # THEN it is refused, naming the field, and the member is as before
    expect.field_error(response, field)
    listed = _member(owner, member.member_id)
    assert (listed["hourly_rate"], listed["cost_rate"], listed["role"]) == (None, None, "member")


def test_the_owners_rates_can_be_set_but_not_their_role(owner, admin):
    owner_member_id = next(m["id"] for m in owner.api.get("/api/v1/members").json_body["data"] if m["role"] == "owner")
    # WHEN an admin sets the owner's billing rate
    response = _set(admin, owner_member_id, {"hourly_rate": 30000})
    # THEN it is set
    assert response.status_code == 200 and response.json_body["hourly_rate"] == 30000
    # AND changing the owner's role together with a rate is still a conflict, changing nothing
    expect.error(_set(admin, owner_member_id, {"role": "member", "hourly_rate": 1}), 409, "conflict")
    assert _member(owner, owner_member_id)["hourly_rate"] == 30000


def test_rate_changes_are_audited_with_before_and_after(owner, member):
    # GIVEN a rate set once, then changed
    _set(owner, member.member_id, {"hourly_rate": 10000})
    _set(owner, member.member_id, {"hourly_rate": 12500, "role": "admin"})
    # WHEN the audit log is read
    entries = owner.api.get("/api/v1/audit-logs?entity_type=member").json_body["data"]
    # THEN the rate change and the role change are each recorded with from/to
    rate_changes = [e["changes"] for e in entries if e["action"] == "rates_changed"]
    assert {"hourly_rate": {"from": 10000, "to": 12500}} in rate_changes
    role_changes = [e["changes"] for e in entries if e["action"] == "role_changed"]
    assert role_changes == [{"role": {"from": "member", "to": "admin"}}]


def test_setting_the_same_rate_again_writes_no_audit_entry(owner, member):
    _set(owner, member.member_id, {"cost_rate": 4000})
    # WHEN the same cost rate is sent again
    response = _set(owner, member.member_id, {"cost_rate": 4000})
    # THEN it answers the member and records nothing new
    assert response.status_code == 200
    entries = owner.api.get("/api/v1/audit-logs?entity_type=member").json_body["data"]
    assert len([e for e in entries if e["action"] == "rates_changed"]) == 1


def test_another_orgs_member_id_is_404(api, owner, member):
    from tests.support import factories

    stranger = factories.register(api)
    # WHEN an owner of another org sets a rate on this org's member
    response = _set(stranger, member.member_id, {"hourly_rate": 1})
    # THEN it is not found, and nothing changed
    expect.error(response, 404, "not_found")
    assert _member(owner, member.member_id)["hourly_rate"] is None


# --- org default rate ----------------------------------------------------------------------------------------


def _settings(account) -> dict:
    return account.api.get(f"/api/v1/organizations/{account.org_id}").json_body["settings"]


def test_admin_sets_and_clears_the_org_default_rate(owner, admin):
    # GIVEN no default rate (shown as null)
    assert _settings(owner)["default_hourly_rate"] is None
    # WHEN an admin sets $90.00/h
    response = admin.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"default_hourly_rate": 9000}})
    # THEN it is stored, with the other settings unchanged
    assert response.status_code == 200, response.json_body
    assert _settings(owner) == {
        "timezone": "UTC",
        "currency": "USD",
        "week_start": "monday",
        "default_hourly_rate": 9000,
        "rounding": None,
    }
    # AND null clears it again
    owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"default_hourly_rate": None}})
    assert _settings(owner)["default_hourly_rate"] is None


@pytest.mark.parametrize("value", [90.5, "9000", -5])
def test_a_default_rate_that_is_not_whole_cents_is_400(owner, value):
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"default_hourly_rate": value}})
    expect.field_error(response, "settings.default_hourly_rate")
    assert _settings(owner)["default_hourly_rate"] is None


def test_a_member_cannot_set_the_org_default_rate(owner, member):
    response = member.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"default_hourly_rate": 1}})
    expect.error(response, 403, "forbidden")
    assert _settings(owner)["default_hourly_rate"] is None
