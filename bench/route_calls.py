"""The 10 most used routes: DynamoDB reads and writes per request, and warm handler overhead vs bare boto3.

Why these 10: a tracker's day is the task board (list, open, create, edit, move a card's status), the timer
(start, stop), the timesheet (entries listed), the project picker every screen loads, and the search box.
Everything else (reports, invoices, settings) is used far less often per user per day.

Calls are counted in-process against moto with `core.metrics` (the count is the same against DynamoDB). A
request's reads are GetItem/BatchGetItem/Query/TransactGetItems, its writes PutItem/UpdateItem/DeleteItem/
BatchWriteItem/TransactWriteItems (one transaction is one write call however many items it holds, audit and
outbox included). Authentication (one BatchGetItem) is part of every request and is counted. The request
meter's batched UpdateItem (every tenth request of a credential, decision 26: 0.1 writes per request amortized)
is left out of the per-route figures, which would otherwise depend on where the tenth request falls.

Overhead: each route is timed through the app (N warm requests), and the exact DynamoDB calls one request made
(recorded with a botocore hook) are replayed N times with a bare boto3 client on the same moto backend. Write
replays may fail their conditions (the item already exists or moved on): the round trip still costs moto the
same work, so the error is caught and the call is timed all the same.

    python -m bench.route_calls [--requests N]
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stdout, suppress
from dataclasses import dataclass

from bench.harness import in_process_api

# One owner makes every request: the per-credential limit must not answer 429 mid-bench (the tests do the same).
os.environ.setdefault("STINT_API_RATE_LIMIT_PER_MINUTE", "10000000")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

READS = frozenset({"GetItem", "BatchGetItem", "Query", "TransactGetItems", "Scan"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
READ_BUDGET = 2
WRITE_BUDGET = 3
REQUESTS = 30
OVERHEAD_BUDGET = 1.5


@dataclass
class RouteCalls:
    label: str
    status: int
    reads: int
    writes: int
    scans: int
    operations: dict[str, int]

    @property
    def within_budget(self) -> bool:
        return self.reads <= READ_BUDGET and self.writes <= WRITE_BUDGET and self.scans == 0


@dataclass
class Route:
    label: str
    # Makes one request with a fresh subject where the route needs one (a task to edit, a timer to stop).
    call: Callable[[], object]


def _ok(response, expected: int) -> dict:
    assert response.status_code == expected, (response.status_code, response.json_body)
    return response.json_body


def _routes(api) -> list[Route]:
    """Registers one owner with a project, 20 tasks and some entries, and returns the 10 routes to call."""
    signed_in = _ok(
        api.post(
            "/api/v1/auth/register",
            json={"email": "bench-routes@example.com", "password": "correct horse battery staple", "name": "Bench"},
        ),
        201,
    )
    owner = api.as_token(signed_in["access_token"])
    project_id = _ok(owner.post("/api/v1/projects", json={"name": "Website"}), 201)["id"]

    def new_task(title: str = "Login page") -> str:
        return _ok(owner.post("/api/v1/tasks", json={"title": title, "project_id": project_id}), 201)["id"]

    task_ids = [new_task(f"Login page {index}") for index in range(20)]
    for index in range(5):
        started = _ok(owner.post("/api/v1/time-entries/start", json={"description": f"Call {index}"}), 201)
        _ok(owner.post(f"/api/v1/time-entries/{started['id']}/stop"), 200)
    statuses = iter(["in_progress", "done"] * 1_000)
    titles = iter(f"Login page v{index}" for index in range(10_000))

    def start_timer():
        return owner.post("/api/v1/time-entries/start", json={"description": "Client onboarding"})

    def stop_timer():
        running = _ok(owner.post("/api/v1/time-entries/start", json={"description": "Support"}), 201)
        return lambda: owner.post(f"/api/v1/time-entries/{running['id']}/stop")

    task_id = task_ids[0]
    return [
        Route("GET /tasks", lambda: owner.get(f"/api/v1/tasks?project_id={project_id}")),
        Route("GET /tasks/{id}", lambda: owner.get(f"/api/v1/tasks/{task_id}")),
        Route("POST /tasks", lambda: owner.post("/api/v1/tasks", json={"title": "Signup", "project_id": project_id})),
        Route("PUT /tasks/{id}", lambda: owner.put(f"/api/v1/tasks/{task_id}", json={"title": next(titles)})),
        Route(
            "PUT /tasks/{id}/status",
            lambda: owner.put(f"/api/v1/tasks/{task_id}/status", json={"status": next(statuses)}),
        ),
        Route("POST /time-entries/start", start_timer),
        Route("POST /time-entries/{id}/stop", stop_timer),  # returns the request to measure (set-up excluded)
        Route("GET /time-entries", lambda: owner.get("/api/v1/time-entries")),
        Route("GET /projects", lambda: owner.get("/api/v1/projects")),
        Route("GET /search", lambda: owner.get("/api/v1/search?q=login")),
    ]


def _is_meter_flush(operation: str, params: dict) -> bool:
    """The request meter's batched `ADD` (one UpdateItem every tenth request per credential, decision 26)."""
    return operation == "UpdateItem" and str(params.get("Key", {}).get("PK", {}).get("S", "")).startswith("RATE#")


