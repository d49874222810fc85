"""Revenue report: issued invoices (by issue date) vs payments (by payment date) per month, quarter or year."""

import csv
import io

import pytest

from tests.api.invoices.helpers import (
    add_line,
    create_client,
    create_invoice,
    error,
    field_error,
    invoice,
    pay,
    send,
)
from tests.api.invoices.test_overdue import run_schedule
from tests.support import factories

YEAR = "from=2026-01-01&to=2026-12-31"


@pytest.fixture
def owner(api):
    return factories.register(api)


@pytest.fixture
def acme(owner) -> str:
    """A client billed in the org's currency (USD)."""
    return create_client(owner, name="Acme", email="billing@acme.example")["id"]


def _invoice(owner, client_id: str, issue_date: str, *lines: tuple, sent: bool = True, **fields) -> str:
    """An invoice issued on `issue_date` with `(quantity, unit_price)` lines, sent unless told otherwise."""
    created = create_invoice(owner, client_id, issue_date=issue_date, due_date=fields.pop("due_date", "2099-12-31"))
    if fields:
        assert owner.api.put(f"/api/v1/invoices/{created['id']}", json=fields).status_code == 200
    for quantity, unit_price in lines:
        add_line(owner, created["id"], quantity=quantity, unit_price=unit_price)
    if sent:
        send(owner, created["id"])
    return created["id"]


def _paid(owner, invoice_id: str, amount: int, paid_at: str) -> None:
    response = pay(owner, invoice_id, amount, paid_at=paid_at)
    assert response.status_code == 201, response.json_body


