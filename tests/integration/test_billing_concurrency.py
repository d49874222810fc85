"""Plan limits under real parallel requests against DynamoDB Local (DESIGN.md §3, §9): no request slips past."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PARALLEL = 8
PASSWORD = "correct horse battery staple"
FREE_PROJECTS = 20
FREE_SEATS = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("billing") / "local")
    stack.start()
    yield stack
    stack.stop()


def _owner(stack: LocalStack, email: str) -> httpx.Client:
    body = {"email": email, "password": PASSWORD, "name": "Olive Owner"}
    registered = httpx.post(f"{stack.base_url}/api/v1/auth/register", json=body, timeout=30)
    assert registered.status_code == 201, registered.text
    token = registered.json()["access_token"]
    return httpx.Client(base_url=stack.base_url, timeout=60, headers={"Authorization": f"Bearer {token}"})


def _all_at_once(client: httpx.Client, path: str, bodies: list[dict]) -> list[int]:
    """POST every body from its own thread, released together by a barrier; the statuses."""
    barrier = threading.Barrier(len(bodies))

    def send(body: dict) -> int:
        with httpx.Client(base_url=client.base_url, headers=client.headers, timeout=60) as http:
            barrier.wait()
            return http.post(path, json=body).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_parallel_project_creations_never_exceed_the_plans_limit(stack):
    # GIVEN a free org three projects short of its limit
    owner = _owner(stack, "projects.race@example.com")
    for n in range(FREE_PROJECTS - 3):
        assert owner.post("/api/v1/projects", json={"name": f"Project {n}"}).status_code == 201
    # WHEN eight more are created at once
    statuses = _all_at_once(owner, "/api/v1/projects", [{"name": f"Race {n}"} for n in range(PARALLEL)])
    # THEN exactly three were created and the rest were refused for the plan
    assert sorted(statuses) == [201] * 3 + [402] * (PARALLEL - 3)
    listed = owner.get("/api/v1/projects?per_page=100").json()["data"]
    assert len(listed) == FREE_PROJECTS
    assert owner.get("/api/v1/billing").json()["usage"]["projects"] == FREE_PROJECTS


def test_parallel_invitations_never_exceed_the_plans_seats(stack):
    # GIVEN a free org two seats short of its limit (the owner and seven invitations)
    owner = _owner(stack, "seats.race@example.com")
    for n in range(FREE_SEATS - 3):
        assert owner.post("/api/v1/members/invite", json={"email": f"early{n}@example.com"}).status_code == 201
    # WHEN eight more people are invited at once
    bodies = [{"email": f"late{n}@example.com"} for n in range(PARALLEL)]
    statuses = _all_at_once(owner, "/api/v1/members/invite", bodies)
    # THEN exactly two invitations were made and the rest were refused for the plan
    assert sorted(statuses) == [201] * 2 + [402] * (PARALLEL - 2)
    members = owner.get("/api/v1/members?per_page=100").json()["data"]
    assert len(members) == FREE_SEATS
    assert owner.get("/api/v1/billing").json()["usage"]["members"] == FREE_SEATS
