"""Invoiced time is locked like approved time, with its own reason, also in bulk requests."""

from tests.api.invoices.helpers import create_client, create_invoice, project, track
from tests.api.timesheets.helpers import error


def test_an_invoiced_entry_cannot_change_and_the_409_says_it_has_been_invoiced(owner):
    # GIVEN an entry billed on an invoice generated from March's time
    client_id = create_client(owner, name="Acme Corp", currency="EUR")["id"]
    billed = track(owner, project(owner, client_id), "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")
    draft = create_invoice(owner, client_id)
    generated = owner.api.post(
        f"/api/v1/invoices/{draft['id']}/generate", json={"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert generated.status_code == 200, generated.json_body
    # WHEN it is edited, deleted or changed in bulk
    attempts = [
        owner.api.put(f"/api/v1/time-entries/{billed['id']}", json={"description": "x"}),
        owner.api.patch(f"/api/v1/entries/{billed['id']}", json={"stop": "2026-03-02T11:00:00Z"}),
        owner.api.delete(f"/api/v1/time-entries/{billed['id']}"),
    ]
    bulk = owner.api.delete("/api/v1/time-entries/bulk", json={"ids": [billed["id"]]})
    # THEN each is a 409 naming the invoice
    for response in attempts:
        assert response.status_code == 409
        assert error(response)["message"].startswith(f"This time entry has been invoiced (invoice {draft['id']})")
    assert bulk.json_body["data"][0]["status"] == 409
    assert "has been invoiced" in bulk.json_body["data"][0]["error"]["message"]
