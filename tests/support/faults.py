"""Fault injection for DynamoDB: throttling and timeouts, through a botocore `before-send` hook.

The hook sits on botocore's built-in handler list (imported by tests/conftest.py before any session exists)
and does nothing unless a test activates faults. It answers a request in place of DynamoDB (before moto's
own `before-send` hook, which is less specific, and without letting moto run it), so botocore's retries,
PynamoDB and the app see exactly what a throttled or unreachable DynamoDB would give them:

    with dynamodb_faults(THROTTLED, operations={"TransactWriteItems"}) as faults:
        response = api.post(...)
    assert faults.injected == 4   # the first try and every retry
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.retries import standard

PROVISIONED_THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException"
THROTTLING = "ThrottlingException"
TRANSACTION_THROTTLED = "TransactionThrottled"  # a transaction cancelled with ThrottlingError reasons
READ_TIMEOUT = "ReadTimeout"
CONNECT_TIMEOUT = "ConnectTimeout"

_ERROR_TYPES = {
    PROVISIONED_THROUGHPUT_EXCEEDED: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    THROTTLING: "com.amazon.coral.availability#ThrottlingException",
}


@dataclass
class Faults:
    """Active faults: each matching request gets `fault` until `times` of them were injected (None: all)."""

    fault: str
    operations: set[str] | None = None
    times: int | None = None
    injected: int = 0
    seen: list[str] = field(default_factory=list)  # every DynamoDB operation sent while active

    def take(self, operation: str) -> bool:
        self.seen.append(operation)
        if self.operations is not None and operation not in self.operations:
            return False
        if self.times is not None and self.injected >= self.times:
            return False
        self.injected += 1
        return True


_lock = threading.Lock()
_active: list[Faults] = []


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs) -> Iterator[bytes]:
        yield self._body


def _error_response(request, fault: str) -> AWSResponse:
    if fault == TRANSACTION_THROTTLED:
        items = json.loads(request.body or b"{}").get("TransactItems", [{}])
        body = {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
            "CancellationReasons": [{"Code": "ThrottlingError", "Message": "Throughput exceeds the limit"}]
            + [{"Code": "None"}] * (len(items) - 1),
        }
    else:
        body = {"__type": _ERROR_TYPES[fault], "message": "Rate of requests exceeds the allowed throughput."}
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault-injected"}
    return AWSResponse(request.url, 400, headers, _Raw(json.dumps(body).encode()))


def _before_send(request, **_kwargs):
    if not _active:
        return None
    operation = request.headers.get("X-Amz-Target", b"")
    operation = (operation.decode() if isinstance(operation, bytes) else operation).rsplit(".", 1)[-1]
    with _lock:
        fault = next((faults.fault for faults in _active if faults.take(operation)), None)
    if fault is None:
        return None
    if fault == READ_TIMEOUT:
        raise ReadTimeoutError(endpoint_url=request.url)
    if fault == CONNECT_TIMEOUT:
        raise ConnectTimeoutError(endpoint_url=request.url)
    response = _error_response(request, fault)
    # Every before-send hook runs, and moto's (after this one) would still carry the request out; pointed at
    # a host moto does not serve, it is left alone. botocore builds a new request for each retry.
    request.url = "https://fault-injected.invalid/"
    return response


_HOOK = ("before-send.dynamodb", _before_send)
if _HOOK not in handlers.BUILTIN_HANDLERS:
    handlers.BUILTIN_HANDLERS.append(_HOOK)


@contextmanager
def dynamodb_faults(fault: str, *, operations: set[str] | None = None, times: int | None = None) -> Iterator[Faults]:
    """Inject `fault` into DynamoDB requests (of `operations`, or all) while the block runs, `times` at most.

    botocore's retry backoff is skipped meanwhile, so retries happen at once (the retry count is unchanged).
    """
    faults = Faults(fault, operations, times)
    original_delay = standard.ExponentialBackoff.delay_amount
    standard.ExponentialBackoff.delay_amount = lambda self, context: 0
    with _lock:
        _active.append(faults)
    try:
        yield faults
    finally:
        with _lock:
            _active.remove(faults)
        standard.ExponentialBackoff.delay_amount = original_delay
