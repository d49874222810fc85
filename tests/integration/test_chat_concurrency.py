"""Chat invariants under real parallel requests against DynamoDB Local (DESIGN.md §3, §9)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PARALLEL = 8
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("chat") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def owner(stack) -> dict:
    body = {"email": "olive@example.com", "password": PASSWORD, "name": "Olive Owner"}
    response = httpx.post(f"{stack.base_url}/api/v1/auth/register", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def _all_at_once(stack: LocalStack, token: str, requests: list[tuple[str, str, dict]]) -> list[httpx.Response]:
    """Send every (method, path, body) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, str, dict]) -> httpx.Response:
        method, path, body = request
        with httpx.Client(base_url=stack.base_url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            barrier.wait()
            return http.request(method, path, json=body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def test_parallel_identical_reactions_count_once(stack, owner):
    # GIVEN a message
    auth = {"Authorization": f"Bearer {owner['access_token']}"}
    channel = httpx.post(f"{stack.base_url}/api/v1/chat/channels", json={"name": "general"}, headers=auth).json()
    message = httpx.post(
        f"{stack.base_url}/api/v1/chat/channels/{channel['id']}/messages", json={"content": "Ship it"}, headers=auth
    ).json()
    # WHEN the same user sends the same reaction from several clients at once
    path = f"/api/v1/chat/messages/{message['id']}/reactions"
    responses = _all_at_once(stack, owner["access_token"], [("POST", path, {"emoji": "tada"})] * PARALLEL)
    # THEN exactly one is accepted, the others are 409, and the message counts one
    assert sorted(r.status_code for r in responses) == [201] + [409] * (PARALLEL - 1)
    listed = httpx.get(f"{stack.base_url}/api/v1/chat/channels/{channel['id']}/messages", headers=auth).json()
    assert listed["data"][0]["reactions"] == [{"emoji": "tada", "count": 1}]


def test_parallel_channels_with_one_name_create_one(stack, owner):
    # WHEN several clients create "releases" (in different letter cases) at once
    bodies = [{"name": "releases".upper() if n % 2 else "releases"} for n in range(PARALLEL)]
    responses = _all_at_once(stack, owner["access_token"], [("POST", "/api/v1/chat/channels", b) for b in bodies])
    # THEN one channel exists and the others were told the name is taken
    assert sorted(r.status_code for r in responses) == [201] + [409] * (PARALLEL - 1)
    auth = {"Authorization": f"Bearer {owner['access_token']}"}
    listed = httpx.get(f"{stack.base_url}/api/v1/chat/channels?per_page=100", headers=auth).json()["data"]
    assert [c["name"].lower() for c in listed].count("releases") == 1
