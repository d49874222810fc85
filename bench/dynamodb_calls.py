"""DynamoDB calls per request for each benchmarked route (in-process, moto backend: the count is the same)."""

import os

from bench.harness import in_process_api
from chalicelib.core.metrics import count_dynamodb_calls

ROUTES = [("GET /api/v1/health", "GET", "/api/v1/health", 1)]


def run() -> list[tuple[str, str, str]]:
    rows = []
    with in_process_api() as api:
        for label, method, path, budget in ROUTES:
            with count_dynamodb_calls() as calls:
                api.request(method, path)
            detail = ", ".join(f"{name}={count}" for name, count in sorted(calls.items()))
            rows.append((f"DynamoDB calls {label}", f"{calls.total} ({detail})", f"budget ≤ {budget}"))
    return rows


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for row in run():
        print(" | ".join(row))
