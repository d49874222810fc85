from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class ChecklistItem(Item, discriminator="CHECKLIST_ITEM"):
    """One checklist row of a task. Keyed by its own id (toggle and delete paths carry no task id); GSI1
    lists a task's items by position."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    title = UnicodeAttribute()
    completed = BooleanAttribute(default=False)
    position = NumberAttribute()
    created_by = UnicodeAttribute()
    completed_at = TimestampAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "CHECKLIST#"
    POSITION_WIDTH = 8

    @classmethod
    def keys(cls, org_id: str, item_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{item_id}"

    @staticmethod
    def task_partition(org_id: str, task_id: str) -> str:
        return f"ORG#{org_id}#TASK#{task_id}#CHECKLIST"

    def index(self) -> None:
        """Set the GSI1 keys: the task's partition, ordered by position (ties by id)."""
        self.GSI1PK = self.task_partition(self.org_id, self.task_id)
        self.GSI1SK = f"{int(self.position):0{self.POSITION_WIDTH}d}#{self.id}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(ChecklistItem, "checklist_item")