def _measure(route: Route):
    """One request of the route; set-up a route needs (a running timer to stop) happens outside the count."""
    from chalicelib.core.metrics import count_dynamodb_calls, record_aws_calls

    request = route.call
    if route.label == "POST /time-entries/{id}/stop":
        request = route.call()
    with count_dynamodb_calls() as calls, record_aws_calls() as recorded:
        response = request()
    status = getattr(response, "status_code", 0)
    dynamo = [(operation, params) for service, operation, params in recorded if service == "dynamodb"]
    assert len(dynamo) == calls.total, "every counted DynamoDB call was recorded"
    counted = Counter(operation for operation, params in dynamo if not _is_meter_flush(operation, params))
    return status, counted, dynamo


def count_rows_data() -> list[RouteCalls]:
    """DynamoDB calls per request of each route (deterministic: what the tests assert)."""
    results = []
    with in_process_api() as api, redirect_stdout(sys.stderr):
        for route in _routes(api):
            status, calls, _ = _measure(route)
            assert 200 <= status < 300, (route.label, status)
            results.append(_route_calls(route.label, status, calls))
    return results


def _route_calls(label: str, status: int, calls) -> RouteCalls:
    return RouteCalls(
        label=label,
        status=status,
        reads=sum(count for name, count in calls.items() if name in READS),
        writes=sum(count for name, count in calls.items() if name in WRITES),
        scans=calls.get("Scan", 0),
        operations=dict(sorted(calls.items())),
    )


def _replay(client, dynamo_calls) -> None:
    from botocore import xform_name
    from botocore.exceptions import ClientError

    for operation, params in dynamo_calls:
        # A replayed write's condition may no longer hold; moto did the same work to say so.
        with suppress(ClientError):
            getattr(client, xform_name(operation))(**params)


def run_all(requests: int = REQUESTS) -> tuple[list[RouteCalls], list[tuple[str, float, float]]]:
    import boto3

    counts: list[RouteCalls] = []
    timings: list[tuple[str, float, float]] = []
    with in_process_api() as api, redirect_stdout(sys.stderr):  # the app's EMF lines are not the table
        client = boto3.client("dynamodb")
        for route in _routes(api):
            status, calls, dynamo = _measure(route)
            assert 200 <= status < 300, (route.label, status)
            counts.append(_route_calls(route.label, status, calls))
            app_samples, bare_samples = [], []
            for _ in range(requests):  # alternate app and replay so machine load hits both alike
                request = route.call() if route.label == "POST /time-entries/{id}/stop" else route.call
                started = time.perf_counter()
                request()
                app_samples.append(time.perf_counter() - started)
                started = time.perf_counter()
                _replay(client, dynamo)
                bare_samples.append(time.perf_counter() - started)
            timings.append((route.label, statistics.median(app_samples), statistics.median(bare_samples)))
    return counts, timings


def count_rows(counts: list[RouteCalls]) -> list[tuple[str, str, str]]:
    rows = []
    for item in counts:
        detail = ", ".join(f"{name}={count}" for name, count in item.operations.items())
        verdict = "ok" if item.within_budget else "OVER"
        rows.append(
            (
                f"DynamoDB calls {item.label} [{item.status}]",
                f"reads {item.reads}, writes {item.writes} ({detail})",
                f"reads ≤ {READ_BUDGET}, writes ≤ {WRITE_BUDGET}, no Scan: {verdict}",
            )
        )
    return rows


def overhead_rows(timings: list[tuple[str, float, float]], requests: int) -> list[tuple[str, str, str]]:
    rows = []
    for label, app, bare in timings:
        rows.append(
            (
                f"warm overhead {label} (median of {requests})",
                f"app {app * 1000:.1f} ms / boto3 {bare * 1000:.1f} ms = {app / bare:.2f}×",
                f"budget ≤ {OVERHEAD_BUDGET}×: {'ok' if app / bare <= OVERHEAD_BUDGET else 'OVER'}",
            )
        )
    total_app = sum(app for _, app, _ in timings)
    total_bare = sum(bare for _, _, bare in timings)
    rows.append(
        ("warm overhead, all 10 routes", f"{total_app / total_bare:.2f}× (sum of medians)", f"≤ {OVERHEAD_BUDGET}×")
    )
    return rows


def run(requests: int = REQUESTS) -> list[tuple[str, str, str]]:
    counts, timings = run_all(requests)
    return count_rows(counts) + overhead_rows(timings, requests)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=REQUESTS)
    arguments = parser.parse_args()
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    for row in run(arguments.requests):
        print(" | ".join(row))
