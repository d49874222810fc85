"""`/reports/summary` over a month for an org with many time entries (default 200k, 20 users), and timer start.

Runs the app in-process (so its DynamoDB calls can be counted) against DynamoDB Local from a local stack on
free ports. Entries are bulk-loaded straight into the table with BatchWriteItem from several threads, built
with the TimeEntry model and its key templates, so every key and GSI is what the API would have written.
The load stops after `--max-load-seconds` (the report then covers what was loaded, and says so).
Prints: load rate, the report's latency, entries/s and DynamoDB calls per 1k entries read, per grouping; and
the DynamoDB calls of a timer start. Not a test: nothing here asserts a time.

    .venv/bin/python -m bench.time_report_scale [--entries 200000] [--users 20] [--max-load-seconds 300]
"""

import argparse
import inspect
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import bulk_load

MONTH_START = datetime(2026, 5, 1, tzinfo=UTC)
MONTH_DAYS = 31
PROJECTS = 12
TAGS = ("meeting", "review", "writing", "support", "design", "travel")
UNIT = 1_000  # entries built and written per unit of work
SAMPLES = 2
GROUPINGS = ("project", "user", "day")


def _add_row(rows: list, row: tuple[str, str, str]) -> None:
    rows.append(row)
    print(" | ".join(row), file=sys.stderr, flush=True)  # progress: a full run takes minutes


def add_members(*, org_id: str, count: int, hourly_rate: int) -> list[str]:
    """`count` users who are active members of the org (written directly: no invitation emails)."""
    from chalicelib.core.ids import new_id
    from chalicelib.orgs import service as orgs
    from chalicelib.users import service as users

    user_ids = []
    for index in range(count):
        user = users.build(
            user_id=new_id("usr"), email=f"bench.member{index}@example.com", name=f"Member {index}", password_hash=None
        )
        user.save()
        member = orgs.build_membership(org_id=org_id, user=user, role="member", status="active")
        member.hourly_rate = hourly_rate
        member.save()
        user_ids.append(user.id)
    return user_ids


def _entry(org_id: str, user_id: str, project_ids: list[str], rng: random.Random):
    from chalicelib.core.ids import new_id
    from chalicelib.time_entries.models import TimeEntry

    start = MONTH_START + timedelta(seconds=rng.randrange(MONTH_DAYS * 86400 - 4 * 3600))
    entry_id, now = new_id("te"), datetime.now(UTC)
    entry = TimeEntry(
        *TimeEntry.keys(org_id, entry_id),
        id=entry_id,
        org_id=org_id,
        user_id=user_id,
        project_id=rng.choice(project_ids) if rng.random() < 0.9 else None,
        description=f"Work item {rng.randrange(10_000)}",
        start=start,
        stop=start + timedelta(minutes=rng.randrange(5, 180)),
        billable=rng.random() < 0.8,
        hourly_rate=12_500 if rng.random() < 0.05 else None,
        tags=rng.sample(TAGS, rng.randrange(0, 3)),
        created_at=now,
        updated_at=now,
    )
    entry.index()
    return entry


def load_entries(*, org_id: str, user_ids: list[str], project_ids: list[str], count: int, max_seconds: float) -> int:
    """Bulk-load up to `count` finished entries in the month, spread over the users; stops after `max_seconds`."""

    def load(write_images, first: int) -> int:
        rng = random.Random(first)
        size = min(UNIT, count - first)
        entries = [_entry(org_id, user_ids[(first + i) % len(user_ids)], project_ids, rng) for i in range(size)]
        write_images([bulk_load.put_image(entry) for entry in entries])
        return size

    return bulk_load.in_parallel(range(0, count, UNIT), load, max_seconds=max_seconds)


def _measured(client, path: str) -> tuple[dict, int, float]:
    from chalicelib.core.metrics import count_dynamodb_calls

    with count_dynamodb_calls() as calls:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.json_body
    return response.json_body, calls.total, elapsed


def _timer_start_calls(client) -> tuple[int, int]:
    """DynamoDB calls of POST /entries/start with a timer already running: the whole request, and without auth."""
    from chalicelib.core.metrics import count_dynamodb_calls

    assert client.post("/api/v1/entries/start", json={"description": "warm"}).status_code == 201
    with count_dynamodb_calls() as calls:
        response = client.post("/api/v1/entries/start", json={"description": "bench"})
    assert response.status_code == 201, response.json_body
    return calls.total, calls.total - calls["BatchGetItem"]


