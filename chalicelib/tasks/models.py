import zlib

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable

PRIORITY_RANK = {"low": "0", "medium": "1", "high": "2", "urgent": "3"}
NO_DUE_DATE = "9999-12-31"


class Task(Item, discriminator="TASK"):
    """A task. Its GSI keys serve the list filters (see docs/data-model.md) and are rebuilt on every save."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    title = UnicodeAttribute()
    title_lower = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    done = NumberAttribute(default=0)  # 1 while the status is terminal
    priority = UnicodeAttribute()
    assignee_id = UnicodeAttribute(null=True)
    reporter_id = UnicodeAttribute()
    start_date = UnicodeAttribute(null=True)
    due_date = UnicodeAttribute(null=True)
    label_ids = ListAttribute(of=UnicodeAttribute, default=list)
    estimated_hours = NumberAttribute(null=True)
    group_id = UnicodeAttribute(null=True)
    complexity = NumberAttribute(null=True)
    progress = NumberAttribute(null=True)
    position = UnicodeAttribute()
    recurrence_id = UnicodeAttribute(null=True)
    completed_at = TimestampAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "TASK#"
    DUE_SHARDS = 4

    @classmethod
    def keys(cls, org_id: str, task_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{task_id}"

    @staticmethod
    def project_status_partition(org_id: str, project_id: str, status: str) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#ST#{status}"

    @staticmethod
    def project_partition(org_id: str, project_id: str) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#TASKS"

    @staticmethod
    def assignee_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#ASG#{user_id}"

    @staticmethod
    def group_partition(org_id: str, project_id: str, group_id: str | None) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#GRP#{group_id or 'none'}"

    @staticmethod
    def updated_partition(org_id: str) -> str:
        return f"ORG#{org_id}#TASKS#UPDATED"

    @classmethod
    def updated_since_key(cls, since):
        """GSI5SK condition: the org's tasks changed at or after `since` (a sync, docs/sync.md)."""
        return cls.GSI5SK >= to_sortable(since)  # noqa: SIM300 (a PynamoDB condition, not a comparison)

    @staticmethod
    def due_partition(due_date: str, shard: int) -> str:
        """GSI6PK: open, assigned tasks due on a day, across orgs (sharded), for due-date reminders."""
        return f"TASKS#DUE#{due_date}#{shard}"

    @staticmethod
    def open_prefix(done: bool) -> str:
        return "d#" if done else "o#"

    def index(self) -> None:
        """Rebuild the GSI keys from the fields."""
        org, project = self.org_id, self.project_id
        self.GSI1PK = self.project_status_partition(org, project, self.status)
        self.GSI1SK = f"{PRIORITY_RANK[self.priority]}#{self.id}"
        self.GSI2PK, self.GSI2SK = self.project_partition(org, project), self.id
        if self.assignee_id:
            self.GSI3PK = self.assignee_partition(org, self.assignee_id)
            self.GSI3SK = f"{self.open_prefix(bool(self.done))}{self.due_date or NO_DUE_DATE}#{self.id}"
        else:
            self.GSI3PK = self.GSI3SK = None
        self.GSI4PK = self.group_partition(org, project, self.group_id)
        self.GSI4SK = f"{self.position}#{self.id}"
        self.GSI5PK, self.GSI5SK = self.updated_partition(org), f"{to_sortable(self.updated_at)}#{self.id}"
        if self.assignee_id and self.due_date and not self.done:
            shard = zlib.crc32(self.id.encode()) % self.DUE_SHARDS
            self.GSI6PK, self.GSI6SK = self.due_partition(self.due_date, shard), f"{org}#{self.id}"
        else:
            self.GSI6PK = self.GSI6SK = None


class TaskCount(Item, discriminator="TASK_COUNT"):
    """Tasks per (project, status) and per (assignee, status), maintained in each task's transaction.

    Project counters sort right after the org's status items ("STATUS#…" < "STATUSCOUNT#…"), so project
    stats read the workflow and every counter in one Query.
    """

    count = NumberAttribute(default=0)

    PROJECT_PREFIX = "STATUSCOUNT#PRJ#"
    ASSIGNEE_PREFIX = "TASKCOUNT#ASG#"

    @classmethod
    def project_keys(cls, org_id: str, project_id: str, status: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.PROJECT_PREFIX}{project_id}#{status}"

    @classmethod
    def assignee_keys(cls, org_id: str, user_id: str, status: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.ASSIGNEE_PREFIX}{user_id}#{status}"


class TaskLabelLink(Item, discriminator="TASK_LABEL"):
    """That a task carries a label: lets the label filter and label deletion find tasks by label."""

    task_id = UnicodeAttribute()
    label_id = UnicodeAttribute()

    SK_PREFIX = "TASKLABEL#"

    @classmethod
    def keys(cls, org_id: str, label_id: str, task_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{label_id}#{task_id}"


sync.syncable(Task, "task", project="project_id")
