"""Clients: list, create, get, update and delete (TRCR "Clients", TrackingTabs `/clients`)."""

import pytest

from chalicelib.clients import service as clients
from chalicelib.clients.models import ClientActivity, ClientContact
from chalicelib.core.db import TransactionCancelled, transaction
from tests.api.clients.helpers import (
    add_contact,
    audit_actions,
    audit_entries,
    create_client,
    error,
    field_error,
    ids,
    log_activity,
)
from tests.support import factories

FULL_CLIENT = {
    "name": "Acme Corp",
    "email": "billing@acme.com",
    "phone": "+1-555-0100",
    "address": {"street": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"},
    "currency": "USD",
    "hourly_rate": 15000,
    "notes": "Pays on time.",
}


def _names(account, query: str = "") -> list[str]:
    response = account.api.get(f"/api/v1/clients{query}")
    assert response.status_code == 200, response.json_body
    return [client["name"] for client in response.json_body["data"]]


def _reference(owner, client_id: str) -> None:
    with transaction() as tx:
        clients.add_reference(tx, org_id=owner.org_id, client_id=client_id)


def _unreference(owner, client_id: str) -> None:
    with transaction() as tx:
        clients.remove_reference(tx, org_id=owner.org_id, client_id=client_id)


# --- list ----------------------------------------------------------------------------------------------------


def test_list_returns_the_orgs_clients_oldest_first(owner):
    # GIVEN two clients created one after the other
    create_client(owner, name="First")
    create_client(owner, name="Second")
    # WHEN the owner lists clients
    response = owner.api.get("/api/v1/clients")
    # THEN both are there in creation order, in the list shape
    assert response.status_code == 200
    assert [c["name"] for c in response.json_body["data"]] == ["First", "Second"]
    assert (response.json_body["has_more"], response.json_body["next_cursor"]) == (False, None)


def test_list_leaves_out_archived_clients_by_default(owner):
    # GIVEN an active and an archived client
    create_client(owner, name="Active")
    create_client(owner, name="Old", archived=True)
    # WHEN the owner lists clients without filters
    names = _names(owner)
    # THEN only the active one is there
    assert names == ["Active"]


def test_list_with_archived_true_includes_archived_clients(owner):
    # GIVEN an active and an archived client
    create_client(owner, name="Active")
    create_client(owner, name="Old", archived=True)
    # WHEN the owner asks to include archived clients
    names = _names(owner, "?archived=true")
    # THEN both are there
    assert names == ["Active", "Old"]


def test_search_matches_part_of_the_name_ignoring_case(owner):
    # GIVEN two clients with different names
    create_client(owner, name="Acme Corp")
    create_client(owner, name="Globex")
    # WHEN the owner searches for "acme"
    names = _names(owner, "?search=ACM")
    # THEN only the matching client is there
    assert names == ["Acme Corp"]


def test_search_matches_part_of_the_email(owner):
    # GIVEN a client whose email, not name, contains the search text
    create_client(owner, name="Initech", email="Billing@initech.example")
    create_client(owner, name="Globex", email="ap@globex.example")
    # WHEN the owner searches for part of the email
    names = _names(owner, "?search=initech.example")
    # THEN that client is found
    assert names == ["Initech"]


def test_cursor_paging_visits_every_client_once(owner):
    # GIVEN five clients
    created = [create_client(owner, name=f"Client {n}")["id"] for n in range(5)]
    # WHEN the owner follows next_cursor two at a time
    seen, cursor = [], None
    while True:
        query = f"?per_page=2&cursor={cursor}" if cursor else "?per_page=2"
        body = owner.api.get(f"/api/v1/clients{query}").json_body
        assert len(body["data"]) <= 2
        seen += ids(body["data"])
        cursor = body["next_cursor"]
        if not cursor:
            break
    # THEN every client was seen exactly once, in order
    assert seen == created


def test_page_number_skips_the_earlier_pages(owner):
    # GIVEN three clients
    created = [create_client(owner, name=f"Client {n}")["id"] for n in range(3)]
    # WHEN the owner asks for the second page of two
    body = owner.api.get("/api/v1/clients?page=2&per_page=2").json_body
    # THEN it holds the third client and echoes the paging fields
    assert ids(body["data"]) == created[2:]
    assert (body["page"], body["per_page"]) == (2, 2)


def test_per_page_over_the_maximum_is_400(owner):
    # WHEN the owner asks for more than 100 clients per page
    response = owner.api.get("/api/v1/clients?per_page=101")
    # THEN it is refused, naming per_page
    field_error(response, "per_page")


def test_members_can_list_clients(owner, member):
    # GIVEN a client created by the owner
    create_client(owner, name="Acme Corp")
    # WHEN a member lists clients
    names = _names(member)
    # THEN the member sees it
    assert names == ["Acme Corp"]


def test_list_does_not_show_another_orgs_clients(owner, outsider):
    # GIVEN a client in the owner's org
    create_client(owner, name="Acme Corp")
    # WHEN the owner of another org lists clients
    names = _names(outsider)
    # THEN it is not there
    assert names == []


def test_list_does_not_return_contacts_or_activities(owner):
    # GIVEN a client with a contact and an activity (stored in the same partition)
    client = create_client(owner)
    owner.api.post(f"/api/v1/clients/{client['id']}/contacts", json={"name": "John Smith"})
    owner.api.post(f"/api/v1/clients/{client['id']}/activities", json={"type": "call", "title": "Intro"})
    # WHEN the owner lists clients
    body = owner.api.get("/api/v1/clients").json_body
    # THEN only the client is listed
    assert ids(body["data"]) == [client["id"]]


# --- create --------------------------------------------------------------------------------------------------


def test_create_returns_201_with_every_field(owner):
    # WHEN the owner creates a client with every documented field
    response = owner.api.post("/api/v1/clients", json=FULL_CLIENT)
    # THEN it is created with those values, an id and timestamps
    assert response.status_code == 201
    client = response.json_body
    assert client["id"].startswith("cli_")
    assert {key: client[key] for key in FULL_CLIENT} == FULL_CLIENT
    assert client["archived"] is False
    assert client["created_at"].endswith("Z") and client["updated_at"].endswith("Z")


def test_created_client_can_be_fetched_by_id(owner):
    # GIVEN a client just created
    client = create_client(owner, **FULL_CLIENT)
    # WHEN the owner fetches it by id
    response = owner.api.get(f"/api/v1/clients/{client['id']}")
    # THEN it is the same client
    assert response.status_code == 200
    assert response.json_body == client


def test_create_with_only_a_name_leaves_the_rest_empty(owner):
    # WHEN the owner creates a client giving only its name (the TrackingTabs example)
    response = owner.api.post("/api/v1/clients", json={"name": "LVC Beverly Hills"})
    # THEN the optional fields are null
    assert response.status_code == 201
    body = response.json_body
    assert [body[k] for k in ("email", "phone", "address", "currency", "hourly_rate", "notes")] == [None] * 6


def test_admin_can_create_a_client(admin):
    # WHEN an admin creates a client
    response = admin.api.post("/api/v1/clients", json={"name": "Acme Corp"})
    # THEN it is created
    assert response.status_code == 201


def test_member_cannot_create_a_client(owner, member):
    # WHEN a member tries to create a client
    response = member.api.post("/api/v1/clients", json={"name": "Acme Corp"})
    # THEN it is forbidden and no client exists
    error(response, 403, "forbidden")
    assert _names(owner, "?archived=true") == []


def test_create_records_who_created_what_in_the_audit_log(owner):
    # WHEN the owner creates a client
    client = create_client(owner, name="Acme Corp", hourly_rate=15000)
    # THEN the audit log holds one `created` entry by the owner with the new values
    [entry] = audit_entries(owner, client["id"])
    assert (entry["action"], entry["entity_type"], entry["user_id"]) == ("created", "client", owner.user_id)
    assert entry["changes"]["name"] == {"from": None, "to": "Acme Corp"}
    assert entry["changes"]["hourly_rate"] == {"from": None, "to": 15000}


def test_create_without_a_name_is_400_and_writes_nothing(owner):
    # WHEN the owner creates a client without a name
    response = owner.api.post("/api/v1/clients", json={"email": "billing@acme.com"})
    # THEN it is refused naming `name`, and neither a client nor an audit entry was written
    field_error(response, "name")
    assert _names(owner, "?archived=true") == []
    assert "created" not in audit_actions(owner, "client")


def test_create_with_a_blank_name_is_400(owner):
    # WHEN the owner creates a client whose name is only spaces
    response = owner.api.post("/api/v1/clients", json={"name": "   "})
    # THEN it is refused naming `name`
    field_error(response, "name")


def test_create_with_an_invalid_email_is_400(owner):
    # WHEN the owner creates a client with a malformed email
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "email": "not-an-email"})
    # THEN it is refused naming `email` and nothing is written
    field_error(response, "email")
    assert _names(owner, "?archived=true") == []