def timer_rows() -> list[tuple[str, str, str]]:
    """The timer-start call count in-process against moto (the count is the same against DynamoDB): `make bench`."""
    from bench.harness import in_process_api

    with in_process_api() as api:
        from tests.support import factories  # after the harness set the table name

        owner = factories.register(api, email_address="timer.bench@example.com")
        total, without_auth = _timer_start_calls(owner.api)
    return [("DynamoDB calls POST /entries/start (one running)", f"{without_auth} + 1 auth = {total}", "≤ 2 + auth")]


def _stack(local_dir: Path):
    from tests.support.stack import LocalStack

    if "dynamodb_in_memory" in inspect.signature(LocalStack).parameters:
        return LocalStack(local_dir, dynamodb_in_memory=True)
    return LocalStack(local_dir)


def run(*, entries: int = 200_000, users: int = 20, max_load_seconds: float = 300) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    rows = []
    with tempfile.TemporaryDirectory() as local_dir:
        stack = _stack(Path(local_dir))
        stack.start()
        try:
            os.environ.update(stack.aws_env)
            os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
            os.environ.setdefault("STINT_API_RATE_LIMIT_PER_MINUTE", "100000")  # one token makes every request
            from app import app
            from tests.support import factories
            from tests.support.client import ApiClient

            api = ApiClient(app)
            owner = factories.register(api, email_address="time.bench@example.com")
            # A personal API token: a 200k-entry run outlasts an access token's 15 minutes.
            client = factories.api_token(owner, name="bench").api
            acme = client.post("/api/v1/clients", json={"name": "Acme", "hourly_rate": 15_000}).json_body["id"]
            project_ids = []
            for index in range(PROJECTS):
                body = {"name": f"Project {index}"}
                if index % 3 == 0:
                    body["hourly_rate"] = 10_000 + 500 * index
                elif index % 3 == 1:
                    body["client_id"] = acme
                created = client.post("/api/v1/projects", json=body)
                assert created.status_code == 201, created.json_body
                project_ids.append(created.json_body["id"])
            client.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"default_hourly_rate": 9_000}})
            user_ids = [owner.user_id, *add_members(org_id=owner.org_id, count=users - 1, hourly_rate=11_000)]

            started = time.perf_counter()
            loaded = load_entries(
                org_id=owner.org_id,
                user_ids=user_ids,
                project_ids=project_ids,
                count=entries,
                max_seconds=max_load_seconds,
            )
            seconds = time.perf_counter() - started
            note = "" if loaded == entries else f"stopped after {max_load_seconds:.0f} s of {entries} asked"
            _add_row(
                rows,
                (f"bulk load {loaded} entries, {users} users", f"{seconds:.1f} s ({loaded / seconds:.0f}/s)", note),
            )

            month = "from=2026-05-01&to=2026-06-01"
            _measured(client, f"/api/v1/reports/summary?{month}")  # warm-up: connections, JIT, caches
            for group_by in GROUPINGS:
                path = f"/api/v1/reports/summary?{month}&group_by={group_by}"
                samples = [_measured(client, path) for _ in range(SAMPLES)]
                report, calls, _ = samples[0]
                read = report["totals"]
                assert sum(group["seconds"] for group in report["groups"]) >= read["seconds"]
                latency = statistics.median(elapsed for _, _, elapsed in samples)
                _add_row(
                    rows,
                    (
                        f"summary by {group_by}, {loaded} entries",
                        f"{latency:.2f} s, {loaded / latency:,.0f} entries/s, {calls} calls"
                        f" = {1000 * calls / loaded:.2f} per 1k entries",
                        "< 2 calls per 1k entries",
                    ),
                )
            total, without_auth = _timer_start_calls(client)
            _add_row(
                rows,
                ("timer start (replacing a running one)", f"{without_auth} calls + 1 auth = {total}", "≤ 2 + auth"),
            )
        finally:
            stack.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--max-load-seconds", type=float, default=300)
    args = parser.parse_args()
    rows = run(entries=args.entries, users=args.users, max_load_seconds=args.max_load_seconds)
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name.ljust(width)} | {value} | {target}")


if __name__ == "__main__":
    main()
