"""The async backbone with moto's SQS: outbox → publisher → events queue → idempotent consumers, DLQ."""

import json
from collections import Counter

import boto3
import pytest

from chalicelib.core import events
from chalicelib.core.db import TransactionCancelled, transact, transaction
from chalicelib.core.events import Event
from chalicelib.core.ids import new_id
from devstack.resources import MAX_RECEIVE_COUNT
from devstack.worker import drain_once, publish_outbox_once

PROBE = "outbox_probe"
runs: Counter = Counter()  # event id -> subscriber runs
failures_left: Counter = Counter()  # event id -> how many more runs should fail


@events.subscriber(PROBE)
def _probe(event: Event) -> None:
    runs[event.id] += 1
    if failures_left[event.id] > 0:
        failures_left[event.id] -= 1
        raise RuntimeError("the subscriber's downstream is unavailable")


@pytest.fixture(autouse=True)
def _reset():
    runs.clear()
    failures_left.clear()


def emit(*, org_id: str | None = None, data: dict | None = None) -> Event:
    made = []
    transact(
        lambda tx: made.append(
            events.emit(tx, org_id=org_id or new_id("org"), type=PROBE, data=data or {}, recipients=["usr_x"])
        )
    )
    return made[0]


def stored(event: Event) -> Event:
    return Event.get(event.PK, event.SK, consistent_read=True)


def queued_bodies() -> list[dict]:
    """Every message on the events queue (received and left invisible, so each is seen once)."""
    sqs, bodies = boto3.client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=events.queue_url(), MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in messages]
    return bodies


def dlq_url() -> str:
    sqs = boto3.client("sqs")
    return sqs.get_queue_url(QueueName=f"{events.queue_url().rsplit('/', 1)[1]}-dlq")["QueueUrl"]


# --- publishing ----------------------------------------------------------------------------------------------


def test_a_new_event_reaches_the_events_queue_and_stops_being_pending(resources):
    # GIVEN an event written by a committed transaction
    event = emit(data={"task_id": "tsk_1"})
    assert stored(event).pending
    # WHEN the table's stream hands its creation to the publisher
    result = events.publish_stream_records(events.stream_records([event]))
    # THEN the event is on the events queue, with its id, type, org and data, and no longer pending
    assert result == {"batchItemFailures": []}
    [body] = queued_bodies()
    assert (body["id"], body["type"], body["org_id"], body["data"]) == (event.id, PROBE, event.org_id, event.data)
    assert not stored(event).pending and stored(event).published_at is not None
    assert events.pending() == []


def test_a_redelivered_stream_batch_publishes_nothing_twice(resources):
    # GIVEN an event already published from its stream record
    event = emit()
    records = events.stream_records([event])
    events.publish_stream_records(records)
    # WHEN the stream delivers the same records again (Lambda retries a batch)
    events.publish_stream_records(records)
    # THEN the queue holds the event once
    assert [body["id"] for body in queued_bodies()] == [event.id]


def test_stream_records_of_other_items_are_ignored(resources):
    # GIVEN a stream batch with an update of an event and the creation of some other item
    event = emit()
    [record] = events.stream_records([event])
    modified = {**record, "eventName": "MODIFY"}
    other = json.loads(json.dumps(record))
    other["dynamodb"]["NewImage"]["entity"] = {"S": "TASK"}
    # WHEN the publisher receives it
    events.publish_stream_records([modified, other])
    # THEN nothing is sent and the event is still pending for its own INSERT record
    assert queued_bodies() == [] and stored(event).pending


def test_an_event_of_a_cancelled_transaction_is_never_published(resources):
    # GIVEN a transaction that emits an event but fails its condition
    org_id = new_id("org")
    with pytest.raises(TransactionCancelled), transaction() as tx:
        events.emit(tx, org_id=org_id, type=PROBE, data={}, recipients=[])
        tx.condition_check(Event, f"ORG#{org_id}", "EVENT#missing", condition=Event.PK.exists())
    # WHEN the outbox is drained
    # THEN there was nothing to publish
    assert events.pending() == [] and queued_bodies() == []


def test_the_local_worker_hands_pending_events_to_the_apps_stream_handler(app):
    # GIVEN two pending events
    first, second = emit(), emit()
    [source] = [s for s in app.event_sources if s.name == "publish_outbox"]
    # WHEN the local worker polls the outbox once
    published = publish_outbox_once(app, source)
    # THEN the app's own stream handler published both
    assert published == 2
    assert sorted(body["id"] for body in queued_bodies()) == sorted([first.id, second.id])
    assert events.pending() == []


