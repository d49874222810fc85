"""Payments: partial payments add up, the invoice is paid exactly when covered, never overpaid, even in parallel."""

import pytest

from chalicelib.core.events import Event
from tests.api.invoices.helpers import (
    at_once,
    audit_actions,
    create_invoice,
    error,
    field_error,
    invoice,
    pay,
    sent_invoice,
)

FUTURE = {"issue_date": "2026-04-01", "due_date": "2099-12-31"}


def _events(account, event_type: str) -> list[Event]:
    """The outbox events of one type written in the account's org."""
    events = Event.query(f"ORG#{account.org_id}", Event.SK.startswith("EVENT#"))
    return [event for event in events if event.type == event_type]


def test_partial_payments_add_up_and_the_last_one_makes_it_paid(owner, client_id):
    # GIVEN a sent invoice of 100.00, due in the future
    sent = sent_invoice(owner, client_id, unit_price=10000, **FUTURE)
    # WHEN 40.00 is paid
    first = pay(owner, sent["id"], 4000, method="cash", paid_at="2026-05-01")
    # THEN the payment is recorded and the invoice is still sent with 60.00 due
    assert first.status_code == 201, first.json_body
    assert first.json_body["id"].startswith("pay_")
    assert (first.json_body["amount"], first.json_body["currency"], first.json_body["method"]) == (4000, "EUR", "cash")
    assert first.json_body["paid_at"] == "2026-05-01T00:00:00Z"
    body = invoice(owner, sent["id"])
    assert (body["status"], body["amount_paid"], body["balance_due"]) == ("sent", 4000, 6000)
    assert _events(owner, "invoice_paid") == []
    # WHEN the remaining 60.00 is paid by bank transfer
    last = pay(owner, sent["id"], 6000, method="bank_transfer", paid_at="2026-05-10T12:00:00Z")
    # THEN it is paid then, by that method, and one invoice_paid event was written with it
    assert last.status_code == 201, last.json_body
    body = invoice(owner, sent["id"])
    assert (body["status"], body["amount_paid"], body["balance_due"]) == ("paid", 10000, 0)
    assert (body["paid_at"], body["payment_method"]) == ("2026-05-10T12:00:00Z", "bank_transfer")
    (event,) = _events(owner, "invoice_paid")
    assert event.data["invoice_id"] == sent["id"] and event.recipients == [owner.user_id]
    assert audit_actions(owner, sent["id"])[0] == "paid"
    assert audit_actions(owner, last.json_body["id"]) == ["created"]


def test_overpaying_is_a_400_naming_the_amount_and_records_nothing(owner, client_id):
    sent = sent_invoice(owner, client_id, unit_price=10000, **FUTURE)
    pay(owner, sent["id"], 7000)
    response = pay(owner, sent["id"], 3001)
    field_error(response, "amount")
    assert "3000" in response.json_body["error"]["message"]
    assert invoice(owner, sent["id"])["amount_paid"] == 7000
    assert len(owner.api.get(f"/api/v1/payments?invoice_id={sent['id']}").json_body["data"]) == 1


def test_a_paid_invoice_takes_no_more_money(owner, client_id):
    sent = sent_invoice(owner, client_id, unit_price=5000, **FUTURE)
    assert pay(owner, sent["id"], 5000).status_code == 201
    field_error(pay(owner, sent["id"], 1), "amount")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 15.5}, "amount"),
        ({"amount": 1500.0}, "amount"),
        ({"amount": "1500"}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({}, "amount"),
        ({"amount": 100, "method": "bitcoin"}, "method"),
        ({"amount": 100, "paid_at": "last week"}, "paid_at"),
        ({"amount": 100, "invoice_id": None}, "invoice_id"),
        ({"amount": 100, "invoice_id": "inv_01JD0000000000000000000000"}, "invoice_id"),
        ({"amount": 100, "currency": "USD"}, "currency"),
    ],
)
def test_bad_payment_input_is_a_400_naming_the_field_and_records_nothing(owner, client_id, body, field):
    sent = sent_invoice(owner, client_id, **FUTURE)
    response = owner.api.post("/api/v1/payments", json={"invoice_id": sent["id"], **body})
    field_error(response, field)
    assert owner.api.get("/api/v1/payments").json_body["data"] == []
    assert invoice(owner, sent["id"])["amount_paid"] == 0


