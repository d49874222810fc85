"""`Idempotency-Key` under real parallel requests against DynamoDB Local: one effect per key."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration
PARALLEL = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("idempotency") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def headers(stack):
    body = {
        "email": f"keys-{uuid.uuid4().hex[:8]}@example.com",
        "password": "correct horse battery staple",
        "name": "Key Tester",
    }
    response = httpx.post(f"{stack.base_url}/api/v1/auth/register", json=body, timeout=60)
    assert response.status_code == 201, response.text
    return {"authorization": f"Bearer {response.json()['access_token']}"}


def _at_once(stack: LocalStack, send) -> list[httpx.Response]:
    barrier = threading.Barrier(PARALLEL)

    def one(_index: int) -> httpx.Response:
        with httpx.Client(base_url=stack.base_url, timeout=120) as client:
            barrier.wait()
            return send(client)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


@pytest.mark.parametrize(
    ("path", "body", "listing"),
    [
        ("/api/v1/projects", {"name": "Launch"}, "/api/v1/projects"),
        ("/api/v1/clients", {"name": "Acme"}, "/api/v1/clients"),
    ],
)
def test_parallel_identical_posts_with_one_key_have_one_effect(stack, headers, path, body, listing):
    keyed = {**headers, "Idempotency-Key": f"parallel-{path}"}
    # WHEN ten identical requests with one key arrive at once
    responses = _at_once(stack, lambda client: client.post(path, json=body, headers=keyed))
    # THEN each either got the one created resource or was told the first is still being processed
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    created_ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created_ids) == 1
    for refused in (r for r in responses if r.status_code == 409):
        assert "still being processed" in refused.json()["error"]["message"]
    # AND exactly one exists, and a later retry gets the same answer
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        assert [item["id"] for item in client.get(listing, headers=headers).json()["data"]] == list(created_ids)
        retry = client.post(path, json=body, headers=keyed)
    assert (retry.status_code, retry.json()["id"]) == (201, created_ids.pop())
