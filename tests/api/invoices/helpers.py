"""Set-up and assertions shared by the invoice and payment tests, all through the public API."""

import io
import os
import threading

from chalice.test import HTTPResponse
from moto.dynamodb.models import DynamoDBBackend
from pypdf import PdfReader

from tests.api.clients.helpers import add_contact, create_client, error, field_error
from tests.support.factories import Account

__all__ = ["add_contact", "create_client", "error", "field_error"]


def create_invoice(account: Account, client_id: str, **fields) -> dict:
    """A draft invoice created through the API (due 2026-04-30 unless given)."""
    body = {"client_id": client_id, "due_date": "2026-04-30", "issue_date": "2026-04-01", **fields}
    response = account.api.post("/api/v1/invoices", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def add_line(account: Account, invoice_id: str, **fields) -> dict:
    body = {"description": "Consulting", "quantity": 1, "unit_price": 10000, **fields}
    response = account.api.post(f"/api/v1/invoices/{invoice_id}/line-items", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def invoice(account: Account, invoice_id: str) -> dict:
    response = account.api.get(f"/api/v1/invoices/{invoice_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def project(account: Account, client_id: str | None, *, name: str = "Website", **fields) -> str:
    body = {"name": name, **fields}
    if client_id is not None:
        body["client_id"] = client_id
    response = account.api.post("/api/v1/projects", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def task(account: Account, project_id: str, *, title: str) -> str:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def track(account: Account, project_id: str | None, started_at: str, stopped_at: str, **fields) -> dict:
    """A finished time entry (TRCR shape) of `account`."""
    body = {"started_at": started_at, "stopped_at": stopped_at, **fields}
    if project_id is not None:
        body["project_id"] = project_id
    response = account.api.post("/api/v1/time-entries", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def entry(account: Account, entry_id: str) -> dict:
    response = account.api.get(f"/api/v1/time-entries/{entry_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def send(account: Account, invoice_id: str, **body) -> dict:
    response = account.api.post(f"/api/v1/invoices/{invoice_id}/send", json=body)
    assert response.status_code == 200, response.json_body
    return response.json_body


def sent_invoice(account: Account, client_id: str, *, unit_price: int = 10000, **fields) -> dict:
    """An invoice with one line of `unit_price`, sent (its email not yet delivered)."""
    created = create_invoice(account, client_id, **fields)
    add_line(account, created["id"], unit_price=unit_price)
    return send(account, created["id"])


def pay(account: Account, invoice_id: str, amount: int, **fields) -> HTTPResponse:
    return account.api.post("/api/v1/payments", json={"invoice_id": invoice_id, "amount": amount, **fields})


def pdf_text(data: bytes) -> str:
    """All the text of a PDF document, page after page (it must parse as a PDF)."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def audit_actions(owner: Account, entity_id: str) -> list[str]:
    """The audit actions recorded about one entity, newest first."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={entity_id}")
    assert response.status_code == 200, response.json_body
    return [item["action"] for item in response.json_body["data"]]


class atomic_transactions:  # noqa: N801 (used as a context manager, like a function)
    """moto applies a transaction's items one by one without a lock; DynamoDB applies them atomically.

    Inside this block transactions commit one at a time, so parallel requests race the way they do in AWS.
    """

    def __enter__(self):
        lock, original = threading.Lock(), DynamoDBBackend.transact_write_items

        def commit(backend, *args, **kwargs):
            with lock:
                return original(backend, *args, **kwargs)

        self._original = original
        DynamoDBBackend.transact_write_items = commit
        return self

    def __exit__(self, *exc):
        DynamoDBBackend.transact_write_items = self._original
        return False


def at_once(*calls) -> list:
    """Run each call in its own thread, all released together; their results, in order.

    Chalice's in-process app keeps one `current_request` for all threads, so parallel calls must send the same
    body and headers that matter (path parameters are each thread's own).
    """
    results, environment = [None] * len(calls), os.environ
    barrier = threading.Barrier(len(calls), timeout=30)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    try:
        with atomic_transactions():
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        os.environ = environment  # noqa: B003 (chalice's test client swaps os.environ during a request)
    return results
