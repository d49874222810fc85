"""Line items: decimal quantities × integer-cent prices, totals recomputed by the server on every change."""

import pytest

from tests.api.invoices.helpers import (
    add_line,
    at_once,
    audit_actions,
    create_invoice,
    error,
    field_error,
    invoice,
    sent_invoice,
)


def test_the_documented_line_item_makes_the_totals(owner, client_id):
    # GIVEN a draft with 21% tax
    created = create_invoice(owner, client_id, tax_rate=21)
    # WHEN the documented line is added: 10.5 h of frontend work at 150.00
    line = add_line(owner, created["id"], description="Frontend development", quantity=10.5, unit_price=15000)
    # THEN the line is 1575.00 and the invoice 1575.00 + 21% = 1905.75
    assert line["id"].startswith("li_")
    assert (line["quantity"], line["unit_price"], line["amount"]) == (10.5, 15000, 157500)
    body = invoice(owner, created["id"])
    assert (body["subtotal"], body["tax_amount"], body["total"], body["balance_due"]) == (157500, 33075, 190575, 190575)
    assert [item["id"] for item in body["line_items"]] == [line["id"]]


def test_quantities_may_be_decimal_text_and_amounts_round_half_up(owner, client_id):
    # GIVEN a draft
    created = create_invoice(owner, client_id)
    # WHEN lines of 0.3333 × 9999 (= 3332.6667) and "2.5" × 1 (= 2.5) are added
    first = add_line(owner, created["id"], quantity="0.3333", unit_price=9999)
    second = add_line(owner, created["id"], quantity="2.5", unit_price=1)
    # THEN each line rounds half-up to the cent, and the subtotal is their sum
    assert (first["amount"], second["amount"]) == (3333, 3)
    assert invoice(owner, created["id"])["subtotal"] == 3336


def test_discount_applies_before_tax_with_half_up_rounding_at_each_step(owner, client_id):
    # GIVEN a draft with 12.5% discount and 8.875% tax
    created = create_invoice(owner, client_id, discount=12.5, tax_rate="8.875")
    # WHEN lines worth 333.33 and 0.01 are added
    add_line(owner, created["id"], quantity=3, unit_price=11111)
    add_line(owner, created["id"], quantity=1, unit_price=1)
    # THEN subtotal 33334; discount 4166.75 → 4167; taxable 29167; tax 2588.57... → 2589; total 31756
    body = invoice(owner, created["id"])
    assert (body["subtotal"], body["discount_amount"], body["tax_amount"], body["total"]) == (33334, 4167, 2589, 31756)
    assert (body["discount"], body["tax_rate"]) == (12.5, 8.875)


def test_updating_and_removing_lines_recompute_the_totals(owner, client_id):
    # GIVEN a draft with two lines
    created = create_invoice(owner, client_id, tax_rate=10)
    first = add_line(owner, created["id"], quantity=2, unit_price=5000)
    second = add_line(owner, created["id"], quantity=1, unit_price=2500)
    # WHEN the first line's quantity becomes 12 (the documented update)
    response = owner.api.put(f"/api/v1/invoices/{created['id']}/line-items/{first['id']}", json={"quantity": 12})
    # THEN the line and the invoice follow
    assert response.status_code == 200, response.json_body
    assert response.json_body["amount"] == 60000
    assert invoice(owner, created["id"])["total"] == (60000 + 2500) * 110 // 100
    # WHEN the second line is removed
    assert owner.api.delete(f"/api/v1/invoices/{created['id']}/line-items/{second['id']}").status_code == 204
    # THEN only the first remains in the totals
    body = invoice(owner, created["id"])
    assert [item["id"] for item in body["line_items"]] == [first["id"]]
    assert (body["subtotal"], body["total"]) == (60000, 66000)
    assert audit_actions(owner, second["id"]) == ["deleted", "created"]


