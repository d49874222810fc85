from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class TaskGroup(Item, discriminator="TASK_GROUP"):
    """A column/section of a project's board. Keyed under its project, so one GetItem proves it belongs there."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    name = UnicodeAttribute()
    position = UnicodeAttribute()  # fractional rank (chalicelib.core.ranks); ties broken by id
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "TASKGROUP#"

    @classmethod
    def keys(cls, org_id: str, project_id: str, group_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{project_id}#{group_id}"

    @classmethod
    def project_prefix(cls, project_id: str) -> str:
        """SK prefix of one project's groups (a Query on the org partition lists them)."""
        return f"{cls.SK_PREFIX}{project_id}#"


class TaskGroupCount(Item, discriminator="TASK_GROUP_COUNT"):
    """How many groups a project has, kept in each create/delete transaction: caps them, guards reorders."""

    count = NumberAttribute(default=0)

    SK_PREFIX = "TASKGROUPCOUNT#"

    @classmethod
    def keys(cls, org_id: str, project_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{project_id}"


class CollapsedTaskGroups(Item, discriminator="TASK_GROUPS_COLLAPSED"):
    """Which of a project's groups one user has collapsed on their board."""

    org_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    group_ids = ListAttribute(of=UnicodeAttribute, default=list)
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "TASKGROUPCOLLAPSED#"

    @classmethod
    def keys(cls, org_id: str, project_id: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{project_id}#{user_id}"

    @classmethod
    def project_prefix(cls, project_id: str) -> str:
        """SK prefix of every user's collapsed state in one project."""
        return f"{cls.SK_PREFIX}{project_id}#"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(TaskGroup, "task_group", project="project_id")