def test_create_with_an_unknown_currency_is_400(owner):
    # WHEN the owner creates a client with a currency that is not ISO 4217
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "currency": "XYZ"})
    # THEN it is refused naming `currency`
    field_error(response, "currency")


def test_create_with_a_fractional_hourly_rate_is_400(owner):
    # WHEN the owner sends an hourly rate that is not whole cents
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "hourly_rate": 150.5})
    # THEN it is refused naming `hourly_rate`, never rounded
    field_error(response, "hourly_rate")
    assert _names(owner, "?archived=true") == []


def test_create_with_a_negative_hourly_rate_is_400(owner):
    # WHEN the owner sends a negative hourly rate
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "hourly_rate": -100})
    # THEN it is refused naming `hourly_rate`
    field_error(response, "hourly_rate")


def test_create_with_an_unknown_address_key_is_400(owner):
    # WHEN the owner sends an address with a key outside {street, city, state, zip, country}
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "address": {"city": "Paris", "planet": "Earth"}})
    # THEN it is refused naming that key
    field_error(response, "address.planet")


def test_create_with_a_server_owned_field_is_400(owner):
    # WHEN the owner tries to choose the id of a new client
    response = owner.api.post("/api/v1/clients", json={"name": "Acme", "id": "cli_01JD0000000000000000000000"})
    # THEN the unknown field is refused
    field_error(response, "id")