def test_another_orgs_invoice_cannot_be_paid(owner, outsider, client_id):
    sent = sent_invoice(owner, client_id, **FUTURE)
    field_error(pay(outsider, sent["id"], 100), "invoice_id")
    assert invoice(owner, sent["id"])["amount_paid"] == 0


def test_drafts_and_void_invoices_take_no_payments(owner, client_id):
    draft = create_invoice(owner, client_id)
    error(pay(owner, draft["id"], 100), 409, "conflict")
    voided = sent_invoice(owner, client_id, **FUTURE)
    assert owner.api.post(f"/api/v1/invoices/{voided['id']}/void").status_code == 200
    error(pay(owner, voided["id"], 100), 409, "conflict")


def test_an_invoice_with_payments_cannot_be_voided(owner, client_id):
    sent = sent_invoice(owner, client_id, **FUTURE)
    pay(owner, sent["id"], 100)
    error(owner.api.post(f"/api/v1/invoices/{sent['id']}/void"), 409, "conflict")
    assert invoice(owner, sent["id"])["status"] == "sent"


def test_parallel_payments_can_never_overpay(owner, admin, client_id):
    # GIVEN a sent invoice of 90.00
    sent = sent_invoice(owner, client_id, unit_price=9000, **FUTURE)
    # WHEN five payments of 30.00 arrive at the same moment
    responses = at_once(
        *[(lambda account=account: pay(account, sent["id"], 3000)) for account in [owner, admin] * 2 + [owner]]
    )
    # THEN exactly three were taken, the other two are 400s about the amount
    codes = sorted(response.status_code for response in responses)
    assert codes == [201, 201, 201, 400, 400], [r.json_body for r in responses]
    # AND the invoice is paid exactly once, with one event
    body = invoice(owner, sent["id"])
    assert (body["status"], body["amount_paid"]) == ("paid", 9000)
    assert len(owner.api.get(f"/api/v1/payments?invoice_id={sent['id']}").json_body["data"]) == 3
    assert len(_events(owner, "invoice_paid")) == 1


def test_mark_paid_records_the_balance_as_a_payment(owner, client_id):
    # GIVEN a sent invoice of 120.00 with 20.00 already paid
    sent = sent_invoice(owner, client_id, unit_price=12000, **FUTURE)
    pay(owner, sent["id"], 2000)
    # WHEN it is marked paid by bank transfer (the documented call)
    response = owner.api.post(f"/api/v1/invoices/{sent['id']}/mark-paid", json={"payment_method": "bank_transfer"})
    # THEN it is paid, now, by bank transfer, and a 100.00 payment covers the rest
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert (body["status"], body["amount_paid"], body["payment_method"]) == ("paid", 12000, "bank_transfer")
    assert body["paid_at"] and len(body["line_items"]) == 1
    payments = owner.api.get(f"/api/v1/payments?invoice_id={sent['id']}").json_body["data"]
    assert sorted(payment["amount"] for payment in payments) == [2000, 10000]
    assert len(_events(owner, "invoice_paid")) == 1
    # AND marking it again is a 409
    error(owner.api.post(f"/api/v1/invoices/{sent['id']}/mark-paid", json={}), 409, "conflict")


def test_mark_paid_takes_the_given_date(owner, client_id):
    sent = sent_invoice(owner, client_id, **FUTURE)
    response = owner.api.post(f"/api/v1/invoices/{sent['id']}/mark-paid", json={"paid_at": "2026-04-15"})
    assert response.json_body["paid_at"] == "2026-04-15T00:00:00Z" and response.json_body["payment_method"] is None


@pytest.mark.parametrize("body", [{"payment_method": "cheque"}, {"paid_at": 12}, {"amount": 5}])
def test_bad_mark_paid_input_is_a_400(owner, client_id, body):
    sent = sent_invoice(owner, client_id, **FUTURE)
    assert owner.api.post(f"/api/v1/invoices/{sent['id']}/mark-paid", json=body).status_code == 400
    assert invoice(owner, sent["id"])["status"] == "sent"


def test_a_draft_cannot_be_marked_paid(owner, client_id):
    draft = create_invoice(owner, client_id)
    error(owner.api.post(f"/api/v1/invoices/{draft['id']}/mark-paid", json={}), 409, "conflict")


