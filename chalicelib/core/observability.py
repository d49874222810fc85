"""What every invocation reports: a structured log line and EMF metrics (Powertools), without extra calls.

API requests (`request_finished`, called by the error envelope): one `request` line with request id, org id
(added by authentication), route template, path, method, status, latency and DynamoDB calls; metrics
`Requests`, `Latency`, `DynamoDBCalls`, and `ClientErrors` / `ServerErrors` / `Unavailable` (503: DynamoDB
throttled or unreachable) when they happen.

Background functions (`install`: Chalice middleware per event type):
* SQS consumers — `Messages`, `FailedMessages`, `QueueLag` (age of the oldest message of the batch, ms),
  dimension `queue`;
* the outbox stream — `StreamRecords`, `StreamLag` (age of the oldest record, ms);
* schedules — `ScheduledRuns`, `ScheduledRunFailures`, `Duration`, dimension `function`.

Metrics are EMF lines on stdout (CloudWatch extracts them from the logs: no PutMetricData, no IAM), in the
`Stint` namespace with the `service` dimension. A request's blob is built directly (the same JSON Powertools
would print, a test compares them) and costs one json.dumps; batches and runs go through Powertools Metrics.
"""

import json
import threading
import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.core.logs import logger
from chalicelib.core.metrics import dynamodb_calls_made

NAMESPACE, SERVICE = "Stint", "stint"
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# Powertools keeps one metric set per process; requests served by threads (the local server) take turns.
_lock = threading.Lock()


def _emit(values: dict[str, tuple[float, str]], *, dimensions: dict[str, str] | None = None, **metadata) -> None:
    with _lock:
        for name, (value, unit) in values.items():
            metrics.add_metric(name=name, unit=unit, value=value)
        for key, value in (dimensions or {}).items():
            metrics.add_dimension(name=key, value=value)
        for key, value in metadata.items():
            metrics.add_metadata(key=key, value=value)
        metrics.flush_metrics()


# --- API requests --------------------------------------------------------------------------------------------


def request_started() -> tuple[float, int]:
    """What `request_finished` measures from."""
    return time.perf_counter(), dynamodb_calls_made()


def route_of(request: Request | None) -> str | None:
    """The route template the request matched (`/api/v1/tasks/{task_id}`): Chalice's `request.path`."""
    return getattr(request, "path", None)


def request_finished(request: Request | None, response: Response, started: tuple[float, int]) -> None:
    """Log the request (the route and request id are already on every line) and emit its metrics."""
    latency_ms = round((time.perf_counter() - started[0]) * 1000, 2)
    calls = dynamodb_calls_made() - started[1]
    status = response.status_code
    route = route_of(request)
    logger.info(
        "request",
        extra={
            "path": (getattr(request, "context", None) or {}).get("path"),  # the one requested, ids and all
            "method": getattr(request, "method", None),
            "status": status,
            "latency_ms": latency_ms,
            "dynamodb_calls": calls,
        },
    )
    values = {
        "Requests": (1, MetricUnit.Count),
        "Latency": (latency_ms, MetricUnit.Milliseconds),
        "DynamoDBCalls": (calls, MetricUnit.Count),
    }
    if 400 <= status < 500:
        values["ClientErrors"] = (1, MetricUnit.Count)
    elif status >= 500:
        values["ServerErrors"] = (1, MetricUnit.Count)
        if status == 503:
            values["Unavailable"] = (1, MetricUnit.Count)
    print(json.dumps(request_blob(values, route=route, status=status), separators=(",", ":")))


@cache
def _directive(metrics: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {
        "Namespace": NAMESPACE,
        "Dimensions": [["service"]],
        "Metrics": [{"Name": name, "Unit": unit} for name, unit in metrics],
    }


def request_blob(values: dict[str, tuple[float, MetricUnit]], **metadata: Any) -> dict[str, Any]:
    """The EMF blob Powertools would serialize for these metrics (a test compares them), built directly:
    a request pays for one json.dumps instead of Powertools' per-metric validation (docs/decisions.md 63)."""
    blob: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [_directive(tuple((name, unit.value) for name, (_, unit) in values.items()))],
        },
        "service": SERVICE,
        **metadata,
    }
    for name, (value, _) in values.items():
        blob[name] = [float(value)]
    return blob


# --- background functions ------------------------------------------------------------------------------------


def _age_ms(epoch_seconds: float, now: float) -> float:
    return max(0.0, round((now - epoch_seconds) * 1000, 1))


def _queue_of(record: dict[str, Any]) -> str:
    return str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1] or "unknown"


def _sqs(event, get_response) -> Any:
    records = [record.to_dict() for record in event]
    now = time.time()
    sent = [int(r.get("attributes", {}).get("SentTimestamp", 0)) / 1000 for r in records]
    lag = max((_age_ms(at, now) for at in sent if at), default=0.0)
    queue = _queue_of(records[0]) if records else "unknown"
    failed = len(records)
    try:
        result = get_response(event)
        failed = len((result or {}).get("batchItemFailures", []))
        return result
    finally:
        logger.info("sqs batch", extra={"queue": queue, "messages": len(records), "failed": failed, "lag_ms": lag})
        _emit(
            {
                "Messages": (len(records), MetricUnit.Count),
                "FailedMessages": (failed, MetricUnit.Count),
                "QueueLag": (lag, MetricUnit.Milliseconds),
            },
            dimensions={"queue": queue},
        )


def _stream(event, get_response) -> Any:
    records = [record.to_dict() for record in event]
    now = time.time()
    created = [float(r.get("dynamodb", {}).get("ApproximateCreationDateTime", 0)) for r in records]
    lag = max((_age_ms(at, now) for at in created if at), default=0.0)
    try:
        return get_response(event)
    finally:
        logger.info("stream batch", extra={"records": len(records), "lag_ms": lag})
        _emit({"StreamRecords": (len(records), MetricUnit.Count), "StreamLag": (lag, MetricUnit.Milliseconds)})


def _schedule(event, get_response) -> Any:
    function = getattr(getattr(event, "context", None), "function_name", None) or "local"
    started, failed = time.perf_counter(), 1
    try:
        result = get_response(event)
        failed = 0
        return result
    finally:
        duration = round((time.perf_counter() - started) * 1000, 1)
        logger.info("scheduled run", extra={"function": function, "failed": bool(failed), "duration_ms": duration})
        _emit(
            {
                "ScheduledRuns": (1, MetricUnit.Count),
                "ScheduledRunFailures": (failed, MetricUnit.Count),
                "Duration": (duration, MetricUnit.Milliseconds),
            },
            dimensions={"function": function},
        )


def install(app: Chalice) -> None:
    """Report every SQS batch, stream batch and scheduled run the app's functions handle."""
    app.register_middleware(_sqs, "sqs")
    app.register_middleware(_stream, "dynamodb")
    app.register_middleware(_schedule, "scheduled")