# --- get -----------------------------------------------------------------------------------------------------


def test_members_can_get_a_client(owner, member):
    # GIVEN a client
    client = create_client(owner)
    # WHEN a member fetches it
    response = member.api.get(f"/api/v1/clients/{client['id']}")
    # THEN they see it
    assert response.status_code == 200
    assert response.json_body["id"] == client["id"]


def test_get_with_a_malformed_id_is_404(owner):
    # WHEN the owner fetches a client by an id that is not a client id
    response = owner.api.get("/api/v1/clients/not-an-id")
    # THEN it is not found (not a 500)
    error(response, 404, "not_found")


# --- update --------------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_sent(owner):
    # GIVEN a client with every field set
    client = create_client(owner, **FULL_CLIENT)
    # WHEN the owner sends only a new hourly rate
    response = owner.api.put(f"/api/v1/clients/{client['id']}", json={"hourly_rate": 17500})
    # THEN the rate changed and every other field is as before
    assert response.status_code == 200
    assert response.json_body["hourly_rate"] == 17500
    assert {k: response.json_body[k] for k in FULL_CLIENT if k != "hourly_rate"} == {
        k: v for k, v in FULL_CLIENT.items() if k != "hourly_rate"
    }


def test_update_with_null_clears_an_optional_field(owner):
    # GIVEN a client with notes
    client = create_client(owner, notes="Pays late.")
    # WHEN the owner sets notes to null
    response = owner.api.put(f"/api/v1/clients/{client['id']}", json={"notes": None})
    # THEN the notes are gone
    assert response.status_code == 200
    assert owner.api.get(f"/api/v1/clients/{client['id']}").json_body["notes"] is None