def test_lowering_or_deleting_a_payment_makes_the_invoice_due_again(owner, client_id):
    # GIVEN a paid invoice, due in the future, and an overdue-dated one that was paid
    sent = sent_invoice(owner, client_id, unit_price=10000, **FUTURE)
    payment = pay(owner, sent["id"], 10000, method="cash").json_body
    # WHEN the payment is lowered to 80.00
    lowered = owner.api.put(f"/api/v1/payments/{payment['id']}", json={"amount": 8000, "notes": "partial refund"})
    # THEN the invoice is sent again with 20.00 due
    assert lowered.status_code == 200, lowered.json_body
    assert (lowered.json_body["amount"], lowered.json_body["notes"]) == (8000, "partial refund")
    body = invoice(owner, sent["id"])
    assert (body["status"], body["balance_due"], body["paid_at"]) == ("sent", 2000, None)
    # WHEN it is raised past the total
    field_error(owner.api.put(f"/api/v1/payments/{payment['id']}", json={"amount": 10001}), "amount")
    # WHEN it is deleted
    assert owner.api.delete(f"/api/v1/payments/{payment['id']}").status_code == 204
    # THEN nothing is paid and the payment is gone
    assert invoice(owner, sent["id"])["amount_paid"] == 0
    error(owner.api.get(f"/api/v1/payments/{payment['id']}"), 404, "not_found")
    assert audit_actions(owner, payment["id"]) == ["deleted", "updated", "created"]


def test_an_unpaid_again_invoice_past_its_due_date_is_overdue(owner, client_id):
    sent = sent_invoice(owner, client_id, issue_date="2026-01-01", due_date="2026-01-31")
    payment = pay(owner, sent["id"], sent["total"]).json_body
    assert owner.api.delete(f"/api/v1/payments/{payment['id']}").status_code == 204
    assert invoice(owner, sent["id"])["status"] == "overdue"


def test_payment_notes_and_method_change_without_touching_the_invoice(owner, client_id):
    sent = sent_invoice(owner, client_id, **FUTURE)
    payment = pay(owner, sent["id"], 100, method="cash").json_body
    response = owner.api.put(f"/api/v1/payments/{payment['id']}", json={"notes": "Wire ref #12345", "method": None})
    assert response.status_code == 200 and (response.json_body["notes"], response.json_body["method"]) == (
        "Wire ref #12345",
        None,
    )
    field_error(owner.api.put(f"/api/v1/payments/{payment['id']}", json={"amount": None}), "amount")
    assert invoice(owner, sent["id"])["amount_paid"] == 100


def test_payments_list_filters_by_invoice_client_and_date_newest_first(owner, client_id):
    from tests.api.invoices.helpers import create_client

    other_client = create_client(owner, name="Other Inc", email="o@other.example")["id"]
    first = sent_invoice(owner, client_id, unit_price=10000, **FUTURE)
    second = sent_invoice(owner, other_client, unit_price=10000, **FUTURE)
    early = pay(owner, first["id"], 100, paid_at="2026-05-01").json_body
    late = pay(owner, first["id"], 200, paid_at="2026-05-20T10:00:00Z").json_body
    other = pay(owner, second["id"], 300, paid_at="2026-05-10").json_body

    def ids(query: str) -> list[str]:
        response = owner.api.get(f"/api/v1/payments{query}")
        assert response.status_code == 200, response.json_body
        return [item["id"] for item in response.json_body["data"]]

    assert ids("") == [late["id"], other["id"], early["id"]]
    assert ids(f"?invoice_id={first['id']}") == [late["id"], early["id"]]
    assert ids(f"?client_id={other_client}") == [other["id"]]
    assert ids("?from=2026-05-10&to=2026-05-20") == [late["id"], other["id"]]
    assert ids("?to=2026-05-01") == [early["id"]]
    assert ids("?per_page=1&page=2") == [other["id"]]
    assert owner.api.get("/api/v1/payments?from=2026-05-02&to=2026-05-01").status_code == 400


def test_members_cannot_see_or_record_payments(owner, member, client_id):
    sent = sent_invoice(owner, client_id, **FUTURE)
    error(member.api.get("/api/v1/payments"), 403, "forbidden")
    error(pay(member, sent["id"], 100), 403, "forbidden")
    assert invoice(owner, sent["id"])["amount_paid"] == 0