def test_the_sweep_publishes_only_events_pending_for_over_a_minute(resources):
    # GIVEN an event that the stream never published
    event = emit()
    # WHEN the sweep runs at once, and again two minutes later
    assert events.publish_pending(now=event.created_at) == 0
    swept = events.publish_pending(now=event.created_at + 2 * events.SWEEP_AFTER)
    # THEN only the later run publishes it
    assert swept == 1 and [body["id"] for body in queued_bodies()] == [event.id]


def test_events_sqs_refuses_stay_pending_and_the_stream_resumes_at_the_first(resources, monkeypatch):
    # GIVEN SQS refuses the second of three events
    made = [emit(), emit(), emit()]
    real_client = events.client

    class RefusingSqs:
        def send_message_batch(self, QueueUrl, Entries):  # noqa: N803 (boto3's names)
            refused = [entry for entry in Entries if made[1].id in entry["MessageBody"]]
            kept = [entry for entry in Entries if entry not in refused]
            response = real_client("sqs").send_message_batch(QueueUrl=QueueUrl, Entries=kept) if kept else {}
            failed = [{"Id": e["Id"], "SenderFault": False, "Code": "InternalError"} for e in refused]
            return {"Successful": response.get("Successful", []), "Failed": failed}

    monkeypatch.setattr(events, "client", lambda service: RefusingSqs() if service == "sqs" else real_client(service))
    records = events.stream_records(made)
    # WHEN the stream hands the three to the publisher
    result = events.publish_stream_records(records)
    # THEN the refused one is reported (by its sequence number) and stays pending; the others went out
    assert result == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert [stored(event).pending for event in made] == [False, True, False]
    # AND the stream's retry publishes it without sending the others again
    monkeypatch.setattr(events, "client", real_client)
    assert events.publish_stream_records(records[1:]) == {"batchItemFailures": []}
    assert sorted(body["id"] for body in queued_bodies()) == sorted(event.id for event in made)


# --- consuming -----------------------------------------------------------------------------------------------


def test_a_duplicate_delivery_runs_each_subscriber_once(resources):
    # GIVEN an event delivered twice by SQS (at-least-once)
    event = emit()
    body = stored(event).message()
    # WHEN both copies are consumed, in one batch and again later
    first = events.run_batch([("m1", body), ("m2", body)])
    second = events.run_batch([("m3", body)])
    # THEN the subscriber ran once and no message failed
    assert first == second == {"batchItemFailures": []}
    assert runs[event.id] == 1


def test_a_subscriber_that_failed_runs_again_on_the_retry(resources):
    # GIVEN a subscriber whose first run fails
    event = emit()
    failures_left[event.id] = 1
    body = stored(event).message()
    # WHEN the message is delivered, fails, and is delivered again
    assert events.run_batch([("m1", body)]) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert events.run_batch([("m1", body)]) == {"batchItemFailures": []}
    # THEN the retry ran it (the failed run released its claim)
    assert runs[event.id] == 2


def test_one_failing_message_does_not_lose_the_rest_of_its_batch(resources):
    # GIVEN a batch of three where the middle one fails
    made = [emit(), emit(), emit()]
    failures_left[made[1].id] = 1
    batch = [(f"m{i}", stored(event).message()) for i, event in enumerate(made)]
    # WHEN the consumer runs it
    result = events.run_batch(batch)
    # THEN only the middle message is reported for retry; the others were handled
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert (runs[made[0].id], runs[made[2].id]) == (1, 1)


def test_a_poison_message_ends_in_the_dlq_and_never_blocks_the_queue(app):
    # GIVEN a malformed message followed by a good event, on a queue that redelivers at once
    sqs = boto3.client("sqs")
    sqs.set_queue_attributes(QueueUrl=events.queue_url(), Attributes={"VisibilityTimeout": "0"})
    sqs.send_message(QueueUrl=events.queue_url(), MessageBody="{not json")
    event = emit()
    events.publish_stream_records(events.stream_records([event]))
    [source] = [s for s in app.event_sources if s.name == "deliver_events"]
    # WHEN the local worker keeps polling, as Lambda's poller would
    for _ in range(MAX_RECEIVE_COUNT + 2):
        drain_once(app, source)
    # THEN the good event was handled once, and the poison message sits in the DLQ, off the queue
    assert runs[event.id] == 1
    dead = sqs.receive_message(QueueUrl=dlq_url(), MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["{not json"]
    assert sqs.receive_message(QueueUrl=events.queue_url()).get("Messages", []) == []
