"""Invoices sync like the other lists: `updated_since` on GET /invoices, deletions of drafts tombstoned."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from chalicelib.core.timeutil import to_rfc3339
from tests.api.invoices.helpers import create_client, create_invoice


def _ids(account, path: str, **params) -> list[str]:
    response = account.api.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 200, response.json_body
    return [item["id"] for item in response.json_body["data"]]


def test_an_invoice_sync_returns_the_new_invoice_and_the_deleted_draft(owner):
    # GIVEN two draft invoices the client holds
    client_id = create_client(owner, name="Acme", currency="EUR")["id"]
    kept, removed = create_invoice(owner, client_id)["id"], create_invoice(owner, client_id)["id"]
    since = to_rfc3339(datetime.now(UTC))
    # WHEN one draft is deleted and another invoice is created
    assert owner.api.delete(f"/api/v1/invoices/{removed}").status_code == 204
    created = create_invoice(owner, client_id)["id"]
    # THEN the list since the sync point has only the new one and the deletions name the deleted draft
    assert _ids(owner, "/api/v1/invoices", updated_since=since) == [created]
    assert _ids(owner, "/api/v1/sync/deletions", since=since, type="invoice") == [removed]
    assert kept in _ids(owner, "/api/v1/invoices")
