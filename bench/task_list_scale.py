"""Task list and project stats at 1k vs 100k tasks in one org, against real DynamoDB Local.

The app runs in-process (so its DynamoDB calls can be counted) with its endpoints pointed at a local stack
started on free ports. Tasks are bulk-loaded straight into the table with the app's own model, so every key
and GSI is exactly what the API would have written. Prints calls and median latency per request.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SIZES = (1_000, 100_000)
SAMPLES = 15
PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("open", "in_progress", "done")


def _load_tasks(org_id: str, project_id: str, user_id: str, count: int) -> None:
    from chalicelib.core.db import Item
    from chalicelib.core.ids import new_id
    from chalicelib.core.ranks import after
    from chalicelib.core.timeutil import utcnow
    from chalicelib.tasks.models import Task, TaskCount

    def chunk(size: int) -> dict:
        counts: dict = {}
        position = None
        with Item.batch_write() as batch:
            for _ in range(size):
                now, task_id, status = utcnow(), new_id("tsk"), random.choice(STATUSES)
                position = after(position)
                task = Task(
                    *Task.keys(org_id, task_id),
                    id=task_id,
                    org_id=org_id,
                    project_id=project_id,
                    title=f"Task {task_id[-6:]}",
                    title_lower=f"task {task_id[-6:]}".lower(),
                    status=status,
                    done=1 if status == "done" else 0,
                    priority=random.choice(PRIORITIES),
                    reporter_id=user_id,
                    position=position,
                    created_at=now,
                    updated_at=now,
                )
                task.index()
                batch.save(task)
                counts[status] = counts.get(status, 0) + 1
        return counts

    per_worker = 5_000
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(chunk, [min(per_worker, count - start) for start in range(0, count, per_worker)]))
    for status in STATUSES:
        total = sum(result.get(status, 0) for result in results)
        TaskCount(*TaskCount.project_keys(org_id, project_id, status)).update(
            actions=[TaskCount.count.add(total), TaskCount.entity.set(TaskCount)]
        )


def _measure(api, path: str) -> tuple[int, float]:
    from chalicelib.core.metrics import count_dynamodb_calls

    timings, calls = [], 0
    for _ in range(SAMPLES):
        with count_dynamodb_calls() as counted:
            started = time.perf_counter()
            response = api.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.json_body
        calls = counted.total
    return calls, statistics.median(timings) * 1000


def run(sizes=SIZES) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.stack import LocalStack

    rows = []
    with tempfile.TemporaryDirectory() as local_dir:
        stack = LocalStack(Path(local_dir))
        stack.start()
        try:
            os.environ.update(stack.aws_env)
            from app import app
            from tests.support import factories
            from tests.support.client import ApiClient

            api = ApiClient(app)
            results = {}
            for size in sizes:
                owner = factories.register(api, email_address=f"bench{size}@example.com")
                project = owner.api.post("/api/v1/projects", json={"name": f"Scale {size}"}).json_body
                started = time.perf_counter()
                _load_tasks(owner.org_id, project["id"], owner.user_id, size)
                load_seconds = time.perf_counter() - started
                list_path = f"/api/v1/tasks?project_id={project['id']}&status=open&sort=priority&order=desc"
                results[size] = {
                    "list": _measure(owner.api, list_path),
                    "stats": _measure(owner.api, "/api/v1/projects/stats"),
                }
                rows.append((f"bulk load {size} tasks", f"{load_seconds:.1f} s", ""))
                for name, (calls, latency) in results[size].items():
                    rows.append((f"{name} @ {size} tasks", f"{calls} calls, {latency:.1f} ms median", "≤ 3 calls"))
            small, large = min(sizes), max(sizes)
            for name in ("list", "stats"):
                ratio = results[large][name][1] / results[small][name][1]
                rows.append((f"{name} latency {large} / {small}", f"{ratio:.2f}", "budget ≤ 1.3"))
        finally:
            stack.stop()
    return rows


if __name__ == "__main__":
    sizes = tuple(int(arg) for arg in sys.argv[1:]) or SIZES
    for row in run(sizes):
        print(" | ".join(row))
