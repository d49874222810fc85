"""Organizations: list, create, get, update and delete (TRCR "Organizations")."""

import pytest

from tests.api.orgs import expect
from tests.support import factories


def _org(account, org_id):
    return account.api.get(f"/api/v1/organizations/{org_id}")


# --- list ----------------------------------------------------------------------------------------------------


def test_list_shows_every_org_the_user_belongs_to_with_their_role(api, owner):
    # GIVEN a user (email verified) with an org of their own who was also invited into the owner's org
    user = factories.register(api)
    factories.verify_email(api, user)
    invitation = factories.invite(owner, email_address=user.email)
    assert api.post("/api/v1/invitations/accept", json={"token": invitation.token}).status_code == 200
    # WHEN the user lists their organizations
    response = user.api.get("/api/v1/organizations")
    # THEN both are there, each with the user's role in it
    assert response.status_code == 200
    roles = {org["id"]: org["role"] for org in response.json_body["data"]}
    assert roles == {user.org_id: "owner", owner.org_id: "member"}


def test_list_does_not_show_orgs_the_user_was_only_invited_to(api, owner):
    # GIVEN a user with a pending, unaccepted invitation into the owner's org
    user = factories.register(api)
    factories.invite(owner, email_address=user.email)
    # WHEN the user lists their organizations
    response = user.api.get("/api/v1/organizations")
    # THEN only their own org is there
    assert [org["id"] for org in response.json_body["data"]] == [user.org_id]


# --- create --------------------------------------------------------------------------------------------------


def test_create_returns_201_with_the_caller_as_owner_and_a_slug_from_the_name(owner):
    # WHEN a user creates an organization without a slug
    response = owner.api.post("/api/v1/organizations", json={"name": "Acme Corp!"})
    # THEN it exists, is owned by the caller and has a slug made from its name
    assert response.status_code == 201
    org = response.json_body
    assert org["id"].startswith("org_")
    assert (org["name"], org["slug"]) == ("Acme Corp!", "acme-corp")
    assert (org["owner_id"], org["role"]) == (owner.user_id, "owner")


def test_created_org_appears_in_the_creators_list_as_owned(owner):
    # GIVEN a user who created a second organization
    created = factories.create_organization(owner, name="Second Shop")
    # WHEN they list their organizations
    listed = owner.api.get("/api/v1/organizations").json_body["data"]
    # THEN the new org is there with the owner role
    assert {"id": created["id"], "role": "owner"} in [{"id": o["id"], "role": o["role"]} for o in listed]


def test_create_keeps_an_explicit_slug(owner):
    # WHEN a user creates an organization with a slug of their choosing
    response = owner.api.post("/api/v1/organizations", json={"name": "Acme", "slug": "acme-europe"})
    # THEN that slug is used
    assert response.status_code == 201
    assert response.json_body["slug"] == "acme-europe"


def test_create_with_a_slug_already_taken_is_409(api, owner):
    # GIVEN an organization holding the slug `acme`
    factories.create_organization(owner, name="Acme", slug="acme")
    # WHEN another user asks for the same slug
    other = factories.register(api)
    response = other.api.post("/api/v1/organizations", json={"name": "Other Acme", "slug": "acme"})
    # THEN it is a conflict and the other user still has only their own org
    expect.error(response, 409, "conflict")
    assert [o["id"] for o in other.api.get("/api/v1/organizations").json_body["data"]] == [other.org_id]


def test_create_derives_a_distinct_slug_when_the_names_slug_is_taken(owner):
    # GIVEN an organization holding the slug `acme`
    factories.create_organization(owner, name="Acme", slug="acme")
    # WHEN another org named "Acme" is created without a slug
    response = owner.api.post("/api/v1/organizations", json={"name": "Acme"})
    # THEN it gets a different slug that still starts from the name
    assert response.status_code == 201
    assert response.json_body["slug"] != "acme"
    assert response.json_body["slug"].startswith("acme-")


def test_create_with_a_malformed_slug_is_400_naming_slug(owner):
    # WHEN a user asks for a slug with spaces and capitals
    response = owner.api.post("/api/v1/organizations", json={"name": "Acme", "slug": "Acme Corp"})
    # THEN it is refused, naming the field, and no org was created
    expect.field_error(response, "slug")
    assert len(owner.api.get("/api/v1/organizations").json_body["data"]) == 1


def test_create_without_a_name_is_400_naming_name(owner):
    # WHEN a user creates an organization with no name
    response = owner.api.post("/api/v1/organizations", json={"slug": "nameless"})
    # THEN it is refused, naming the field
    expect.field_error(response, "name")


