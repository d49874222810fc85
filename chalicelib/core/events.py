"""The outbox: a state change that must notify someone writes an event item in the same transaction.

Publishing: pending events carry a sparse GSI1 key (`OUTBOX#<shard>`). In AWS the table's stream hands every
new event to `publish_stream_records`; locally the worker reads the pending partitions and hands them to the
same function as stream records. Either way an event is sent to the events queue, then its pending key is
removed (send first, so a crash in between re-sends instead of losing it). A scheduled sweep re-publishes
anything still pending after a minute (e.g. a stream batch that exhausted its retries).

Consuming: domains subscribe to event types; each (event, subscriber) runs once per event id — a claim item
is written before the subscriber runs and released if it fails, so SQS's retry can run it again.
"""

import json
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.core import jobs, routing
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.ids import new_id
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, from_rfc3339, to_rfc3339, to_sortable, utcnow

OUTBOX_SHARDS = 4
RETENTION_SECONDS = 30 * 24 * 3600
SWEEP_AFTER = timedelta(minutes=1)
_CLAIM_SECONDS = 7 * 24 * 3600
_SQS_BATCH = 10
ENTITY = "EVENT"


class Event(Item, discriminator=ENTITY):
    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    type = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)
    recipients = JSONAttribute(default=list)
    data = JSONAttribute(default=dict)
    created_at = TimestampAttribute()
    published_at = TimestampAttribute(null=True)
    expires_at = NumberAttribute()

    SK_PREFIX = "EVENT#"

    @classmethod
    def keys(cls, org_id: str, event_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{event_id}"

    @staticmethod
    def outbox_partition(shard: int) -> str:
        return f"OUTBOX#{shard}"

    @property
    def pending(self) -> bool:
        """Not yet handed to the events queue."""
        return bool(self.GSI1PK)

    def message(self) -> str:
        """The SQS message body that carries this event."""
        return json.dumps(
            {
                "id": self.id,
                "org_id": self.org_id,
                "type": self.type,
                "actor_id": self.actor_id,
                "recipients": self.recipients,
                "data": self.data,
                "created_at": to_rfc3339(self.created_at),
            }
        )

    @classmethod
    def from_message(cls, body: str) -> "Event":
        """The event an SQS message carries; a malformed body raises (and ends in the DLQ after retries)."""
        fields = json.loads(body)
        return cls(
            *cls.keys(fields["org_id"], fields["id"]),
            id=fields["id"],
            org_id=fields["org_id"],
            type=fields["type"],
            actor_id=fields.get("actor_id"),
            recipients=list(fields.get("recipients") or []),
            data=dict(fields.get("data") or {}),
            created_at=from_rfc3339(fields["created_at"]),
            expires_at=0,
        )


def emit(
    tx, *, org_id: str, type: str, data: dict[str, Any], recipients: list[str], actor_id: str | None = None
) -> Event:
    """Add an event to `tx`: it is published only if the change it describes commits."""
    event_id, now = new_id("evt"), utcnow()
    event = Event(
        *Event.keys(org_id, event_id),
        id=event_id,
        org_id=org_id,
        type=type,
        actor_id=actor_id,
        recipients=recipients,
        data=data,
        created_at=now,
        expires_at=epoch_seconds(now) + RETENTION_SECONDS,
    )
    event.GSI1PK = Event.outbox_partition(zlib.crc32(event_id.encode()) % OUTBOX_SHARDS)
    event.GSI1SK = f"{to_sortable(now)}#{event_id}"
    tx.save(event)
    return event


# --- publishing ----------------------------------------------------------------------------------------------


class PublishFailed(Exception):
    """SQS refused some events; they stay pending and are retried."""

    def __init__(self, event_ids: list[str]) -> None:
        super().__init__(f"{len(event_ids)} events were not sent")
        self.event_ids = event_ids


def pending(*, limit: int = 100, created_before: datetime | None = None) -> list[Event]:
    """Pending events, oldest first per shard (a Query on each outbox partition, never a Scan)."""
    found: list[Event] = []
    before = Event.GSI1SK < to_sortable(created_before) if created_before else None  # noqa: SIM300
    for shard in range(OUTBOX_SHARDS):
        query = Event.gsi1.query(Event.outbox_partition(shard), before, limit=limit)
        found.extend(event for event in query if isinstance(event, Event))
    return found


def publish(candidates: list[Event]) -> list[Event]:
    """Send the still-pending ones among `candidates` to the events queue and clear their pending key.

    Returns the events sent. Raises PublishFailed (after clearing what was sent) if SQS refused some.
    """
    if not candidates:
        return []
    keys = sorted({(event.PK, event.SK) for event in candidates})
    current = [event for start in range(0, len(keys), 100) for event in _batch_get(keys[start : start + 100])]
    still_pending = sorted((event for event in current if event.pending), key=lambda event: event.GSI1SK)
    url = queue_url()
    sent, failed = [], []
    for start in range(0, len(still_pending), _SQS_BATCH):
        chunk = still_pending[start : start + _SQS_BATCH]
        response = client("sqs").send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": event.message()} for i, event in enumerate(chunk)]
        )
        refused = {int(entry["Id"]) for entry in response.get("Failed", [])}
        sent.extend(event for i, event in enumerate(chunk) if i not in refused)
        failed.extend(event.id for i, event in enumerate(chunk) if i in refused)
    for event in sent:
        _mark_published(event)
    if failed:
        raise PublishFailed(failed)
    return sent


