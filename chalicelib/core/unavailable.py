"""DynamoDB throttling and timeouts that outlast the client's retries become `ServiceUnavailable` (503).

botocore retries throttled and timed-out calls itself (PynamoDB: standard mode, `dynamodb_max_retry_attempts`
retries with jittered backoff, `dynamodb_*_timeout_seconds` per attempt). When the last attempt still fails,
a hook on botocore's built-in handler list (like core.metrics) raises `ServiceUnavailable` in place of the
error, so that every caller — PynamoDB models, transactions, the error envelope, SQS consumers — sees one
exception: the API answers 503 `internal_error` with `Retry-After`, never a 500, and consumers report the
message as failed so SQS delivers it again. Nothing is half-written: every multi-item write is a transaction.
"""

from botocore import handlers
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from botocore.exceptions import HTTPClientError

from chalicelib.core.errors import ServiceUnavailable

RETRY_AFTER_SECONDS = 1
THROTTLED = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",  # DynamoDB's own transient 500
    }
)
# Reasons DynamoDB gives per item when it cancels a transaction for capacity rather than for a condition.
_THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})


def _after_call(http_response, parsed, model, **_kwargs) -> None:
    if http_response.status_code < 300:
        return
    error = parsed.get("Error", {})
    code = error.get("Code")
    if code == "TransactionCanceledException":
        reasons = {reason.get("Code") for reason in parsed.get("CancellationReasons", [])}
        if reasons & _THROTTLED_REASONS and "ConditionalCheckFailed" not in reasons:
            code = "ThrottlingError"
        else:
            return
    elif code not in THROTTLED:
        return
    raise ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS) from _Cause(f"DynamoDB {model.name}: {code}")


def _after_call_error(exception, **_kwargs) -> None:
    # Timeouts (connect or read), refused or dropped connections: what botocore itself retries as transient.
    if isinstance(exception, BotocoreConnectionError | HTTPClientError):
        raise ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS) from exception


class _Cause(Exception):
    """What DynamoDB answered, kept as the 503's cause for the logs (never shown to clients)."""


for _hook in (("after-call.dynamodb", _after_call), ("after-call-error.dynamodb", _after_call_error)):
    if _hook not in handlers.BUILTIN_HANDLERS:
        handlers.BUILTIN_HANDLERS.append(_hook)