def test_create_refuses_fields_the_client_may_not_set(owner, api):
    # WHEN a user tries to set the owner of a new org to someone else
    other = factories.register(api)
    response = owner.api.post("/api/v1/organizations", json={"name": "Acme", "owner_id": other.user_id})
    # THEN the body is refused
    expect.field_error(response, "owner_id")


# --- get -----------------------------------------------------------------------------------------------------


def test_get_own_org_returns_it_with_the_callers_role_and_default_settings(owner, member):
    # WHEN a member fetches their organization
    response = _org(member, owner.org_id)
    # THEN it is returned with their role and the default settings
    assert response.status_code == 200
    org = response.json_body
    assert (org["id"], org["owner_id"], org["role"]) == (owner.org_id, owner.user_id, "member")
    assert org["settings"] == {
        "timezone": "UTC",
        "currency": "USD",
        "week_start": "monday",
        "default_hourly_rate": None,
        "rounding": None,
    }


def test_get_another_orgs_id_is_404(api, owner):
    # GIVEN an organization the caller does not belong to
    stranger = factories.register(api)
    # WHEN the caller fetches it by id
    response = _org(owner, stranger.org_id)
    # THEN it is not found, exactly like a missing org
    expect.error(response, 404, "not_found")


def test_get_malformed_id_is_404(owner):
    # WHEN the caller fetches an id that is not an org id
    response = _org(owner, "org_not-a-ulid")
    # THEN it is not found (never a 500)
    expect.error(response, 404, "not_found")


# --- update --------------------------------------------------------------------------------------------------


def test_admin_renames_the_org(owner, admin):
    # WHEN an admin renames the organization
    response = admin.api.put(f"/api/v1/organizations/{owner.org_id}", json={"name": "Renamed Ltd"})
    # THEN the answer and a later read show the new name
    assert response.status_code == 200
    assert response.json_body["name"] == "Renamed Ltd"
    assert _org(owner, owner.org_id).json_body["name"] == "Renamed Ltd"


def test_update_answers_with_the_org_as_a_later_read_shows_it(owner, admin):
    # WHEN an admin renames the organization
    response = admin.api.put(f"/api/v1/organizations/{owner.org_id}", json={"name": "Same Shape Ltd"})
    # THEN the answer is the same resource a GET returns, the admin's role included
    assert response.status_code == 200
    assert response.json_body == _org(admin, owner.org_id).json_body
    assert response.json_body["role"] == "admin"


def test_admin_changes_the_slug_and_the_old_slug_becomes_free(owner, admin):
    # GIVEN the organization's current slug
    old_slug = _org(owner, owner.org_id).json_body["slug"]
    # WHEN an admin changes it
    response = admin.api.put(f"/api/v1/organizations/{owner.org_id}", json={"slug": "new-home"})
    # THEN the org has the new slug and the old one can be claimed by a new org
    assert response.status_code == 200
    assert _org(owner, owner.org_id).json_body["slug"] == "new-home"
    assert factories.create_organization(owner, name="Reuse", slug=old_slug)["slug"] == old_slug


def test_update_to_a_slug_already_taken_is_409_and_keeps_the_old_slug(owner):
    # GIVEN another organization holding the slug `taken`
    factories.create_organization(owner, name="Holder", slug="taken")
    before = _org(owner, owner.org_id).json_body["slug"]
    # WHEN the owner moves their org to that slug
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"slug": "taken"})
    # THEN it is a conflict about the slug, and the slug is unchanged
    assert "slug 'taken' is already taken" in expect.error(response, 409, "conflict")["message"]
    assert _org(owner, owner.org_id).json_body["slug"] == before


def test_admin_changes_settings_and_unchanged_settings_keep_their_values(owner, admin):
    # GIVEN an org whose currency was set to EUR
    owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"currency": "EUR"}})
    # WHEN an admin sets the timezone and week start only
    response = admin.api.put(
        f"/api/v1/organizations/{owner.org_id}",
        json={"settings": {"timezone": "America/New_York", "week_start": "sunday"}},
    )
    # THEN the new values are stored and the currency is still EUR
    assert response.status_code == 200
    assert _org(owner, owner.org_id).json_body["settings"] == {
        "timezone": "America/New_York",
        "currency": "EUR",
        "week_start": "sunday",
        "default_hourly_rate": None,
        "rounding": None,
    }


def test_update_with_an_unknown_timezone_is_400_naming_the_field_and_writes_nothing(owner):
    # GIVEN the organization as it is
    before = _org(owner, owner.org_id).json_body
    # WHEN the owner sends a valid name together with an unknown timezone
    response = owner.api.put(
        f"/api/v1/organizations/{owner.org_id}", json={"name": "Changed", "settings": {"timezone": "Mars/Olympus"}}
    )
    # THEN it is refused, naming settings.timezone, and the org is exactly as it was
    expect.field_error(response, "settings.timezone")
    assert _org(owner, owner.org_id).json_body == before


