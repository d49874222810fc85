"""Generate line items from unbilled time: grouped per project/task/rate, each entry billed exactly once."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.invoices.helpers import (
    at_once,
    audit_actions,
    create_client,
    create_invoice,
    entry,
    error,
    field_error,
    invoice,
    project,
    send,
    task,
    track,
)

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def march(owner, member):
    """A month of tracked time for a client billed at 90.00/h, by the owner and a member, plus time that must
    not be billed (outside March, not billable, no project, another client's project)."""
    client = create_client(owner, name="Globex", currency="EUR", hourly_rate=9000)["id"]
    website = project(owner, client, name="Website", hourly_rate=12000)
    app = project(owner, client, name="App")  # no rate of its own: the client's 90.00
    login = task(owner, website, title="Login page")
    other_client = create_client(owner, name="Initech", hourly_rate=5000)["id"]
    elsewhere = project(owner, other_client, name="Intranet")
    billed = {
        # Website - Login page at 120.00: 3.5 h + 2.25 h = 5.75 h → 690.00
        "login": [
            track(owner, website, "2026-03-02T09:00:00Z", "2026-03-02T12:30:00Z", task_id=login)["id"],
            track(member, website, "2026-03-03T13:00:00Z", "2026-03-03T15:15:00Z", task_id=login)["id"],
        ],
        # Website at 120.00: 80 min = 1.3333 h → 159.996 → 160.00
        "website": [track(owner, website, "2026-03-10T09:00:00Z", "2026-03-10T10:20:00Z")["id"]],
        # Website at the entry's own 150.00: 2 h → 300.00
        "override": [track(owner, website, "2026-03-11T14:00:00Z", "2026-03-11T16:00:00Z", hourly_rate=15000)["id"]],
        # App at the client's 90.00: 1.75 h + 1.5 h (the last evening of March) = 3.25 h → 292.50
        "app": [
            track(member, app, "2026-03-20T10:00:00Z", "2026-03-20T11:45:00Z")["id"],
            track(member, app, "2026-03-31T22:00:00Z", "2026-03-31T23:30:00Z")["id"],
        ],
    }
    unbilled = [
        track(owner, website, "2026-03-12T09:00:00Z", "2026-03-12T10:00:00Z", billable=False)["id"],
        track(owner, website, "2026-04-01T00:00:00Z", "2026-04-01T01:00:00Z")["id"],
        track(owner, website, "2026-02-28T23:00:00Z", "2026-03-01T00:30:00Z")["id"],
        track(owner, None, "2026-03-13T09:00:00Z", "2026-03-13T10:00:00Z")["id"],
        track(owner, elsewhere, "2026-03-14T09:00:00Z", "2026-03-14T10:00:00Z")["id"],
    ]
    return {"client": client, "website": website, "app": app, "billed": billed, "unbilled": unbilled}


def _generate(account, invoice_id: str, body: dict | None = None):
    return account.api.post(f"/api/v1/invoices/{invoice_id}/generate", json=MARCH if body is None else body)


def _billed_ids(lines: list[dict]) -> list[str]:
    return sorted(entry_id for line in lines for entry_id in line["time_entry_ids"])


def test_a_month_of_time_becomes_lines_with_totals_right_to_the_cent(owner, march):
    # GIVEN a draft for the client with a 10% discount and 21% tax
    draft = create_invoice(owner, march["client"], discount=10, tax_rate=21, due_date="2026-04-30")
    # WHEN March is generated
    response = _generate(owner, draft["id"])
    # THEN one line per project, task and rate, with hours to four decimals and amounts rounded half-up
    assert response.status_code == 200, response.json_body
    body = response.json_body
    lines = [(line["description"], line["quantity"], line["unit_price"], line["amount"]) for line in body["line_items"]]
    assert lines == [
        ("App", 3.25, 9000, 29250),
        ("Website", 1.3333, 12000, 16000),
        ("Website", 2, 15000, 30000),
        ("Website - Login page", 5.75, 12000, 69000),
    ]
    # AND subtotal 1442.50; discount 144.25; tax 21% of 1298.25 = 272.6325 → 272.63; total 1570.88
    assert (body["subtotal"], body["discount_amount"], body["tax_amount"], body["total"]) == (
        144250,
        14425,
        27263,
        157088,
    )
    # AND each line names exactly the entries it bills
    by_description = {(line["description"], line["unit_price"]): line for line in body["line_items"]}
    assert sorted(by_description["App", 9000]["time_entry_ids"]) == sorted(march["billed"]["app"])
    assert sorted(by_description["Website - Login page", 12000]["time_entry_ids"]) == sorted(march["billed"]["login"])
    assert by_description["Website", 15000]["time_entry_ids"] == march["billed"]["override"]
    assert by_description["Website - Login page", 12000]["project_id"] == march["website"]
    assert audit_actions(owner, draft["id"])[0] == "generated"


def test_generated_entries_are_billed_and_locked_and_the_rest_stay_unbilled(owner, march):
    # GIVEN a generated invoice
    draft = create_invoice(owner, march["client"])
    _generate(owner, draft["id"])
    # THEN every billed entry carries the invoice and can no longer be edited or deleted
    billed = [entry_id for ids in march["billed"].values() for entry_id in ids]
    assert {entry(owner, entry_id)["invoice_id"] for entry_id in billed} == {draft["id"]}
    locked = owner.api.put(f"/api/v1/time-entries/{march['billed']['website'][0]}", json={"description": "x"})
    error(locked, 409, "conflict")
    error(owner.api.delete(f"/api/v1/time-entries/{march['billed']['website'][0]}"), 409, "conflict")
    # AND the time that must not be billed is not
    assert all(entry(owner, entry_id)["invoice_id"] is None for entry_id in march["unbilled"])


def test_generating_again_or_on_another_invoice_bills_nothing_twice(owner, march):
    # GIVEN March generated on one invoice
    first = create_invoice(owner, march["client"])
    total = _generate(owner, first["id"]).json_body["total"]
    # WHEN it is generated again there, and on a second invoice for the same client
    again = _generate(owner, first["id"])
    second = create_invoice(owner, march["client"])
    other = _generate(owner, second["id"])
    # THEN nothing was added anywhere
    assert again.status_code == 200 and len(again.json_body["line_items"]) == 4 and again.json_body["total"] == total
    assert other.status_code == 200 and other.json_body["line_items"] == [] and other.json_body["total"] == 0


def test_concurrent_generates_on_two_invoices_bill_each_entry_once(owner, admin, march):
    # GIVEN two drafts for the same client
    first = create_invoice(owner, march["client"])
    second = create_invoice(owner, march["client"])
    # WHEN both generate March at the same moment
    responses = at_once(lambda: _generate(owner, first["id"]), lambda: _generate(admin, second["id"]))
    # THEN both answer, and together they bill every entry exactly once, for the month's subtotal
    assert [response.status_code for response in responses] == [200, 200], [r.json_body for r in responses]
    lines = invoice(owner, first["id"])["line_items"] + invoice(owner, second["id"])["line_items"]
    expected = sorted(entry_id for ids in march["billed"].values() for entry_id in ids)
    assert _billed_ids(lines) == expected
    assert invoice(owner, first["id"])["subtotal"] + invoice(owner, second["id"])["subtotal"] == 144250
    owners = {entry_id: line["invoice_id"] for line in lines for entry_id in line["time_entry_ids"]}
    assert all(entry(owner, entry_id)["invoice_id"] == owners[entry_id] for entry_id in expected)


def test_removing_a_generated_line_releases_its_entries_for_another_generate(owner, march):
    # GIVEN a generated invoice
    draft = create_invoice(owner, march["client"])
    lines = _generate(owner, draft["id"]).json_body["line_items"]
    app_line = next(line for line in lines if line["description"] == "App")
    # WHEN the App line is removed
    assert owner.api.delete(f"/api/v1/invoices/{draft['id']}/line-items/{app_line['id']}").status_code == 204
    # THEN its entries are unbilled again and editable, and the totals dropped by its amount
    assert all(entry(owner, entry_id)["invoice_id"] is None for entry_id in march["billed"]["app"])
    assert invoice(owner, draft["id"])["subtotal"] == 144250 - 29250
    # AND generating again bills them in a fresh line
    regenerated = _generate(owner, draft["id"]).json_body
    assert regenerated["subtotal"] == 144250 and len(regenerated["line_items"]) == 4


def test_deleting_a_generated_draft_releases_its_entries(owner, march):
    draft = create_invoice(owner, march["client"])
    _generate(owner, draft["id"])
    assert owner.api.delete(f"/api/v1/invoices/{draft['id']}").status_code == 204
    billed = [entry_id for ids in march["billed"].values() for entry_id in ids]
    assert all(entry(owner, entry_id)["invoice_id"] is None for entry_id in billed)
    editable = owner.api.put(f"/api/v1/time-entries/{billed[0]}", json={"description": "now editable"})
    assert editable.status_code == 200, editable.json_body


def test_voiding_a_sent_invoice_releases_its_entries_and_keeps_its_lines(owner, march):
    # GIVEN a generated, sent invoice
    draft = create_invoice(owner, march["client"])
    _generate(owner, draft["id"])
    send(owner, draft["id"], to=["ap@globex.example"])
    # WHEN it is voided
    response = owner.api.post(f"/api/v1/invoices/{draft['id']}/void")
    # THEN it is void with its lines as a record, and its time can be billed again
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "void" and len(response.json_body["line_items"]) == 4
    assert all(entry(owner, entry_id)["invoice_id"] is None for entry_id in march["billed"]["login"])
    again = create_invoice(owner, march["client"])
    assert _generate(owner, again["id"]).json_body["subtotal"] == 144250


def test_an_invoice_for_one_project_bills_only_that_projects_time(owner, march):
    draft = create_invoice(owner, march["client"], project_id=march["app"])
    body = _generate(owner, draft["id"]).json_body
    assert _billed_ids(body["line_items"]) == sorted(march["billed"]["app"])
    assert body["subtotal"] == 29250


def test_the_range_is_whole_utc_days_and_may_be_open(owner, march):
    # GIVEN a draft; WHEN only 2026-03-20 .. 2026-03-31 is generated
    draft = create_invoice(owner, march["client"])
    body = _generate(owner, draft["id"], {"from": "2026-03-20", "to": "2026-03-31"}).json_body
    # THEN only the App entries of those days (the last one ends just before midnight) are billed
    assert _billed_ids(body["line_items"]) == sorted(march["billed"]["app"])
    # AND with no range at all, everything unbilled of the client is taken (also February's and April's)
    everything = _generate(owner, draft["id"], {}).json_body
    assert len(_billed_ids(everything["line_items"])) == 6 + 2


def test_a_long_month_is_billed_over_several_transactions_into_one_line(owner):
    # GIVEN 130 quarter-hours of one project at 100.00/h (more than one DynamoDB transaction can hold)
    client = create_client(owner, name="Bulk Co", hourly_rate=10000)["id"]
    bulk = project(owner, client, name="Bulk")
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    ids = []
    for n in range(130):
        began = start + timedelta(minutes=20 * n)
        ids.append(
            track(
                owner,
                bulk,
                began.strftime("%Y-%m-%dT%H:%M:%SZ"),
                (began + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )["id"]
        )
    draft = create_invoice(owner, client)
    # WHEN March is generated
    body = _generate(owner, draft["id"]).json_body
    # THEN one line bills all of it: 32.5 h → 3250.00, written in two batches
    assert [(line["quantity"], line["amount"]) for line in body["line_items"]] == [(32.5, 325000)]
    assert sorted(body["line_items"][0]["time_entry_ids"]) == sorted(ids)
    assert audit_actions(owner, draft["id"])[:2] == ["generated", "generated"]
    # AND removing the line releases every entry, past what one transaction can release
    line_id = body["line_items"][0]["id"]
    assert owner.api.delete(f"/api/v1/invoices/{draft['id']}/line-items/{line_id}").status_code == 204
    assert all(entry(owner, entry_id)["invoice_id"] is None for entry_id in ids[:3] + ids[-3:])
    assert _generate(owner, draft["id"]).json_body["subtotal"] == 325000


def test_a_manual_line_can_bill_chosen_entries_once(owner, march):
    # GIVEN a draft and one unbilled March entry
    draft = create_invoice(owner, march["client"])
    chosen = march["billed"]["website"][0]
    body = {"description": "Hotfix", "quantity": 1, "unit_price": 5000, "time_entry_ids": [chosen]}
    # WHEN a manual line links it
    created = owner.api.post(f"/api/v1/invoices/{draft['id']}/line-items", json=body)
    # THEN the entry is billed by that line, and cannot be linked again
    assert created.status_code == 201, created.json_body
    assert entry(owner, chosen)["invoice_id"] == draft["id"]
    field_error(owner.api.post(f"/api/v1/invoices/{draft['id']}/line-items", json=body), "time_entry_ids")
    # AND time of another client cannot be linked
    foreign = {**body, "time_entry_ids": [march["unbilled"][-1]]}
    field_error(owner.api.post(f"/api/v1/invoices/{draft['id']}/line-items", json=foreign), "time_entry_ids")


def test_generate_refuses_sent_invoices_and_backwards_ranges(owner, march):
    draft = create_invoice(owner, march["client"])
    field_error(_generate(owner, draft["id"], {"from": "2026-03-31", "to": "2026-03-01"}), "to")
    field_error(_generate(owner, draft["id"], {"from": "March"}), "from")
    _generate(owner, draft["id"])
    send(owner, draft["id"], to=["ap@globex.example"])
    error(_generate(owner, draft["id"]), 409, "conflict")


def test_a_generated_line_is_worth_what_reports_say_its_time_is_worth(owner):
    # GIVEN three 18-second entries at 1.00/h: each is worth half a cent, rounded up to 1 cent
    client = create_client(owner, name="Tiny Co", hourly_rate=100)["id"]
    tiny = project(owner, client, name="Tiny")
    for minute in range(3):
        track(owner, tiny, f"2026-03-02T09:0{minute}:00Z", f"2026-03-02T09:0{minute}:18Z")
    summary = owner.api.get("/api/v1/reports/summary?from=2026-03-01&to=2026-04-01").json_body
    # WHEN they are generated
    draft = create_invoice(owner, client)
    (line,) = _generate(owner, draft["id"]).json_body["line_items"]
    # THEN the line is the sum of the entries' amounts (3 cents, like the report), for 0.015 h
    assert (line["quantity"], line["amount"]) == (0.015, 3) == (0.015, summary["totals"]["billable_amount"])
    # AND once its quantity is edited, it is quantity × unit price
    edited = owner.api.put(f"/api/v1/invoices/{draft['id']}/line-items/{line['id']}", json={"quantity": "0.015"})
    assert edited.json_body["amount"] == 2  # 1.5 cents, half-up
    renamed = owner.api.put(f"/api/v1/invoices/{draft['id']}/line-items/{line['id']}", json={"description": "Tiny"})
    assert renamed.json_body["amount"] == 2
