"""Invoice CRUD: drafts with numbers, list filters and paging, only drafts change, bad input writes nothing."""

import pytest

from tests.api.invoices.helpers import (
    add_line,
    audit_actions,
    create_client,
    create_invoice,
    error,
    field_error,
    invoice,
    project,
    sent_invoice,
)


def test_a_new_invoice_is_a_numbered_empty_draft_in_the_clients_currency(owner, client_id):
    # GIVEN a client billed in EUR
    # WHEN the owner creates an invoice for it with a tax rate and notes
    response = owner.api.post(
        "/api/v1/invoices",
        json={
            "client_id": client_id,
            "issue_date": "2026-04-01",
            "due_date": "2026-04-30",
            "tax_rate": 21,
            "notes": "Thanks!",
        },
    )
    # THEN it is a draft numbered for its issue year, in EUR, with zero totals and no lines
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["id"].startswith("inv_")
    assert body["status"] == "draft"
    assert body["number"] == "INV-2026-0001" and body["issue_date"] == "2026-04-01"
    assert (body["currency"], body["tax_rate"], body["discount"], body["notes"]) == ("EUR", 21, 0, "Thanks!")
    assert (body["subtotal"], body["tax_amount"], body["total"], body["balance_due"]) == (0, 0, 0, 0)
    assert body["line_items"] == [] and body["sent_at"] is None and body["paid_at"] is None
    assert invoice(owner, body["id"])["number"] == body["number"]
    assert audit_actions(owner, body["id"]) == ["created"]


def test_numbers_follow_each_other_per_issue_year(owner, client_id):
    # GIVEN two invoices issued in 2026 and one in 2027
    first = create_invoice(owner, client_id, issue_date="2026-01-05", due_date="2026-02-05")
    second = create_invoice(owner, client_id, issue_date="2026-03-01", due_date="2026-03-31")
    next_year = create_invoice(owner, client_id, issue_date="2027-01-02", due_date="2027-02-01")
    # THEN each year counts from 1 without gaps
    assert [first["number"], second["number"], next_year["number"]] == [
        "INV-2026-0001",
        "INV-2026-0002",
        "INV-2027-0001",
    ]


def test_currency_defaults_to_the_orgs_when_the_client_has_none(owner):
    # GIVEN a client without a currency
    client = create_client(owner, name="Plain Ltd")
    # WHEN an invoice is created without one
    created = create_invoice(owner, client["id"])
    # THEN the org's currency is used
    assert created["currency"] == "USD"


def test_an_explicit_currency_wins(owner, client_id):
    assert create_invoice(owner, client_id, currency="GBP")["currency"] == "GBP"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_date": "2026-04-30"}, "client_id"),
        ({"client_id": "cli_01JD0000000000000000000000", "due_date": "2026-04-30"}, "client_id"),
        ({"client_id": "{cli}"}, "due_date"),
        ({"client_id": "{cli}", "due_date": "30/04/2026"}, "due_date"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "tax_rate": 101}, "tax_rate"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "tax_rate": -1}, "tax_rate"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "tax_rate": "abc"}, "tax_rate"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "tax_rate": 8.8755}, "tax_rate"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "currency": "XXX"}, "currency"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "status": "paid"}, "status"),
        ({"client_id": "{cli}", "issue_date": "2026-04-01", "due_date": "2026-04-30", "total": 100}, "total"),
        (
            {
                "client_id": "{cli}",
                "issue_date": "2026-04-01",
                "due_date": "2026-04-30",
                "project_id": "prj_01JD0000000000000000000000",
            },
            "project_id",
        ),
        ({"client_id": "{cli}", "due_date": "2026-03-01", "issue_date": "2026-04-01"}, "due_date"),
    ],
)
def test_bad_invoice_input_is_a_400_naming_the_field_and_creates_nothing(owner, client_id, body, field):
    # GIVEN a request with one bad field
    body = {key: (value.format(cli=client_id) if isinstance(value, str) else value) for key, value in body.items()}
    # WHEN it is sent
    response = owner.api.post("/api/v1/invoices", json=body)
    # THEN it is refused naming the field, and no invoice exists
    field_error(response, field)
    assert owner.api.get("/api/v1/invoices").json_body["data"] == []


def test_a_project_of_another_client_is_refused(owner, client_id):
    # GIVEN a project of another client
    other = create_client(owner, name="Other Inc")
    foreign_project = project(owner, other["id"])
    # WHEN an invoice for the first client names it
    response = owner.api.post(
        "/api/v1/invoices", json={"client_id": client_id, "project_id": foreign_project, "due_date": "2026-04-30"}
    )
    # THEN it is a 400 about project_id
    field_error(response, "project_id")


def test_another_orgs_client_cannot_be_invoiced(owner, outsider):
    foreign = create_client(outsider, name="Outsider's client")
    response = owner.api.post("/api/v1/invoices", json={"client_id": foreign["id"], "due_date": "2099-04-30"})
    field_error(response, "client_id")


