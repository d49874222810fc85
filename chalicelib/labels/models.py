from pynamodb.attributes import UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Label(Item, discriminator="LABEL"):
    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    color = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "LABEL#"

    @classmethod
    def keys(cls, org_id: str, label_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{label_id}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Label, "label")