def _report(owner, query: str) -> dict:
    response = owner.api.get(f"/api/v1/reports/revenue?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def _by_period(report: dict) -> dict[str, tuple[int, int]]:
    return {row["period"]: (row["invoiced"], row["paid"]) for row in report["periods"]}


@pytest.fixture
def year_of_invoices(app, owner, acme) -> None:
    """A year of invoicing, with what each invoice totals worked out by hand.

    2026-01-15  A: 1 × 1000.00 + 10% tax = 1100.00; paid 500.00 on 02-10 and 600.00 on 04-05
    2026-03-31  B: 2.5 × 80.00 = 200.00, 10% discount = 180.00, 21% tax = 37.80 → 217.80; overdue since 05-01
    2026-05-02  C: a draft of 500.00 (never invoiced)
    2026-06-30  D: 300.00 sent, then voided (withdrawn)
    2025-12-31  E: 300.00, issued before the year; paid on 2026-01-05
    2026-12-31  F: 123.45 on the last day of the year
    """
    a = _invoice(owner, acme, "2026-01-15", (1, 100000), tax_rate=10)
    _paid(owner, a, 50000, "2026-02-10")
    _paid(owner, a, 60000, "2026-04-05T16:30:00Z")
    b = _invoice(owner, acme, "2026-03-31", (2.5, 8000), discount=10, tax_rate=21, due_date="2026-04-30")
    run_schedule(app, "2026-05-01T00:05:00Z")
    assert (invoice(owner, b)["status"], invoice(owner, b)["total"]) == ("overdue", 21780)
    _invoice(owner, acme, "2026-05-02", (1, 50000), sent=False)
    d = _invoice(owner, acme, "2026-06-30", (1, 30000))
    assert owner.api.post(f"/api/v1/invoices/{d}/void").status_code == 200
    e = _invoice(owner, acme, "2025-12-31", (1, 30000))
    _paid(owner, e, 30000, "2026-01-05")
    _invoice(owner, acme, "2026-12-31", (1, 12345))


def test_quarters_show_issued_invoices_against_payments_by_their_dates(owner, year_of_invoices):
    # WHEN the revenue of 2026 is read by quarter (the document's example)
    report = _report(owner, f"{YEAR}&group_by=quarter")
    # THEN Q1 invoiced A + B (overdue still counts) and was paid E's 300.00 and A's first 500.00; Q2 got A's
    # 600.00; the draft C and the void D count nowhere; F on 12-31 is inside a `to` of 2026-12-31
    assert _by_period(report) == {
        "2026-Q1": (110000 + 21780, 30000 + 50000),
        "2026-Q2": (0, 60000),
        "2026-Q3": (0, 0),
        "2026-Q4": (12345, 0),
    }
    assert report["totals"] == {"invoiced": 144125, "paid": 140000, "invoice_count": 3, "payment_count": 3}
    assert (report["currency"], report["group_by"], report["other_currencies"]) == ("USD", "quarter", [])
    assert (report["from"], report["to"]) == ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")


def test_months_are_the_default_and_every_month_of_the_range_is_listed(owner, year_of_invoices):
    report = _report(owner, "from=2026-01-01&to=2026-04-30")
    assert report["group_by"] == "month"
    assert _by_period(report) == {
        "2026-01": (110000, 30000),
        "2026-02": (0, 50000),
        "2026-03": (21780, 0),
        "2026-04": (0, 60000),
    }
    assert [row["invoice_count"] for row in report["periods"]] == [1, 0, 1, 0]


def test_years_split_a_range_across_new_year(owner, year_of_invoices):
    report = _report(owner, "from=2025-12-01&to=2026-01-31&group_by=year")
    assert _by_period(report) == {"2025": (30000, 0), "2026": (110000, 30000)}


def test_a_timestamp_to_is_an_exact_end(owner, year_of_invoices):
    # GIVEN B issued on 2026-03-31 and A's second payment at 2026-04-05T16:30Z
    # WHEN the range ends at the first instant of 03-31, or just before the payment
    early = _report(owner, "from=2026-01-01&to=2026-03-31T00:00:00Z&group_by=quarter")
    late = _report(owner, "from=2026-04-05T16:30:00Z&to=2026-04-05T16:30:00.001Z")
    # THEN neither B nor anything after the end is counted; a payment at the very start is
    assert early["totals"]["invoiced"] == 110000
    assert late["totals"] == {"invoiced": 0, "paid": 60000, "invoice_count": 0, "payment_count": 1}


def test_client_id_keeps_one_clients_invoices_and_payments(owner, acme):
    globex = create_client(owner, name="Globex", email="ap@globex.example")["id"]
    ours = _invoice(owner, acme, "2026-02-01", (1, 10000))
    theirs = _invoice(owner, globex, "2026-02-01", (1, 99900))
    _paid(owner, ours, 4000, "2026-02-02")
    _paid(owner, theirs, 99900, "2026-02-02")
    report = _report(owner, f"{YEAR}&group_by=year&client_id={acme}")
    assert (report["client_id"], _by_period(report)) == (acme, {"2026": (10000, 4000)})
    assert _report(owner, f"{YEAR}&group_by=year")["totals"]["invoiced"] == 109900


def test_other_currencies_are_named_not_added_and_can_be_asked_for(owner, acme):
    # GIVEN a USD invoice and a EUR invoice (its client bills in EUR), both paid in part
    euro = create_client(owner, name="Euro GmbH", currency="EUR", email="ap@euro.example")["id"]
    dollars = _invoice(owner, acme, "2026-03-01", (1, 10000))
    euros = _invoice(owner, euro, "2026-03-01", (1, 20000))
    _paid(owner, dollars, 1000, "2026-03-02")
    _paid(owner, euros, 2000, "2026-03-02")
    # WHEN the report is read in the org's currency, then in EUR
    usd = _report(owner, f"{YEAR}&group_by=year")
    eur = _report(owner, f"{YEAR}&group_by=year&currency=EUR")
    # THEN each adds only its own currency and names the other
    assert (usd["currency"], _by_period(usd), usd["other_currencies"]) == ("USD", {"2026": (10000, 1000)}, ["EUR"])
    assert (eur["currency"], _by_period(eur), eur["other_currencies"]) == ("EUR", {"2026": (20000, 2000)}, ["USD"])


def test_csv_has_one_row_per_period(owner, year_of_invoices):
    response = owner.api.get(f"/api/v1/reports/revenue?{YEAR}&group_by=quarter&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="revenue.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert [(row["period"], row["invoiced"], row["paid"]) for row in rows] == [
        ("2026-Q1", "131780", "80000"),
        ("2026-Q2", "0", "60000"),
        ("2026-Q3", "0", "0"),
        ("2026-Q4", "12345", "0"),
    ]
    by_header = owner.api.get(f"/api/v1/reports/revenue?{YEAR}&group_by=quarter", headers={"accept": "text/csv"})
    assert by_header.body == response.body


def test_members_are_refused(api, owner, acme):
    member = factories.join(api, owner)
    _invoice(owner, acme, "2026-02-01", (1, 10000))
    error(member.api.get(f"/api/v1/reports/revenue?{YEAR}"), 403, "forbidden")


def test_another_orgs_invoices_and_clients_are_not_seen(api, owner, acme):
    _invoice(owner, acme, "2026-02-01", (1, 10000))
    outsider = factories.register(api)
    report = _report(outsider, f"{YEAR}&group_by=year&client_id={acme}")
    assert report["totals"] == {"invoiced": 0, "paid": 0, "invoice_count": 0, "payment_count": 0}
    assert _report(outsider, f"{YEAR}&group_by=year")["totals"]["invoiced"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-01-01", "to"),
        ("to=2026-12-31", "from"),
        ("from=2026-02-01&to=2026-01-31", "to"),
        ("from=2026-01-01&to=2027-01-02", "to"),
        ("from=yesterday&to=2026-12-31", "from"),
        (f"{YEAR}&group_by=week", "group_by"),
        (f"{YEAR}&currency=usd", "currency"),
        (f"{YEAR}&format=xlsx", "format"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(owner, query, field):
    field_error(owner.api.get(f"/api/v1/reports/revenue?{query}"), field)
