"""Task list and project stats at 1k vs 100k tasks in one org, against real DynamoDB Local.

The app runs in-process (so its DynamoDB calls can be counted) with its endpoints pointed at a local stack
started on free ports, DynamoDB Local in memory. Tasks are bulk-loaded straight into the table with
BatchWriteItem from several threads: every item is built by `tasks.service.build` (the function `create`
uses, so fields, workflow, GSI keys and version are what the API writes) and the counters are written by
`tasks.service.add_to_counters` (the same UpdateItem ADDs a task transaction makes). Audit entries and search
words are not loaded: neither lies in a key range the two measured requests read.

Both orgs are loaded first; then requests to the small and the large org alternate, so load on this shared
machine hits both sizes alike. Prints DynamoDB calls per request, median latency and the ratio.

    python -m bench.task_list_scale [small large] [--max-load-seconds N]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import bulk_load

SIZES = (1_000, 100_000)
SAMPLES = 31
UNIT = 1_000  # tasks per unit of work: built, written 25 per BatchWriteItem, then their counters added
PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("open", "in_progress", "done")


class _ApplyNow:
    """Stands in for a transaction: each counter update the service would add to it is applied at once."""

    def update(self, item, actions) -> None:
        item.update(actions=actions)


def load_tasks(*, org_id: str, project_id: str, user_id: str, count: int, max_seconds: float) -> int:
    """Bulk-load up to `count` tasks into one project; stops early after `max_seconds`. Returns how many."""
    from chalicelib.core.ranks import after
    from chalicelib.statuses import service as statuses
    from chalicelib.tasks import service as tasks
    from chalicelib.tasks.schemas import TaskCreate

    workflow = statuses.by_code(org_id=org_id)
    positions, position = [], None
    for _ in range(count):  # one chain of ranks, as successive creates in the default group make
        position = after(position)
        positions.append(position)

    def load(write_images, start: int) -> int:
        built = [
            tasks.build(
                org_id=org_id,
                project_id=project_id,
                reporter_id=user_id,
                body=TaskCreate(
                    title=f"Task {index}",
                    project_id=project_id,
                    status=random.choice(STATUSES),
                    priority=random.choice(PRIORITIES),
                    assignee_id=user_id if index % 2 else None,
                ),
                workflow=workflow,
                position=positions[index],
            )
            for index in range(start, min(start + UNIT, count))
        ]
        write_images([bulk_load.put_image(task) for task in built])
        tasks.add_to_counters(_ApplyNow(), *((task, +1) for task in built))
        return len(built)

    return bulk_load.in_parallel(range(0, count, UNIT), load, max_seconds=max_seconds)


def _timed(api, path: str) -> tuple[dict, float]:
    from chalicelib.core.metrics import count_dynamodb_calls

    with count_dynamodb_calls() as counted:
        started = time.perf_counter()
        response = api.get(path)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.json_body
    return dict(counted), elapsed * 1000


def _calls(samples: list[dict]) -> str:
    """The usual number of calls per request, and which operations the requests above it added."""
    totals = [sum(calls.values()) for calls in samples]
    usual = statistics.mode(totals)
    typical = next(calls for calls in samples if sum(calls.values()) == usual)
    above = [calls for calls in samples if sum(calls.values()) > usual]
    if not above:
        return f"{usual} calls"
    added = sorted({op for calls in above for op, n in calls.items() if n > typical.get(op, 0)})
    return f"{usual} calls ({max(totals)} on {len(above)}/{len(samples)}: +{'/'.join(added)})"


def run(sizes=SIZES, *, max_load_seconds: float = 900) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.stack import LocalStack

    rows = []
    with tempfile.TemporaryDirectory() as local_dir:
        stack = LocalStack(Path(local_dir), dynamodb_in_memory=True)
        stack.start()
        try:
            os.environ.update(stack.aws_env)
            os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # no per-request log lines in the output
            from app import app
            from tests.support import factories
            from tests.support.client import ApiClient

            api = ApiClient(app)
            paths, loaded = {}, {}
            for size in sizes:
                owner = factories.register(api, email_address=f"bench{size}@example.com")
                project = owner.api.post("/api/v1/projects", json={"name": f"Scale {size}"}).json_body
                started = time.perf_counter()
                loaded[size] = load_tasks(
                    org_id=owner.org_id,
                    project_id=project["id"],
                    user_id=owner.user_id,
                    count=size,
                    max_seconds=max_load_seconds,
                )
                seconds = time.perf_counter() - started
                rows.append(
                    (f"bulk load {loaded[size]} tasks", f"{seconds:.1f} s ({loaded[size] / seconds:.0f}/s)", "")
                )
                paths[size] = {
                    "list": (
                        owner.api,
                        f"/api/v1/tasks?project_id={project['id']}&status=open&sort=priority&order=desc",
                    ),
                    "stats": (owner.api, "/api/v1/projects/stats"),
                }
            results = {(size, name): [] for size in sizes for name in ("list", "stats")}
            for sample in range(SAMPLES + 1):  # the first round warms caches and connections, and is dropped
                for name in ("list", "stats"):
                    for size in sizes:
                        client, path = paths[size][name]
                        measured = _timed(client, path)
                        if sample:
                            results[(size, name)].append(measured)
            for name in ("list", "stats"):
                for size in sizes:
                    latency = statistics.median(ms for _, ms in results[(size, name)])
                    shown = f"{_calls([calls for calls, _ in results[(size, name)]])}, {latency:.1f} ms median"
                    rows.append((f"{name} @ {loaded[size]} tasks", shown, "≤ 3 calls"))
                small, large = (statistics.median(ms for _, ms in results[(size, name)]) for size in sizes)
                ratio_name = f"{name} latency {loaded[sizes[1]]} / {loaded[sizes[0]]}"
                rows.append((ratio_name, f"{large / small:.2f}", "≤ 1.3"))
        finally:
            stack.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--max-load-seconds", type=float, default=900)
    args = parser.parse_args()
    if len(args.sizes) != 2:
        parser.error("give two sizes (small, large)")
    rows = run(tuple(args.sizes), max_load_seconds=args.max_load_seconds)
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name.ljust(width)} | {value} | {target}")


if __name__ == "__main__":
    main()
