from pynamodb.attributes import UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Comment(Item, discriminator="COMMENT"):
    """A comment on a task; a task's comments share an SK prefix, so they list oldest first in one Query."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "COMMENT#"

    @classmethod
    def keys(cls, org_id: str, task_id: str, comment_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.task_prefix(task_id)}{comment_id}"

    @classmethod
    def task_prefix(cls, task_id: str) -> str:
        return f"{cls.SK_PREFIX}{task_id}#"

    @staticmethod
    def partition(org_id: str) -> str:
        return f"ORG#{org_id}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Comment, "comment")
