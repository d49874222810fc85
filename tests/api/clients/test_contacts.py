"""Client contacts: list, add, update and remove (TRCR "Client Contacts")."""

from tests.api.clients.helpers import add_contact, audit_entries, create_client, error, field_error, ids


def _contacts(account, client_id: str, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/clients/{client_id}/contacts{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


# --- list ----------------------------------------------------------------------------------------------------


def test_list_returns_the_clients_contacts_oldest_first(owner):
    # GIVEN a client with two contacts
    client = create_client(owner)
    first = add_contact(owner, client["id"], name="John Smith")
    second = add_contact(owner, client["id"], name="Jane Roe")
    # WHEN the owner lists its contacts
    contacts = _contacts(owner, client["id"])
    # THEN both are there in the order they were added
    assert ids(contacts) == [first["id"], second["id"]]


def test_list_shows_only_that_clients_contacts(owner):
    # GIVEN two clients, each with a contact
    acme, globex = create_client(owner, name="Acme"), create_client(owner, name="Globex")
    add_contact(owner, acme["id"], name="At Acme")
    at_globex = add_contact(owner, globex["id"], name="At Globex")
    # WHEN the owner lists the second client's contacts
    contacts = _contacts(owner, globex["id"])
    # THEN only its own contact is there
    assert ids(contacts) == [at_globex["id"]]


def test_contacts_page_with_a_cursor(owner):
    # GIVEN a client with three contacts
    client = create_client(owner)
    added = [add_contact(owner, client["id"], name=f"Person {n}")["id"] for n in range(3)]
    # WHEN the owner reads two, then follows the cursor
    first = owner.api.get(f"/api/v1/clients/{client['id']}/contacts?per_page=2").json_body
    rest = owner.api.get(f"/api/v1/clients/{client['id']}/contacts?per_page=2&cursor={first['next_cursor']}")
    # THEN the pages hold every contact once
    assert first["has_more"] is True
    assert ids(first["data"]) + ids(rest.json_body["data"]) == added


def test_members_can_list_contacts(owner, member):
    # GIVEN a client with a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"])
    # WHEN a member lists the contacts
    contacts = _contacts(member, client["id"])
    # THEN they see it
    assert ids(contacts) == [contact["id"]]


# --- add -----------------------------------------------------------------------------------------------------


def test_add_returns_201_with_the_contact(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner adds the documented example contact
    body = {"name": "John Smith", "email": "john@acme.com", "phone": "+1-555-0123", "role": "CTO"}
    response = owner.api.post(f"/api/v1/clients/{client['id']}/contacts", json=body)
    # THEN it is created under the client with a `cnt_` id
    assert response.status_code == 201
    contact = response.json_body
    assert contact["id"].startswith("cnt_")
    assert contact["client_id"] == client["id"]
    assert {key: contact[key] for key in body} == body


def test_add_records_an_audit_entry(owner):
    # WHEN the owner adds a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"], name="John Smith")
    # THEN the audit log records its creation under the client
    [entry] = audit_entries(owner, contact["id"])
    assert (entry["action"], entry["entity_type"]) == ("created", "client_contact")
    assert entry["changes"]["client_id"] == {"from": None, "to": client["id"]}


def test_add_without_a_name_is_400_and_writes_nothing(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner adds a contact without a name
    response = owner.api.post(f"/api/v1/clients/{client['id']}/contacts", json={"email": "john@acme.com"})
    # THEN it is refused naming `name` and the client has no contacts
    field_error(response, "name")
    assert _contacts(owner, client["id"]) == []


def test_add_with_an_invalid_email_is_400(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner adds a contact with a malformed email
    response = owner.api.post(f"/api/v1/clients/{client['id']}/contacts", json={"name": "John", "email": "john@"})
    # THEN it is refused naming `email`
    field_error(response, "email")


def test_add_to_a_missing_client_is_404(owner):
    # WHEN the owner adds a contact to a client that does not exist
    response = owner.api.post("/api/v1/clients/cli_01JD0000000000000000000000/contacts", json={"name": "John"})
    # THEN the client is not found
    error(response, 404, "not_found")


def test_member_cannot_add_a_contact(owner, member):
    # GIVEN a client
    client = create_client(owner)
    # WHEN a member adds a contact
    response = member.api.post(f"/api/v1/clients/{client['id']}/contacts", json={"name": "John"})
    # THEN it is forbidden and nothing was added
    error(response, 403, "forbidden")
    assert _contacts(owner, client["id"]) == []


# --- update --------------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_sent(owner):
    # GIVEN a contact with a name, email and role
    client = create_client(owner)
    contact = add_contact(owner, client["id"], name="John Smith", email="john@acme.com", role="CTO")
    # WHEN the owner sends only a phone number
    path = f"/api/v1/clients/{client['id']}/contacts/{contact['id']}"
    response = owner.api.put(path, json={"phone": "+1-555-0123"})
    # THEN the phone is set and the rest is unchanged
    assert response.status_code == 200
    updated = response.json_body
    assert (updated["phone"], updated["name"], updated["email"], updated["role"]) == (
        "+1-555-0123",
        "John Smith",
        "john@acme.com",
        "CTO",
    )


def test_update_with_null_clears_an_optional_field(owner):
    # GIVEN a contact with a role
    client = create_client(owner)
    contact = add_contact(owner, client["id"], role="CTO")
    # WHEN the owner sets the role to null
    owner.api.put(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}", json={"role": None})
    # THEN the contact has no role
    assert _contacts(owner, client["id"])[0]["role"] is None


def test_update_records_the_change_in_the_audit_log(owner):
    # GIVEN a contact with the role CTO
    client = create_client(owner)
    contact = add_contact(owner, client["id"], role="CTO")
    # WHEN the owner changes the role
    owner.api.put(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}", json={"role": "CEO"})
    # THEN the newest audit entry about the contact records it
    latest = audit_entries(owner, contact["id"])[0]
    assert (latest["action"], latest["changes"]) == ("updated", {"role": {"from": "CTO", "to": "CEO"}})


def test_update_with_a_null_name_is_400_and_changes_nothing(owner):
    # GIVEN a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"], name="John Smith")
    # WHEN the owner sets its name to null
    response = owner.api.put(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}", json={"name": None})
    # THEN it is refused naming `name` and the name is unchanged
    field_error(response, "name")
    assert _contacts(owner, client["id"])[0]["name"] == "John Smith"


def test_update_with_an_unknown_field_is_400(owner):
    # GIVEN a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"])
    # WHEN the owner tries to move it to another client through the body
    path = f"/api/v1/clients/{client['id']}/contacts/{contact['id']}"
    response = owner.api.put(path, json={"client_id": "cli_01JD0000000000000000000000"})
    # THEN the field is refused
    field_error(response, "client_id")


def test_a_contact_is_not_found_under_another_client(owner):
    # GIVEN a contact of one client and a second client of the same org
    acme, globex = create_client(owner, name="Acme"), create_client(owner, name="Globex")
    contact = add_contact(owner, acme["id"])
    # WHEN the owner updates the contact through the other client's path
    response = owner.api.put(f"/api/v1/clients/{globex['id']}/contacts/{contact['id']}", json={"role": "CEO"})
    # THEN it is not found there
    error(response, 404, "not_found")


def test_member_cannot_update_a_contact(owner, member):
    # GIVEN a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"], role="CTO")
    # WHEN a member changes it
    response = member.api.put(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}", json={"role": "Intern"})
    # THEN it is forbidden and the role is unchanged
    error(response, 403, "forbidden")
    assert _contacts(owner, client["id"])[0]["role"] == "CTO"


# --- remove --------------------------------------------------------------------------------------------------


def test_remove_deletes_the_contact(owner):
    # GIVEN a client with a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"])
    # WHEN the owner removes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}")
    # THEN it is gone from the client's contacts
    assert response.status_code == 204
    assert _contacts(owner, client["id"]) == []


def test_remove_records_an_audit_entry(owner):
    # GIVEN a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"], name="John Smith")
    # WHEN the owner removes it
    owner.api.delete(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}")
    # THEN the newest audit entry about it is the deletion
    assert audit_entries(owner, contact["id"])[0]["action"] == "deleted"


def test_removing_a_removed_contact_is_404(owner):
    # GIVEN a contact that was already removed
    client = create_client(owner)
    contact = add_contact(owner, client["id"])
    owner.api.delete(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}")
    # WHEN the owner removes it again
    response = owner.api.delete(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}")
    # THEN it is not found
    error(response, 404, "not_found")


def test_member_cannot_remove_a_contact(owner, member):
    # GIVEN a contact
    client = create_client(owner)
    contact = add_contact(owner, client["id"])
    # WHEN a member removes it
    response = member.api.delete(f"/api/v1/clients/{client['id']}/contacts/{contact['id']}")
    # THEN it is forbidden and the contact remains
    error(response, 403, "forbidden")
    assert ids(_contacts(owner, client["id"])) == [contact["id"]]
