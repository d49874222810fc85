"""Invoice invariants under real parallel requests against DynamoDB Local (DESIGN.md §3, §9): numbers without
gaps or duplicates, each time entry billed once, payments that never overpay."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PARALLEL = 8


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("invoices") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def headers(stack):
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        body = {"email": "billing@example.com", "password": "correct horse battery staple", "name": "Bill Ing"}
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        return {"authorization": f"Bearer {response.json()['access_token']}"}


def _post(client: httpx.Client, path: str, body: dict, headers: dict) -> dict:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _at_once(stack: LocalStack, count: int, send) -> list[httpx.Response]:
    barrier = threading.Barrier(count)

    def one(index: int) -> httpx.Response:
        with httpx.Client(base_url=stack.base_url, timeout=120) as client:
            barrier.wait()
            return send(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_parallel_creates_generates_and_payments_keep_their_invariants(stack, headers):
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        client_id = _post(client, "/api/v1/clients", {"name": "Acme", "hourly_rate": 6000}, headers)["id"]
        project_id = _post(client, "/api/v1/projects", {"name": "Site", "client_id": client_id}, headers)["id"]
        for day in range(1, 21):
            entry = {"project_id": project_id, "started_at": f"2026-03-{day:02d}T09:00:00Z"}
            _post(client, "/api/v1/time-entries", {**entry, "stopped_at": f"2026-03-{day:02d}T10:30:00Z"}, headers)

        # WHEN invoices are created at the same moment
        invoice = {"client_id": client_id, "issue_date": "2026-04-01", "due_date": "2099-04-30"}
        created = _at_once(stack, PARALLEL, lambda c, _: c.post("/api/v1/invoices", json=invoice, headers=headers))
        # THEN numbers 1..n, each once
        assert all(response.status_code == 201 for response in created), [r.text for r in created]
        assert sorted(r.json()["number"] for r in created) == [f"INV-2026-{n:04d}" for n in range(1, PARALLEL + 1)]

        # WHEN every invoice generates March at the same moment
        ids = [response.json()["id"] for response in created]
        generated = _at_once(
            stack,
            PARALLEL,
            lambda c, i: c.post(f"/api/v1/invoices/{ids[i]}/generate", json={"from": "2026-03-01"}, headers=headers),
        )
        # THEN the 20 entries (30 h at 60.00) are billed exactly once across all invoices
        assert all(response.status_code in (200, 409) for response in generated), [r.text for r in generated]
        bodies = [client.get(f"/api/v1/invoices/{i}", headers=headers).json() for i in ids]
        lines = [line for body in bodies for line in body["line_items"]]
        billed = [entry_id for line in lines for entry_id in line["time_entry_ids"]]
        assert len(billed) == len(set(billed)) == 20
        assert sum(line["amount"] for line in lines) == 180000

        # WHEN an invoice that billed some of it is sent and paid in parallel slices adding up to more than it
        billing = next(body for body in bodies if body["total"])
        owner_id, total = billing["id"], billing["total"]
        _post(client, f"/api/v1/invoices/{owner_id}/send", {"to": ["ap@acme.example"]}, headers)
        slice_ = total // 4 + 1
        paid = _at_once(
            stack,
            PARALLEL,
            lambda c, _: c.post("/api/v1/payments", json={"invoice_id": owner_id, "amount": slice_}, headers=headers),
        )
        # THEN only as many as fit were taken; the invoice is never overpaid
        assert all(response.status_code in (201, 400, 409) for response in paid), [r.text for r in paid]
        taken = sum(1 for response in paid if response.status_code == 201)
        final = client.get(f"/api/v1/invoices/{owner_id}", headers=headers).json()
        assert taken == 3 and final["amount_paid"] == 3 * slice_ <= total