def _batch_get(keys: list[tuple[str, str]]) -> list[Event]:
    return [item for item in Event.batch_get(keys, consistent_read=True) if isinstance(item, Event)]


def _mark_published(event: Event) -> None:
    try:
        event.update(
            actions=[Event.GSI1PK.remove(), Event.GSI1SK.remove(), Event.published_at.set(utcnow())],
            condition=Event.GSI1PK.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise  # otherwise another publisher got there first: nothing to do


def queue_url() -> str:
    """The events queue's URL."""
    return jobs.queue_url(get_settings().events_queue)


def is_event_record(record: dict[str, Any]) -> bool:
    """A stream record of a newly written, pending event."""
    image = (record.get("dynamodb") or {}).get("NewImage") or {}
    return record.get("eventName") == "INSERT" and image.get("entity", {}).get("S") == ENTITY and "GSI1PK" in image


def publish_stream_records(records: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """The stream handler: publish the events among `records` (DynamoDB stream records, in stream order).

    On failure, reports the first record not published, so Lambda retries from there on.
    """
    by_event: dict[str, str] = {}
    events = []
    for record in records:
        if is_event_record(record):
            event = Event.from_raw_data(record["dynamodb"]["NewImage"])
            events.append(event)
            by_event[event.id] = record["dynamodb"]["SequenceNumber"]
    try:
        publish(events)
    except PublishFailed as error:
        first = min(error.event_ids, key=lambda event_id: int(by_event[event_id]))
        logger.warning("events not published", extra={"event_ids": error.event_ids})
        return {"batchItemFailures": [{"itemIdentifier": by_event[first]}]}
    return {"batchItemFailures": []}


def stream_records(events: list[Event]) -> list[dict[str, Any]]:
    """`events` as the table's stream would deliver their creation (for the local worker and tests)."""
    settings = get_settings()
    return [
        {
            "eventID": event.id,
            "eventName": "INSERT",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "eventSourceARN": settings.table_stream_arn,
            "dynamodb": {
                "ApproximateCreationDateTime": event.created_at.timestamp(),
                "Keys": {"PK": {"S": event.PK}, "SK": {"S": event.SK}},
                "NewImage": event.serialize(),
                "SequenceNumber": str(position),
                "SizeBytes": len(event.message()),
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
        }
        for position, event in enumerate(events, start=1)
    ]


def publish_pending(*, now: datetime | None = None) -> int:
    """The sweep: publish events still pending a minute after they were written. Returns how many."""
    return len(publish(pending(created_before=(now or utcnow()) - SWEEP_AFTER)))


# --- consuming -----------------------------------------------------------------------------------------------

Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[tuple[str, Subscriber]]] = {}


class EventClaim(Item, discriminator="EVENT_CLAIM"):
    """That a subscriber has handled (or is handling) an event, so a redelivery does not run it twice."""

    subscriber = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(org_id: str, event_id: str, subscriber: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"EVENTCLAIM#{event_id}#{subscriber}"


def subscriber(*types: str) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for events of these types; it must tolerate a retry after failing."""

    def register(handler: Subscriber) -> Subscriber:
        name = f"{handler.__module__}.{handler.__qualname__}"
        for event_type in types:
            _subscribers.setdefault(event_type, []).append((name, handler))
        return handler

    return register


def _claim(event: Event, name: str) -> bool:
    pk, sk = EventClaim.keys(event.org_id, event.id, name)
    claim = EventClaim(pk, sk, subscriber=name, expires_at=epoch_seconds(utcnow()) + _CLAIM_SECONDS)
    try:
        claim.save(condition=EventClaim.PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def handle(body: str) -> None:
    """Run every subscriber of the event in one message body, each once per event id. Raises on failure."""
    event = Event.from_message(body)
    routing.load_all()  # subscribers register when their domain is imported (decision 66)
    for name, handler in _subscribers.get(event.type, []):
        if not _claim(event, name):
            logger.info("duplicate event skipped", extra={"event_id": event.id, "subscriber": name})
            continue
        try:
            handler(event)
        except BaseException:
            EventClaim(*EventClaim.keys(event.org_id, event.id, name)).delete()
            raise


def run_batch(records: list[tuple[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Handle each (message id, body); failures are reported per message so the rest of the batch is kept."""
    failures = []
    for message_id, body in records:
        try:
            handle(body)
        except Exception:  # reported back to SQS for retry, then the DLQ; the batch goes on
            logger.exception("event delivery failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
