"""Timer and idempotency invariants under real parallel requests against DynamoDB Local (DESIGN.md §3, §9)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("time") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def client(stack):
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        yield client


def _token(client: httpx.Client, email: str) -> str:
    body = {"email": email, "password": "correct horse battery staple", "name": "Timer Tester"}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()["access_token"]


def _at_once(stack: LocalStack, count: int, send) -> list[httpx.Response]:
    barrier = threading.Barrier(count)

    def one(index: int) -> httpx.Response:
        with httpx.Client(base_url=stack.base_url, timeout=120) as client:
            barrier.wait()
            return send(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_ten_parallel_starts_leave_exactly_one_running_entry_and_no_overlap(stack, client):
    # GIVEN a signed-in user
    headers = {"authorization": f"Bearer {_token(client, 'timers@example.com')}"}
    # WHEN ten timers are started at the same moment
    responses = _at_once(
        stack, 10, lambda c, i: c.post("/api/v1/entries/start", json={"description": f"t{i}"}, headers=headers)
    )
    # THEN none failed with a server error, and exactly one entry is running
    assert all(response.status_code in (201, 409) for response in responses), [r.text for r in responses]
    entries = client.get("/api/v1/entries?limit=200", headers=headers).json()["data"]
    running = [entry for entry in entries if entry["stop"] is None]
    assert len(running) == 1
    assert client.get("/api/v1/entries/current", headers=headers).json()["id"] == running[0]["id"]
    # AND no two entries overlap
    spans = sorted((entry["start"], entry["stop"] or "9999") for entry in entries)
    assert all(previous[1] <= following[0] for previous, following in zip(spans, spans[1:], strict=False))


def test_twenty_parallel_identical_requests_create_one_entry(stack, client):
    # GIVEN a signed-in user and one request body with an idempotency key
    headers = {"authorization": f"Bearer {_token(client, 'retries@example.com')}"}
    body = {"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:30:00Z", "idempotency_key": "renewal-1"}
    # WHEN it is sent twenty times at once
    responses = _at_once(stack, 20, lambda c, _: c.post("/api/v1/entries", json=body, headers=headers))
    # THEN every answer is the same entry and only one exists
    assert {response.status_code for response in responses} == {201}, [r.text for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert len(client.get("/api/v1/entries", headers=headers).json()["data"]) == 1