def test_lines_keep_the_order_they_were_added_in(owner, client_id):
    created = create_invoice(owner, client_id)
    added = [add_line(owner, created["id"], description=f"Line {n}")["id"] for n in range(6)]
    assert [item["id"] for item in invoice(owner, created["id"])["line_items"]] == added


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 1, "unit_price": 100}, "description"),
        ({"description": "x", "unit_price": 100}, "quantity"),
        ({"description": "x", "quantity": 1}, "unit_price"),
        ({"description": "x", "quantity": 1, "unit_price": 150.5}, "unit_price"),
        ({"description": "x", "quantity": 1, "unit_price": 100.0}, "unit_price"),
        ({"description": "x", "quantity": 1, "unit_price": "100"}, "unit_price"),
        ({"description": "x", "quantity": 1, "unit_price": -1}, "unit_price"),
        ({"description": "x", "quantity": 0, "unit_price": 100}, "quantity"),
        ({"description": "x", "quantity": "ten", "unit_price": 100}, "quantity"),
        ({"description": "x", "quantity": "1.00001", "unit_price": 100}, "quantity"),
        ({"description": "x", "quantity": True, "unit_price": 100}, "quantity"),
        ({"description": "x", "quantity": 1, "unit_price": 100, "amount": 5}, "amount"),
        ({"description": "x", "quantity": 1, "unit_price": 100, "time_entry_ids": ["te_nope"]}, "time_entry_ids"),
    ],
)
def test_bad_line_input_is_a_400_naming_the_field_and_changes_nothing(owner, client_id, body, field):
    # GIVEN a draft
    created = create_invoice(owner, client_id)
    # WHEN a bad line is posted
    response = owner.api.post(f"/api/v1/invoices/{created['id']}/line-items", json=body)
    # THEN it is refused naming the field, and the invoice is unchanged
    field_error(response, field)
    body = invoice(owner, created["id"])
    assert body["line_items"] == [] and body["total"] == 0


@pytest.mark.parametrize("body", [{"quantity": None}, {"unit_price": 1.5}, {"description": ""}, {"quantity": -2}])
def test_bad_line_updates_are_a_400_and_change_nothing(owner, client_id, body):
    created = create_invoice(owner, client_id)
    line = add_line(owner, created["id"], quantity=2, unit_price=100)
    response = owner.api.put(f"/api/v1/invoices/{created['id']}/line-items/{line['id']}", json=body)
    field_error(response, next(iter(body)))
    assert invoice(owner, created["id"])["line_items"][0]["quantity"] == 2


def test_lines_of_a_sent_invoice_cannot_change(owner, client_id):
    # GIVEN a sent invoice
    sent = sent_invoice(owner, client_id)
    line_id = sent["line_items"][0]["id"]
    # WHEN a line is added, changed or removed
    added = owner.api.post(
        f"/api/v1/invoices/{sent['id']}/line-items", json={"description": "x", "quantity": 1, "unit_price": 1}
    )
    changed = owner.api.put(f"/api/v1/invoices/{sent['id']}/line-items/{line_id}", json={"quantity": 5})
    removed = owner.api.delete(f"/api/v1/invoices/{sent['id']}/line-items/{line_id}")
    # THEN each is a 409 and the invoice is as it was sent
    for response in (added, changed, removed):
        error(response, 409, "conflict")
    assert invoice(owner, sent["id"])["total"] == sent["total"]


def test_an_unknown_line_is_404(owner, client_id):
    created = create_invoice(owner, client_id)
    response = owner.api.put(f"/api/v1/invoices/{created['id']}/line-items/li_01JD0000000000000000000000", json={})
    error(response, 404, "not_found")


def test_lines_added_at_the_same_moment_are_all_counted(owner, admin, client_id):
    # GIVEN a draft
    created = create_invoice(owner, client_id)
    body = {"description": "Support", "quantity": "1.5", "unit_price": 1000}
    # WHEN four lines are added at once by two admins (same body: the in-process client shares one request object)
    responses = at_once(
        *[
            (lambda account=account: account.api.post(f"/api/v1/invoices/{created['id']}/line-items", json=body))
            for account in (owner, admin, owner, admin)
        ]
    )
    # THEN every line was added and the subtotal counts each exactly once
    assert [response.status_code for response in responses] == [201] * 4, [r.json_body for r in responses]
    result = invoice(owner, created["id"])
    assert len(result["line_items"]) == 4 and result["subtotal"] == 4 * 1500