def test_update_changes_a_draft_and_recomputes_its_totals(owner, client_id):
    # GIVEN a draft with one 1000.00 line
    created = create_invoice(owner, client_id)
    add_line(owner, created["id"], quantity=10, unit_price=10000)
    # WHEN the discount and tax rate are set (the documented example)
    response = owner.api.put(
        f"/api/v1/invoices/{created['id']}",
        json={"notes": "Payment due within 30 days", "discount": 10, "tax_rate": 21, "due_date": "2026-05-15"},
    )
    # THEN 100000 − 10% = 90000, + 21% = 108900
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert (body["subtotal"], body["discount_amount"], body["tax_amount"], body["total"]) == (
        100000,
        10000,
        18900,
        108900,
    )
    assert (body["notes"], body["due_date"], body["discount"]) == ("Payment due within 30 days", "2026-05-15", 10)
    assert len(body["line_items"]) == 1
    assert audit_actions(owner, created["id"])[0] == "updated"


def test_totals_from_the_client_are_refused_on_update(owner, client_id):
    created = create_invoice(owner, client_id)
    response = owner.api.put(f"/api/v1/invoices/{created['id']}", json={"total": 1})
    field_error(response, "total")
    assert invoice(owner, created["id"])["total"] == 0


def test_null_due_date_is_refused_and_null_notes_clear(owner, client_id):
    created = create_invoice(owner, client_id, notes="old")
    field_error(owner.api.put(f"/api/v1/invoices/{created['id']}", json={"due_date": None}), "due_date")
    cleared = owner.api.put(f"/api/v1/invoices/{created['id']}", json={"notes": None})
    assert cleared.status_code == 200 and cleared.json_body["notes"] is None


def test_a_sent_invoice_cannot_be_edited_or_deleted(owner, client_id):
    # GIVEN a sent invoice
    sent = sent_invoice(owner, client_id)
    # WHEN it is edited or deleted
    edited = owner.api.put(f"/api/v1/invoices/{sent['id']}", json={"notes": "changed"})
    deleted = owner.api.delete(f"/api/v1/invoices/{sent['id']}")
    # THEN both are 409 and it is unchanged
    assert error(edited, 409, "conflict")["message"] == "Only draft invoices can be edited."
    assert error(deleted, 409, "conflict")["message"] == "Only draft invoices can be deleted."
    assert invoice(owner, sent["id"])["notes"] is None


def test_deleting_a_draft_removes_it(owner, client_id):
    created = create_invoice(owner, client_id)
    add_line(owner, created["id"])
    assert owner.api.delete(f"/api/v1/invoices/{created['id']}").status_code == 204
    error(owner.api.get(f"/api/v1/invoices/{created['id']}"), 404, "not_found")
    assert audit_actions(owner, created["id"])[0] == "deleted"


def test_a_client_with_invoices_cannot_be_deleted_until_they_are(owner, client_id):
    # GIVEN a client with a draft invoice
    created = create_invoice(owner, client_id)
    # WHEN the client is deleted
    refused = owner.api.delete(f"/api/v1/clients/{client_id}")
    # THEN it is a 409, and once the draft is gone the client can be deleted
    error(refused, 409, "conflict")
    assert owner.api.delete(f"/api/v1/invoices/{created['id']}").status_code == 204
    assert owner.api.delete(f"/api/v1/clients/{client_id}").status_code == 204


def test_list_filters_by_status_client_and_issue_date_newest_first(owner, client_id):
    # GIVEN invoices of two clients on several dates, one of them sent
    other = create_client(owner, name="Other Inc")["id"]
    march = create_invoice(owner, client_id, issue_date="2026-03-10", due_date="2026-04-10")
    april = sent_invoice(owner, client_id, issue_date="2026-04-02", due_date="2026-05-02")
    others = create_invoice(owner, other, issue_date="2026-04-20", due_date="2026-05-20")

    def ids(query: str) -> list[str]:
        response = owner.api.get(f"/api/v1/invoices{query}")
        assert response.status_code == 200, response.json_body
        return [item["id"] for item in response.json_body["data"]]

    # THEN each filter narrows the list, newest issue date first
    assert ids("") == [others["id"], april["id"], march["id"]]
    assert ids("?status=sent") == [april["id"]]
    assert ids("?status=draft") == [others["id"], march["id"]]
    assert ids(f"?client_id={client_id}") == [april["id"], march["id"]]
    assert ids(f"?client_id={client_id}&status=draft") == [march["id"]]
    assert ids("?from=2026-04-01&to=2026-04-20") == [others["id"], april["id"]]
    assert ids("?to=2026-03-10") == [march["id"]]


def test_list_pages_with_page_numbers_and_cursors(owner, client_id):
    created = [create_invoice(owner, client_id, issue_date=f"2026-04-0{day}")["id"] for day in range(1, 6)]
    first = owner.api.get("/api/v1/invoices?per_page=2").json_body
    assert [item["id"] for item in first["data"]] == created[::-1][:2]
    assert first["has_more"] is True and first["per_page"] == 2 and first["page"] == 1
    second = owner.api.get(f"/api/v1/invoices?per_page=2&cursor={first['next_cursor']}").json_body
    assert [item["id"] for item in second["data"]] == created[::-1][2:4]
    third = owner.api.get("/api/v1/invoices?per_page=2&page=3").json_body
    assert [item["id"] for item in third["data"]] == created[:1] and third["has_more"] is False


@pytest.mark.parametrize(
    "query", ["?status=unpaid", "?from=yesterday", "?per_page=101", "?from=2026-05-01&to=2026-04-01"]
)
def test_bad_list_filters_are_a_400(owner, query):
    assert owner.api.get(f"/api/v1/invoices{query}").status_code == 400


def test_invoices_list_is_admin_only(member, client_id):
    error(member.api.get("/api/v1/invoices"), 403, "forbidden")
