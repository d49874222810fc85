"""Who may call the invoice and payment routes: no token → 401, another org's ids → 404, members → 403."""

import pytest

from tests.api.invoices.helpers import add_line, create_invoice, error, invoice, pay, sent_invoice
from tests.support.factories import drain_jobs, sent_emails

# (method, path, body): `{inv}` a draft with one line `{li}`, `{sent}` a sent invoice paid in part by `{pay}`.
ID_ROUTES = [
    ("GET", "/api/v1/invoices/{inv}", None),
    ("PUT", "/api/v1/invoices/{inv}", {"notes": "Taken over"}),
    ("DELETE", "/api/v1/invoices/{inv}", None),
    ("POST", "/api/v1/invoices/{inv}/line-items", {"description": "x", "quantity": 1, "unit_price": 1}),
    ("PUT", "/api/v1/invoices/{inv}/line-items/{li}", {"quantity": 99}),
    ("DELETE", "/api/v1/invoices/{inv}/line-items/{li}", None),
    ("POST", "/api/v1/invoices/{inv}/generate", {}),
    ("POST", "/api/v1/invoices/{inv}/send", {"to": ["intruder@evil.example"]}),
    ("POST", "/api/v1/invoices/{sent}/mark-paid", {}),
    ("POST", "/api/v1/invoices/{sent}/void", None),
    ("GET", "/api/v1/invoices/{sent}/pdf", None),
    ("GET", "/api/v1/payments/{pay}", None),
    ("PUT", "/api/v1/payments/{pay}", {"amount": 1}),
    ("DELETE", "/api/v1/payments/{pay}", None),
]
ALL_ROUTES = [
    ("GET", "/api/v1/invoices", None),
    ("POST", "/api/v1/invoices", {"client_id": "cli_01JD0000000000000000000000", "due_date": "2099-01-01"}),
    ("GET", "/api/v1/payments", None),
    ("POST", "/api/v1/payments", {"invoice_id": "inv_01JD0000000000000000000000", "amount": 1}),
    *ID_ROUTES,
]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def existing(owner, client_id) -> dict:
    draft = create_invoice(owner, client_id, due_date="2099-01-01")
    line = add_line(owner, draft["id"], quantity=2, unit_price=500)
    sent = sent_invoice(owner, client_id, unit_price=10000, due_date="2099-01-01")
    payment = pay(owner, sent["id"], 2500).json_body
    drain_jobs()
    return {"inv": draft["id"], "li": line["id"], "sent": sent["id"], "pay": payment["id"]}


def _untouched(owner, existing: dict) -> bool:
    draft, sent = invoice(owner, existing["inv"]), invoice(owner, existing["sent"])
    payment = owner.api.get(f"/api/v1/payments/{existing['pay']}").json_body
    return (
        draft["notes"] is None
        and [(line["id"], line["quantity"]) for line in draft["line_items"]] == [(existing["li"], 2)]
        and draft["status"] == "draft"
        and (sent["status"], sent["amount_paid"]) == ("sent", 2500)
        and payment["amount"] == 2500
        and not [message for message in sent_emails() if "evil.example" in message["To"]]
    )


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_every_invoice_and_payment_route_needs_a_token(api, route):
    method, path, body = route
    ids = {"inv": "inv_01JD0000000000000000000000", "sent": "inv_01JD0000000000000000000001"}
    ids |= {"li": "li_01JD0000000000000000000000", "pay": "pay_01JD0000000000000000000000"}
    error(api.request(method, path.format(**ids), json=body), 401, "unauthorized")


@pytest.mark.parametrize("route", ID_ROUTES, ids=_route_id)
def test_another_orgs_ids_are_not_found_and_left_untouched(owner, outsider, existing, route):
    # GIVEN invoices, a line and a payment in the owner's org
    method, path, body = route
    # WHEN the owner of another org uses their ids
    response = outsider.api.request(method, path.format(**existing), json=body)
    drain_jobs()
    # THEN it is answered as if they did not exist, and nothing changed
    error(response, 404, "not_found")
    assert _untouched(owner, existing)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=_route_id)
def test_members_are_forbidden_every_invoice_and_payment_route(owner, member, existing, route):
    method, path, body = route
    response = member.api.request(method, path.format(**existing), json=body)
    drain_jobs()
    error(response, 403, "forbidden")
    assert _untouched(owner, existing)


def test_malformed_ids_are_not_found(owner):
    for path in ("/api/v1/invoices/42", "/api/v1/invoices/inv_x/pdf", "/api/v1/payments/pay_%20"):
        error(owner.api.get(path), 404, "not_found")
