"""Counts DynamoDB API calls through a botocore event hook, for tests, benchmarks and per-request metrics.

The hook is added to botocore's built-in handler list, so every session created afterwards (boto3's and
PynamoDB's alike) reports its calls; counting only happens inside `count_dynamodb_calls()`.
`record_aws_calls()` records every AWS call with its parameters (tests/unit/infra checks IAM roles with it).
"""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from botocore import handlers

_lock = threading.Lock()
_active: list[Counter] = []
_made = 0  # every call this process made; per-request metrics take differences (core.observability)


def _on_dynamodb_call(model, **_kwargs) -> None:
    global _made
    _made += 1
    if not _active:
        return
    with _lock:
        for counter in _active:
            counter[model.name] += 1


_recorders: list[list] = []


def _on_any_call(model, params, **_kwargs) -> None:
    if _recorders:
        with _lock:
            for calls in _recorders:
                calls.append((model.service_model.service_name, model.name, dict(params)))


for _hook in (("before-call.dynamodb", _on_dynamodb_call), ("before-parameter-build", _on_any_call)):
    if _hook not in handlers.BUILTIN_HANDLERS:
        handlers.BUILTIN_HANDLERS.append(_hook)


class DynamoCalls(Counter):
    """Calls per operation name (`GetItem`, `Query`, `TransactWriteItems`, …)."""

    @property
    def total(self) -> int:
        return sum(self.values())


@contextmanager
def count_dynamodb_calls() -> Iterator[DynamoCalls]:
    """Count every DynamoDB call made by any thread of this process while the block runs."""
    calls = DynamoCalls()
    with _lock:
        _active.append(calls)
    try:
        yield calls
    finally:
        with _lock:
            _active.remove(calls)


def dynamodb_calls_made() -> int:
    """How many DynamoDB calls this process has made so far (any thread)."""
    return _made


@contextmanager
def record_aws_calls() -> Iterator[list[tuple[str, str, dict]]]:
    """Every AWS call — (service, operation, parameters) — any thread makes while the block runs."""
    calls: list[tuple[str, str, dict]] = []
    with _lock:
        _recorders.append(calls)
    try:
        yield calls
    finally:
        with _lock:
            _recorders.remove(calls)
