"""Knowledge-base moves and whiteboard saves under real parallel requests against DynamoDB Local."""

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
    stack = LocalStack(tmp_path_factory.mktemp("kbwb") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def http(stack):
    body = {"email": "kb-owner@example.com", "password": PASSWORD, "name": "Olive Owner"}
    token = httpx.post(f"{stack.base_url}/api/v1/auth/register", json=body, timeout=60).json()["access_token"]
    with httpx.Client(base_url=stack.base_url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def _all_at_once(stack: LocalStack, headers, requests: list[tuple[str, str, dict]]) -> list[httpx.Response]:
    """Send every (method, path, body) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, str, dict]) -> httpx.Response:
        method, path, body = request
        with httpx.Client(base_url=stack.base_url, timeout=120, headers=headers) as client:
            barrier.wait()
            return client.request(method, path, json=body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _create(http: httpx.Client, path: str, body: dict) -> dict:
    response = http.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_parallel_saves_of_one_version_keep_exactly_one(stack, http):
    # GIVEN a board at version 1
    board = _create(http, "/api/v1/whiteboards", {"title": "Race", "scene": {"elements": []}})
    # WHEN several clients save their own scene over version 1 at the same moment
    saves = [
        ("PUT", f"/api/v1/whiteboards/{board['id']}", {"version": 1, "scene": {"elements": [f"client {n}"]}})
        for n in range(PARALLEL)
    ]
    responses = _all_at_once(stack, http.headers, saves)
    # THEN exactly one is accepted, the rest are 409, and the board holds the accepted scene at version 2
    assert sorted(r.status_code for r in responses) == [200] + [409] * (PARALLEL - 1), [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    stored = http.get(f"/api/v1/whiteboards/{board['id']}").json()
    assert (stored["version"], stored["scene"]) == (2, winner["scene"])


def test_crossed_parallel_moves_never_make_a_cycle(stack, http):
    # GIVEN pairs of top-level categories
    pairs = [
        (
            _create(http, "/api/v1/kb", {"type": "category", "title": f"A{n}"})["id"],
            _create(http, "/api/v1/kb", {"type": "category", "title": f"B{n}"})["id"],
        )
        for n in range(PARALLEL // 2)
    ]
    # WHEN each A is moved under its B while that B is moved under its A, all at once
    moves = [("PUT", f"/api/v1/kb/{a}", {"parent_id": b}) for a, b in pairs]
    moves += [("PUT", f"/api/v1/kb/{b}", {"parent_id": a}) for a, b in pairs]
    responses = _all_at_once(stack, http.headers, moves)
    # THEN every answer is a 200 or a 409, and no pair ended up under each other
    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    for a, b in pairs:
        parents = (http.get(f"/api/v1/kb/{a}").json()["parent_id"], http.get(f"/api/v1/kb/{b}").json()["parent_id"])
        assert parents in ((None, None), (b, None), (None, a)), parents