def test_update_replaces_the_whole_address(owner):
    # GIVEN a client with a full address
    client = create_client(owner, **FULL_CLIENT)
    # WHEN the owner sends an address with only a city
    response = owner.api.put(f"/api/v1/clients/{client['id']}", json={"address": {"city": "Paris"}})
    # THEN the address is exactly the new one
    empty = dict.fromkeys(("street", "city", "state", "zip", "country"))
    assert response.json_body["address"] == {**empty, "city": "Paris"}


def test_renamed_client_is_found_by_its_new_name(owner):
    # GIVEN a client renamed from Acme to Globex
    client = create_client(owner, name="Acme")
    owner.api.put(f"/api/v1/clients/{client['id']}", json={"name": "Globex"})
    # WHEN the owner searches for the new name
    names = _names(owner, "?search=globex")
    # THEN the client is found under its new name
    assert names == ["Globex"]


def test_archiving_a_client_hides_it_from_the_default_list(owner):
    # GIVEN a client that the owner archives
    client = create_client(owner)
    owner.api.put(f"/api/v1/clients/{client['id']}", json={"archived": True})
    # WHEN the owner lists clients
    names = _names(owner)
    # THEN it is not in the default list
    assert names == []


def test_update_records_the_changed_fields_in_the_audit_log(owner):
    # GIVEN a client at 150.00 an hour
    client = create_client(owner, hourly_rate=15000)
    # WHEN the owner changes the rate
    owner.api.put(f"/api/v1/clients/{client['id']}", json={"hourly_rate": 17500})
    # THEN the newest audit entry records the change from and to
    latest = audit_entries(owner, client["id"])[0]
    assert latest["action"] == "updated"
    assert latest["changes"] == {"hourly_rate": {"from": 15000, "to": 17500}}


def test_update_with_a_null_name_is_400_and_changes_nothing(owner):
    # GIVEN a client
    client = create_client(owner, name="Acme")
    # WHEN the owner sets the name to null
    response = owner.api.put(f"/api/v1/clients/{client['id']}", json={"name": None})
    # THEN it is refused naming `name` and the client is unchanged
    field_error(response, "name")
    assert owner.api.get(f"/api/v1/clients/{client['id']}").json_body["name"] == "Acme"


def test_update_with_a_fractional_hourly_rate_is_400_and_changes_nothing(owner):
    # GIVEN a client at 150.00 an hour
    client = create_client(owner, hourly_rate=15000)
    # WHEN the owner sends a float rate
    response = owner.api.put(f"/api/v1/clients/{client['id']}", json={"hourly_rate": 175.0})
    # THEN it is refused naming `hourly_rate`, the rate is unchanged and nothing was audited
    field_error(response, "hourly_rate")
    assert owner.api.get(f"/api/v1/clients/{client['id']}").json_body["hourly_rate"] == 15000
    assert [e["action"] for e in audit_entries(owner, client["id"])] == ["created"]


def test_admin_can_update_a_client(owner, admin):
    # GIVEN a client created by the owner
    client = create_client(owner)
    # WHEN an admin renames it
    response = admin.api.put(f"/api/v1/clients/{client['id']}", json={"name": "Acme Europe"})
    # THEN the change is applied
    assert response.status_code == 200
    assert response.json_body["name"] == "Acme Europe"


def test_member_cannot_update_a_client(owner, member):
    # GIVEN a client
    client = create_client(owner, name="Acme")
    # WHEN a member tries to rename it
    response = member.api.put(f"/api/v1/clients/{client['id']}", json={"name": "Mine now"})
    # THEN it is forbidden and the name is unchanged
    error(response, 403, "forbidden")
    assert owner.api.get(f"/api/v1/clients/{client['id']}").json_body["name"] == "Acme"