def test_update_with_an_unknown_currency_is_400_naming_the_field_and_writes_nothing(owner):
    # WHEN the owner sends a currency that is not ISO 4217
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"currency": "XXQ"}})
    # THEN it is refused, naming settings.currency, and the currency is unchanged
    expect.field_error(response, "settings.currency")
    assert _org(owner, owner.org_id).json_body["settings"]["currency"] == "USD"


def test_update_with_an_unknown_week_start_is_400_naming_the_field(owner):
    # WHEN the owner sends a week start that is not a supported day
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"week_start": "friday"}})
    # THEN it is refused, naming settings.week_start
    expect.field_error(response, "settings.week_start")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"slug": None}, "slug"),
        ({"settings": None}, "settings"),
        ({"settings": {"currency": None}}, "settings.currency"),
    ],
)
def test_update_with_an_explicit_null_is_400_naming_the_field(owner, body, field):
    # GIVEN the organization as it is
    before = _org(owner, owner.org_id).json_body
    # WHEN the owner sends null for a field (omitting it is how to keep it)
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json=body)
    # THEN it is refused, naming the field, rather than silently ignored, and nothing changed
    expect.field_error(response, field)
    assert _org(owner, owner.org_id).json_body == before


def test_update_refuses_a_change_of_owner_through_the_body(owner, member):
    # WHEN the owner tries to hand the org over by writing owner_id
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"owner_id": member.user_id})
    # THEN the body is refused and the owner is unchanged
    expect.field_error(response, "owner_id")
    assert _org(owner, owner.org_id).json_body["owner_id"] == owner.user_id


def test_member_cannot_update_the_org(owner, member):
    # WHEN a plain member renames the organization
    response = member.api.put(f"/api/v1/organizations/{owner.org_id}", json={"name": "Hijacked"})
    # THEN it is forbidden and the name is unchanged
    expect.error(response, 403, "forbidden")
    assert _org(owner, owner.org_id).json_body["name"] != "Hijacked"


def test_update_writes_an_audit_entry_with_the_changed_fields(owner):
    # GIVEN the organization's current name
    old_name = _org(owner, owner.org_id).json_body["name"]
    # WHEN the owner renames it
    owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"name": "Audited Inc"})
    # THEN the audit log has an `updated` entry with the name's before and after
    entries = owner.api.get("/api/v1/audit-logs?action=updated&entity_type=organization").json_body["data"]
    assert [e["changes"] for e in entries] == [{"name": {"from": old_name, "to": "Audited Inc"}}]


# --- delete --------------------------------------------------------------------------------------------------


def test_owner_deletes_the_org_and_it_is_gone_at_once(owner):
    # WHEN the owner deletes the organization
    response = owner.api.delete(f"/api/v1/organizations/{owner.org_id}")
    # THEN the answer is 204 and the org can no longer be fetched
    assert response.status_code == 204
    expect.error(_org(owner, owner.org_id), 404, "not_found")


def test_deleting_an_org_removes_its_members_once_the_background_job_ran(owner, member):
    # GIVEN an org the owner deleted
    assert owner.api.delete(f"/api/v1/organizations/{owner.org_id}").status_code == 204
    # WHEN the background jobs have run
    factories.drain_jobs()
    # THEN the member's credentials for that org no longer work
    expect.error(member.api.get("/api/v1/me"), 401, "unauthorized")


def test_deleting_an_org_frees_its_slug(owner):
    # GIVEN a second org with a known slug, deleted by its owner
    doomed = factories.create_organization(owner, name="Doomed", slug="doomed")
    assert owner.api.delete(f"/api/v1/organizations/{doomed['id']}").status_code == 204
    # WHEN a new org asks for that slug
    response = owner.api.post("/api/v1/organizations", json={"name": "Phoenix", "slug": "doomed"})
    # THEN it gets it
    assert response.status_code == 201


def test_deleted_org_disappears_from_the_owners_list(owner):
    # GIVEN a second org the owner deleted
    doomed = factories.create_organization(owner, name="Doomed")
    owner.api.delete(f"/api/v1/organizations/{doomed['id']}")
    # WHEN the owner lists their organizations
    listed = owner.api.get("/api/v1/organizations").json_body["data"]
    # THEN only the remaining one is there
    assert [org["id"] for org in listed] == [owner.org_id]


def test_admin_cannot_delete_the_org(owner, admin):
    # WHEN an admin deletes the organization
    response = admin.api.delete(f"/api/v1/organizations/{owner.org_id}")
    # THEN it is forbidden and the org is still there
    expect.error(response, 403, "forbidden")
    assert _org(owner, owner.org_id).status_code == 200
