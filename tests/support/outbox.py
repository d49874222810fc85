"""Runs the async backbone in-process: the outbox publisher (as the table's stream would call it) and the
events consumer (as Lambda's SQS poller would), until nothing is left."""

import boto3

from chalicelib.core import events


def publish_outbox() -> int:
    """Hand every pending outbox event to the stream handler; returns how many were published."""
    published = 0
    while pending := events.pending():
        result = events.publish_stream_records(events.stream_records(pending))
        assert not result["batchItemFailures"], "the publisher failed"
        published += len(pending)
    return published


def consume_events() -> int:
    """Run the events consumer on every queued message; returns how many messages it handled."""
    sqs, url = boto3.client("sqs"), events.queue_url()
    handled = 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        result = events.run_batch([(m["MessageId"], m["Body"]) for m in messages])
        assert not result["batchItemFailures"], "an event delivery failed"
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += len(messages)
    return handled


def deliver_events() -> int:
    """Publish the outbox and consume what it published; returns how many events were delivered."""
    publish_outbox()
    return consume_events()
