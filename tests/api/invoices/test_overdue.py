"""Overdue: the hourly schedule turns sent invoices past their due date into overdue ones, once, with an event."""

import uuid

from chalicelib.core.events import Event
from tests.api.invoices.helpers import (
    add_contact,
    add_line,
    audit_actions,
    create_client,
    create_invoice,
    invoice,
    pay,
    sent_invoice,
)


def run_schedule(app, at: str) -> int:
    """Fire the hourly overdue schedule as EventBridge would, at the instant `at`."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at,
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }
    return app.handler_map["mark_overdue_invoices"](event, None)


def _overdue_events(account) -> list[Event]:
    events = Event.query(f"ORG#{account.org_id}", Event.SK.startswith("EVENT#"))
    return [event for event in events if event.type == "invoice_overdue"]


def test_sent_invoices_past_their_due_date_become_overdue_once(app, owner, outsider, client_id):
    # GIVEN sent invoices due on 2026-04-30 and 2026-05-01, in two orgs, plus a draft and a paid one due earlier
    due_april = sent_invoice(owner, client_id, issue_date="2026-04-01", due_date="2026-04-30")
    due_may = sent_invoice(owner, client_id, issue_date="2026-04-01", due_date="2026-05-01")
    theirs_client = create_client(outsider, name="Their client")["id"]
    add_contact(outsider, theirs_client, email="ap@their.example")
    theirs = sent_invoice(outsider, theirs_client, issue_date="2026-04-01", due_date="2026-04-15")
    draft = create_invoice(owner, client_id, issue_date="2026-04-01", due_date="2026-04-10")
    add_line(owner, draft["id"])
    paid = sent_invoice(owner, client_id, issue_date="2026-04-01", due_date="2026-04-10")
    assert pay(owner, paid["id"], paid["total"]).status_code == 201
    # WHEN the schedule runs on 2026-05-01 (the May one is due today, not past due)
    assert run_schedule(app, "2026-05-01T08:00:00Z") == 2
    # THEN only the sent invoices due before today are overdue, each org's own
    assert invoice(owner, due_april["id"])["status"] == "overdue"
    assert invoice(owner, due_may["id"])["status"] == "sent"
    assert invoice(outsider, theirs["id"])["status"] == "overdue"
    assert (invoice(owner, draft["id"])["status"], invoice(owner, paid["id"])["status"]) == ("draft", "paid")
    # AND an event for each, and an audit entry by no user
    (event,) = _overdue_events(owner)
    assert event.data["invoice_id"] == due_april["id"] and event.data["balance_due"] == due_april["total"]
    assert event.recipients == [owner.user_id]
    assert audit_actions(owner, due_april["id"])[0] == "overdue"
    # WHEN it runs again, the same hour and the next day
    assert run_schedule(app, "2026-05-01T08:00:00Z") == 0
    assert run_schedule(app, "2026-05-02T08:00:00Z") == 1
    # THEN nothing is marked twice and no event repeats
    assert len(_overdue_events(owner)) == 2
    assert invoice(owner, due_may["id"])["status"] == "overdue"


def test_an_overdue_invoice_can_still_be_paid(app, owner, client_id):
    overdue = sent_invoice(owner, client_id, issue_date="2026-04-01", due_date="2026-04-30")
    run_schedule(app, "2026-05-05T00:00:00Z")
    assert pay(owner, overdue["id"], overdue["total"]).status_code == 201
    assert invoice(owner, overdue["id"])["status"] == "paid"
    assert run_schedule(app, "2026-05-06T00:00:00Z") == 0
