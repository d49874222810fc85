"""Profitability report: invoiced revenue (after discount, before tax) vs the cost of tracked time, per project or
client, for a range."""

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
    project,
    send,
    track,
)
from tests.support import factories

Q1 = "from=2026-01-01&to=2026-03-31"


@pytest.fixture
def owner(api):
    return factories.register(api)


def _cost_rate(owner, account, cents: int) -> None:
    response = owner.api.put(f"/api/v1/members/{account.member_id}", json={"cost_rate": cents})
    assert response.status_code == 200, response.json_body


def _report(owner, query: str) -> dict:
    response = owner.api.get(f"/api/v1/reports/profitability?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def _rows(report: dict) -> dict[str, tuple]:
    return {row["key"]: (row["revenue"], row["cost"], row["margin"], row["margin_percent"]) for row in report["rows"]}


@pytest.fixture
def quarter(api, owner) -> dict:
    """A first quarter of work and invoices, every figure worked out by hand.

    Cost rates: Sam 45.00/h, Ada 60.00/h, the owner none. Acme's projects bill Website 100.00/h, App 120.00/h.
    Time (cost, half-up per entry):
      Sam   Website 01-05 2 h        → 9000     Sam Website 02-02 2 s → 2.5 → 3     Sam Audit 03-10 1 h → 4500
      Ada   App     01-06 1.5 h      → 9000     Ada (no project) 03-11 30 min → 3000
      Owner Website 02-03 1 h        → no cost rate: 0, uncosted
      Sam   Website 04-01 1 h        → after the quarter
    Invoices (revenue = subtotal − discount; tax is not revenue):
      I1 Acme/Website 01-31: 500.00 − 10% = 450.00 (+20% tax)           → Website 45000
      I2 Acme (all projects) 02-28: January's time generated — Website 2 h × 100 = 20000, App 1.5 h × 120 = 18000 —
         plus an expenses line of 2000; 10% discount → 36000 split by line: 18000 / 16200 / 1800 (no project)
      I3 Globex/Audit 03-15: 300.00                                       → Audit 30000
      a draft of Acme's 03-20, an invoice issued 04-02 and a EUR invoice: not counted
    """
    sam, ada = factories.join(api, owner, name="Sam"), factories.join(api, owner, role="admin", name="Ada")
    _cost_rate(owner, sam, 4500)
    _cost_rate(owner, ada, 6000)
    acme = create_client(owner, name="Acme", email="ap@acme.example")["id"]
    globex = create_client(owner, name="Globex", email="ap@globex.example")["id"]
    euro = create_client(owner, name="Euro GmbH", currency="EUR", email="ap@euro.example")["id"]
    website = project(owner, acme, name="Website", hourly_rate=10000)
    app = project(owner, acme, name="App", hourly_rate=12000)
    audit = project(owner, globex, name="Audit")
    track(sam, website, "2026-01-05T09:00:00Z", "2026-01-05T11:00:00Z")
    track(sam, website, "2026-02-02T09:00:00Z", "2026-02-02T09:00:02Z")
    track(sam, audit, "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z")
    track(ada, app, "2026-01-06T09:00:00Z", "2026-01-06T10:30:00Z")
    track(ada, None, "2026-03-11T09:00:00Z", "2026-03-11T09:30:00Z")
    track(owner, website, "2026-02-03T09:00:00Z", "2026-02-03T10:00:00Z")
    track(sam, website, "2026-04-01T09:00:00Z", "2026-04-01T10:00:00Z")

    i1 = create_invoice(owner, acme, project_id=website, issue_date="2026-01-31", discount=10, tax_rate=20)["id"]
    add_line(owner, i1, quantity=1, unit_price=50000)
    send(owner, i1)
    i2 = create_invoice(owner, acme, issue_date="2026-02-28", discount=10)["id"]
    generated = owner.api.post(f"/api/v1/invoices/{i2}/generate", json={"from": "2026-01-01", "to": "2026-01-31"})
    assert generated.status_code == 200, generated.json_body
    add_line(owner, i2, description="Expenses", quantity=1, unit_price=2000)
    assert invoice(owner, i2)["subtotal"] == 40000
    send(owner, i2)
    i3 = create_invoice(owner, globex, project_id=audit, issue_date="2026-03-15")["id"]
    add_line(owner, i3, quantity=1, unit_price=30000)
    send(owner, i3)
    add_line(owner, create_invoice(owner, acme, issue_date="2026-03-20")["id"], unit_price=77700)
    later = create_invoice(owner, acme, issue_date="2026-04-02", due_date="2026-05-02")["id"]
    add_line(owner, later, unit_price=88800)
    send(owner, later)
    in_euros = create_invoice(owner, euro, issue_date="2026-03-01")["id"]
    add_line(owner, in_euros, unit_price=99900)
    send(owner, in_euros)
    return {"acme": acme, "globex": globex, "website": website, "app": app, "audit": audit}


def test_per_project_revenue_cost_and_margin(owner, quarter):
    report = _report(owner, Q1)
    assert (report["group_by"], report["currency"], report["other_currencies"]) == ("project", "USD", ["EUR"])
    assert _rows(report) == {
        # 45000 + 18000 revenue; 9000 + 3 cost; 53997 / 63000 = 85.71 %
        quarter["website"]: (63000, 9003, 53997, 85.7),
        # 16200 − 9000 = 7200; 7200 / 16200 = 44.44 %
        quarter["app"]: (16200, 9000, 7200, 44.4),
        quarter["audit"]: (30000, 4500, 25500, 85.0),
        # the expenses line vs Ada's half hour without a project: −1200 / 1800 = −66.67 %
        "none": (1800, 3000, -1200, -66.7),
    }
    labels = {row["key"]: row["label"] for row in report["rows"]}
    assert (labels[quarter["website"]], labels[quarter["audit"]]) == ("Website", "Audit")
    website = next(row for row in report["rows"] if row["key"] == quarter["website"])
    # 2 h + 2 s by Sam, 1 h by the owner who has no cost rate
    assert (website["seconds"], website["uncosted_seconds"]) == (10802, 3600)
    assert report["totals"] == {
        "revenue": 111000,
        "cost": 25503,
        "margin": 85497,
        "margin_percent": 77.0,
        "seconds": 21602,
        "uncosted_seconds": 3600,
    }


def test_per_client_revenue_is_each_invoices_net_and_cost_follows_the_projects_client(owner, quarter):
    report = _report(owner, f"{Q1}&group_by=client")
    assert _rows(report) == {
        # 45000 + 36000 revenue; Website 9003 + App 9000 cost; 62997 / 81000 = 77.77 %
        quarter["acme"]: (81000, 18003, 62997, 77.8),
        quarter["globex"]: (30000, 4500, 25500, 85.0),
        "none": (0, 3000, -3000, None),
    }
    assert {row["key"]: row["label"] for row in report["rows"]}[quarter["acme"]] == "Acme"
    assert (report["totals"]["revenue"], report["totals"]["cost"]) == (111000, 25503)


def test_csv_has_one_row_per_project(owner, quarter):
    response = owner.api.get(f"/api/v1/reports/profitability?{Q1}", headers={"accept": "text/csv"})
    assert response.status_code == 200
    assert 'filename="profitability.csv"' in response.headers["Content-Disposition"]
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(response.body.decode()))}
    assert (rows[quarter["app"]]["label"], rows[quarter["app"]]["margin"]) == ("App", "7200")
    assert rows["none"]["margin_percent"] == "-66.7"


def test_members_are_refused(api, owner):
    member = factories.join(api, owner)
    error(member.api.get(f"/api/v1/reports/profitability?{Q1}"), 403, "forbidden")


def test_another_orgs_money_and_time_are_not_seen(api, owner, quarter):
    outsider = factories.register(api)
    report = _report(outsider, Q1)
    assert report["rows"] == []
    assert (report["totals"]["revenue"], report["totals"]["cost"], report["other_currencies"]) == (0, 0, [])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=2026-03-31", "from"),
        ("from=2026-01-01", "to"),
        ("from=2026-04-01&to=2026-03-31", "to"),
        ("from=2026-01-01T00:00:00&to=2026-03-31", "from"),
        (f"{Q1}&group_by=user", "group_by"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(owner, query, field):
    field_error(owner.api.get(f"/api/v1/reports/profitability?{query}"), field)
