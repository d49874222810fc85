"""p50/p95 latency of a mix of the 10 most used routes against the local stack, 20 concurrent clients.

The stack (`devstack.supervisor`: the API over HTTP, DynamoDB Local in memory, moto for S3/SQS/SES) starts on
free ports; one owner gets a project with 50 tasks and a few time entries; then 20 threads, each with its own
httpx client, make REQUESTS_PER_CLIENT requests cycling through the mix (reads mostly, as a day of use is).
Every answer must be a 2xx. Latency is per request, wall clock, client side: on this shared 2-core machine
it includes waiting for a core, so it is an upper bound of what the code costs.

    python -m bench.stack_latency [--clients N] [--requests-per-client N]
"""

import argparse
import itertools
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

CLIENTS = 20
REQUESTS_PER_CLIENT = 15
TASKS = 50


def _ok(response: httpx.Response, expected: int = 200) -> dict:
    assert response.status_code == expected, (response.status_code, response.text[:300])
    return response.json() if response.content else {}


def _set_up(base: str) -> tuple[dict[str, str], str, list[str]]:
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as http:
        body = {"email": "bench-latency@example.com", "password": "correct horse battery staple", "name": "Bench"}
        token = _ok(http.post("/auth/register", json=body), 201)["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        project_id = _ok(http.post("/projects", json={"name": "Website"}, headers=headers), 201)["id"]
        task_ids = [
            _ok(http.post("/tasks", json={"title": f"Login page {i}", "project_id": project_id}, headers=headers), 201)[
                "id"
            ]
            for i in range(TASKS)
        ]
    return headers, project_id, task_ids


def _next_request(*, step: int, project_id: str, task_id: str, status: str, running: str | None, tag: str):
    """(route, method, path, body, allowed statuses) of a client's next request in the mix."""
    if step == 0:
        return "GET /tasks", "GET", f"/tasks?project_id={project_id}", None, (200,)
    if step == 1:
        return "GET /tasks/{id}", "GET", f"/tasks/{task_id}", None, (200,)
    if step == 2:
        return "POST /tasks", "POST", "/tasks", {"title": f"Signup {tag}", "project_id": project_id}, (201,)
    if step == 3:
        return "PUT /tasks/{id}", "PUT", f"/tasks/{task_id}", {"title": f"Login page v{tag}"}, (200,)
    if step == 4:
        return "PUT /tasks/{id}/status", "PUT", f"/tasks/{task_id}/status", {"status": status}, (200,)
    # All clients are one user with one timer: a start racing another answers 409 (retry), and a stop may find
    # its timer already stopped by another client's start (409).
    if step == 5 or (step == 6 and running is None):
        return "POST /time-entries/start", "POST", "/time-entries/start", {"description": f"Call {tag}"}, (201, 409)
    if step == 6:
        return "POST /time-entries/{id}/stop", "POST", f"/time-entries/{running}/stop", None, (200, 409)
    if step == 7:
        return "GET /time-entries", "GET", "/time-entries", None, (200,)
    if step == 8:
        return "GET /projects", "GET", "/projects", None, (200,)
    return "GET /search", "GET", "/search?q=login", None, (200,)


def _client_loop(base: str, headers: dict, project_id: str, task_ids: list[str], client: int, count: int) -> list:
    """One client's requests: (route, seconds, status) each; a stop follows this client's last successful start."""
    samples = []
    tasks = itertools.cycle(task_ids[client::CLIENTS] or task_ids)
    statuses = itertools.cycle(["in_progress", "done", "open"])
    running: str | None = None
    with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=60) as http:
        for index in range(count):
            route, method, path, body, allowed = _next_request(
                step=(client + index) % 10,
                project_id=project_id,
                task_id=next(tasks),
                status=next(statuses),
                running=running,
                tag=f"{client}-{index}",
            )
            started = time.perf_counter()
            response = http.request(method, path, json=body)
            elapsed = time.perf_counter() - started
            assert response.status_code in allowed, (route, response.status_code, response.text[:300])
            if route == "POST /time-entries/start" and response.status_code == 201:
                running = response.json()["id"]
            elif route == "POST /time-entries/{id}/stop":
                running = None
            samples.append((route, elapsed, response.status_code))
    return samples


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(clients: int = CLIENTS, per_client: int = REQUESTS_PER_CLIENT) -> list[tuple[str, str, str]]:
    from tests.support.stack import LocalStack

    with tempfile.TemporaryDirectory() as local_dir:
        stack = LocalStack(
            Path(local_dir), dynamodb_in_memory=True, env={"STINT_API_RATE_LIMIT_PER_MINUTE": "10000000"}
        )
        stack.start()
        try:
            headers, project_id, task_ids = _set_up(stack.base_url)
            samples: list[tuple[str, float, int]] = []
            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                futures = [
                    pool.submit(_client_loop, stack.base_url, headers, project_id, task_ids, client, per_client)
                    for client in range(clients)
                ]
                for future in futures:
                    samples.extend(future.result())
            wall = time.perf_counter() - started
        finally:
            stack.stop()
    every = [seconds for _, seconds, _ in samples]
    conflicts = sum(1 for _, _, status in samples if status == 409)
    rows = [
        (
            f"local stack, {clients} concurrent clients, {len(every)} requests (mix of the 10 routes)",
            f"p50 {_percentile(every, 0.5) * 1000:.0f} ms, p95 {_percentile(every, 0.95) * 1000:.0f} ms, "
            f"{len(every) / wall:.1f} req/s, {conflicts} timer 409s (one user's timer shared by all clients)",
            "2 shared cores, loaded",
        )
    ]
    by_route: dict[str, list[float]] = {}
    for route, seconds, _ in samples:
        by_route.setdefault(route, []).append(seconds)
    for route, values in by_route.items():
        rows.append(
            (
                f"  {route} ({len(values)})",
                f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {_percentile(values, 0.95) * 1000:.0f} ms",
                "",
            )
        )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--requests-per-client", type=int, default=REQUESTS_PER_CLIENT)
    arguments = parser.parse_args()
    for row in run(arguments.clients, arguments.requests_per_client):
        print(" | ".join(row))
