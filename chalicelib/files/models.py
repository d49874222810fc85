from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable

PENDING_SHARDS = 4


class StoredFile(Item, discriminator="FILE"):
    """An uploaded file (`att_…`). `pending` until its bytes are in S3 and checked, then `ready`.

    GSI1 (ready files of a task): `ORG#<org>#TASK#<task>#FILES` / `FILE#<att>` — oldest first.
    GSI2 (pending uploads, for the cleanup of abandoned ones): `FILES#PENDING#<shard>` / `<deadline>#<att>`.
    GSI3 (ready files of a project's tasks, a project's media): `ORG#<org>#PRJ#<prj>#FILES` / `FILE#<att>`.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    task_id = UnicodeAttribute(null=True)
    project_id = UnicodeAttribute(null=True)  # the task's project (tasks never change project)
    uploaded_by = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()  # pending | ready
    object_key = UnicodeAttribute()
    thumbnail_key = UnicodeAttribute(null=True)
    # Pending only: after this instant the upload counts as abandoned and is removed with its object.
    abandon_after = TimestampAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    @staticmethod
    def keys(org_id: str, file_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"FILE#{file_id}"

    @staticmethod
    def task_partition(org_id: str, task_id: str) -> str:
        return f"ORG#{org_id}#TASK#{task_id}#FILES"

    @staticmethod
    def project_partition(org_id: str, project_id: str) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#FILES"

    @staticmethod
    def pending_partition(shard: int) -> str:
        return f"FILES#PENDING#{shard}"

    @classmethod
    def abandoned_before(cls, now: datetime):
        """GSI2 range condition: pending uploads whose deadline has passed."""
        return cls.GSI2SK < to_sortable(now)  # noqa: SIM300 (a PynamoDB condition, not a comparison)

    def ready_index(self) -> tuple[str | None, str | None]:
        """GSI1 keys once the file is ready (only files attached to a task are listed there)."""
        if self.task_id is None:
            return None, None
        return self.task_partition(self.org_id, self.task_id), f"FILE#{self.id}"

    def project_index(self) -> tuple[str | None, str | None]:
        """GSI3 keys once the file is ready (files of a task, by the task's project)."""
        if self.project_id is None:
            return None, None
        return self.project_partition(self.org_id, self.project_id), f"FILE#{self.id}"

    def index_pending(self) -> None:
        """Put a pending upload on GSI2, ordered by its deadline."""
        shard = int.from_bytes(self.id[-4:].encode(), "big") % PENDING_SHARDS
        self.GSI2PK = self.pending_partition(shard)
        self.GSI2SK = f"{to_sortable(self.abandon_after)}#{self.id}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(StoredFile, "file", project="project_id")