# --- delete --------------------------------------------------------------------------------------------------


def test_delete_removes_the_client(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner deletes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN it is gone
    assert response.status_code == 204
    error(owner.api.get(f"/api/v1/clients/{client['id']}"), 404, "not_found")


def test_delete_records_an_audit_entry(owner):
    # GIVEN a client
    client = create_client(owner, name="Acme")
    # WHEN the owner deletes it
    owner.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN the newest audit entry about it is the deletion
    latest = audit_entries(owner, client["id"])[0]
    assert (latest["action"], latest["changes"]) == ("deleted", {"name": {"from": "Acme", "to": None}})


def test_deleting_a_client_removes_its_contacts_and_activities(owner):
    # GIVEN a client with a contact and an activity, and another client with a contact
    client, other = create_client(owner), create_client(owner, name="Globex")
    add_contact(owner, client["id"])
    log_activity(owner, client["id"])
    kept = add_contact(owner, other["id"])
    # WHEN the owner deletes the first client and the background jobs have run
    owner.api.delete(f"/api/v1/clients/{client['id']}")
    factories.drain_jobs()
    # THEN none of its contacts or activities remain, and the other client's contact does
    pk = f"ORG#{owner.org_id}"
    assert list(ClientContact.query(pk, ClientContact.SK.startswith(ClientContact.prefix(client["id"])))) == []
    assert list(ClientActivity.query(pk, ClientActivity.SK.startswith(ClientActivity.prefix(client["id"])))) == []
    assert owner.api.get(f"/api/v1/clients/{other['id']}/contacts").json_body["data"][0]["id"] == kept["id"]


def test_deleting_a_client_in_use_is_409_and_suggests_archiving(owner):
    # GIVEN a client that a project (or invoice) refers to
    client = create_client(owner)
    _reference(owner, client["id"])
    # WHEN the owner deletes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN it is a conflict that says to archive instead, and the client is still there
    body = error(response, 409, "conflict")
    assert "archive" in body["message"].lower()
    assert owner.api.get(f"/api/v1/clients/{client['id']}").status_code == 200


def test_a_client_can_be_deleted_once_its_last_reference_is_gone(owner):
    # GIVEN a client that was referred to twice, and both references were removed
    client = create_client(owner)
    _reference(owner, client["id"])
    _reference(owner, client["id"])
    _unreference(owner, client["id"])
    _unreference(owner, client["id"])
    # WHEN the owner deletes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN it is deleted
    assert response.status_code == 204


def test_a_client_with_one_reference_left_cannot_be_deleted(owner):
    # GIVEN a client referred to twice with only one reference removed
    client = create_client(owner)
    _reference(owner, client["id"])
    _reference(owner, client["id"])
    _unreference(owner, client["id"])
    # WHEN the owner deletes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN it is still in use
    error(response, 409, "conflict")


def test_referring_to_a_deleted_client_cancels_the_referring_transaction(owner):
    # GIVEN a client that has been deleted
    client = create_client(owner)
    owner.api.delete(f"/api/v1/clients/{client['id']}")
    # WHEN another domain tries to add a reference to it in its transaction
    with pytest.raises(TransactionCancelled):
        _reference(owner, client["id"])
    # THEN the transaction is cancelled and the client does not come back
    error(owner.api.get(f"/api/v1/clients/{client['id']}"), 404, "not_found")


def test_member_cannot_delete_a_client(owner, member):
    # GIVEN a client
    client = create_client(owner)
    # WHEN a member tries to delete it
    response = member.api.delete(f"/api/v1/clients/{client['id']}")
    # THEN it is forbidden and the client is still there
    error(response, 403, "forbidden")
    assert owner.api.get(f"/api/v1/clients/{client['id']}").status_code == 200
