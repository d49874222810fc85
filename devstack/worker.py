"""The local stand-in for Lambda's event sources: it feeds SQS messages, schedules and the table's stream of
new outbox events to the app's own handlers.

In AWS, Lambda polls SQS and the table's stream and EventBridge fires schedules; here one process does all
three, calling the very functions Chalice registered (`@app.on_sqs_message`, `@app.schedule`,
`@app.on_dynamodb_record`). The stream handler is fed the pending outbox events (a Query on their sparse
index, never a Scan), shaped as the stream's INSERT records.
"""

import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from chalice.app import Chalice, DynamoDBEventConfig, Rate, ScheduledEventConfig, SQSEventConfig

from chalicelib.core import events
from chalicelib.core.logs import logger

OUTBOX_POLL_SECONDS = 1.0
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class _Context:
    function_name = "local-worker"
    aws_request_id = "local"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda hands an SQS-triggered function."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
            }
            for message in messages
        ]
    }


def drain_once(app: Chalice, source: SQSEventConfig, *, wait_seconds: int = 0) -> int:
    """Receive one batch for `source` and hand it to its handler; delete the batch only if it succeeded."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    received = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=min(source.batch_size, 10),
        WaitTimeSeconds=wait_seconds,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    if not received:
        return 0
    handler = app.handler_map[source.name]
    try:
        result = handler(sqs_event(received, arn), _Context()) or {}
    except Exception:  # Lambda leaves the whole batch for retry when the function fails; so do we.
        logger.exception("sqs handler failed", extra={"queue": source.queue})
        return 0
    failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
    done = [m for m in received if m["MessageId"] not in failed]
    for start in range(0, len(done), 10):
        batch = done[start : start + 10]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    return len(done)


def publish_outbox_once(app: Chalice, source: DynamoDBEventConfig) -> int:
    """Hand the pending outbox events to the stream handler as the stream's records; returns how many."""
    pending = events.pending(limit=max(1, source.batch_size // events.OUTBOX_SHARDS))
    if not pending:
        return 0
    handler = app.handler_map[source.name]
    try:
        handler({"Records": events.stream_records(pending)}, _Context())
    except Exception:  # the events stay pending: the next poll retries them, as the stream would
        logger.exception("stream handler failed", extra={"handler": source.name})
        return 0
    return len(pending)


def schedule_interval(source: ScheduledEventConfig) -> int | None:
    """Seconds between runs of a `rate(...)` schedule; cron schedules are run every minute by their handler."""
    expression = source.schedule_expression
    if isinstance(expression, Rate):
        return expression.value * _SECONDS[expression.unit.lower().rstrip("s")]
    match = _RATE.fullmatch(str(expression))
    if match:
        return int(match.group(1)) * _SECONDS[match.group(2).rstrip("s")]
    return None


def run_schedule(app: Chalice, source: ScheduledEventConfig) -> None:
    """Invoke a scheduled handler once, with the event EventBridge would send."""
    handler = app.handler_map[source.name]
    event = {  # every field Chalice's CloudWatchEvent reads
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "detail": {},
        "resources": [],
    }
    try:
        handler(event, _Context())
    except Exception:  # a failed run is retried at the next tick, as EventBridge would
        logger.exception("scheduled handler failed", extra={"handler": source.name})


def run_forever(app: Chalice, stop: threading.Event) -> None:
    """Poll every queue and fire every schedule until `stop` is set."""
    threads = []
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig):
            target = _poll_loop
        elif isinstance(source, ScheduledEventConfig):
            target = _schedule_loop
        elif isinstance(source, DynamoDBEventConfig):
            target = _outbox_loop
        else:
            continue
        thread = threading.Thread(target=target, args=(app, source, stop), daemon=True)
        thread.start()
        threads.append(thread)
    logger.info("local worker running", extra={"sources": len(threads)})
    stop.wait()


def _poll_loop(app: Chalice, source: SQSEventConfig, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            drain_once(app, source, wait_seconds=20)
        except Exception:  # the emulator may be restarting; keep polling
            logger.exception("polling failed", extra={"queue": source.queue})
            stop.wait(2)


def _outbox_loop(app: Chalice, source: DynamoDBEventConfig, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            published = publish_outbox_once(app, source)
        except Exception:  # DynamoDB Local may be restarting; keep polling
            logger.exception("outbox polling failed")
            published = 0
        if not published:
            stop.wait(OUTBOX_POLL_SECONDS)


def _schedule_loop(app: Chalice, source: ScheduledEventConfig, stop: threading.Event) -> None:
    interval = schedule_interval(source) or 60
    while not stop.wait(interval):
        started = time.monotonic()
        run_schedule(app, source)
        logger.info("scheduled run", extra={"handler": source.name, "seconds": time.monotonic() - started})
