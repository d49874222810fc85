"""The outbox: a state change that must notify someone writes an event item in the same transaction.

A publisher (the table's stream in AWS, the local worker locally) sends pending events to SQS; events are
found through a sparse GSI1 partition (`OUTBOX#<shard>`) that only pending events carry.
"""

import zlib
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.ids import new_id
from chalicelib.core.timeutil import epoch_seconds, to_sortable, utcnow

OUTBOX_SHARDS = 4
RETENTION_SECONDS = 30 * 24 * 3600


class Event(Item, discriminator="EVENT"):
    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    type = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)
    recipients = JSONAttribute(default=list)
    data = JSONAttribute(default=dict)
    created_at = TimestampAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def outbox_partition(shard: int) -> str:
        return f"OUTBOX#{shard}"


def emit(
    tx, *, org_id: str, type: str, data: dict[str, Any], recipients: list[str], actor_id: str | None = None
) -> Event:
    """Add an event to `tx`: it is published only if the change it describes commits."""
    event_id, now = new_id("evt"), utcnow()
    event = Event(
        PK=f"ORG#{org_id}",
        SK=f"EVENT#{event_id}",
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
