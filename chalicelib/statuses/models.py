from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class TaskStatus(Item, discriminator="TASK_STATUS"):
    """A status of the org's task workflow. Built-in statuses exist without an item until customised."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    code = UnicodeAttribute()
    label = UnicodeAttribute()
    color = UnicodeAttribute()
    position = UnicodeAttribute()
    is_terminal = BooleanAttribute(default=False)
    supports_progress = BooleanAttribute(default=False)
    progress_editable = BooleanAttribute(default=False)
    on_complete = UnicodeAttribute(default="none")  # auto_advance | none
    next_status_code = UnicodeAttribute(null=True)
    builtin = BooleanAttribute(default=False)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "STATUS#"

    @classmethod
    def keys(cls, org_id: str, code: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{code}"


class StatusUsage(Item, discriminator="STATUS_USAGE"):
    """How many tasks of the org are in a status: deleting a status is conditioned on zero."""

    count = NumberAttribute(default=0)

    @staticmethod
    def keys(org_id: str, code: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"STATUSUSE#{code}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(TaskStatus, "task_status")
