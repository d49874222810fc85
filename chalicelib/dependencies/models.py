from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Dependency(Item, discriminator="TASK_DEPENDENCY"):
    """One canonical edge per pair of tasks, `blocker → blocked`: the SK lists a task's outgoing edges (the
    tasks it blocks), GSI1 its incoming ones (the tasks blocking it). `task_id` is the task the link was
    created on, which fixes how the org-wide list words it."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    blocker_id = UnicodeAttribute()
    blocked_id = UnicodeAttribute()
    blocker_project_id = UnicodeAttribute()
    blocked_project_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()

    SK_PREFIX = "DEP#"

    @classmethod
    def keys(cls, org_id: str, blocker_id: str, blocked_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.blocker_prefix(blocker_id)}{blocked_id}"

    @staticmethod
    def partition(org_id: str) -> str:
        return f"ORG#{org_id}"

    @classmethod
    def blocker_prefix(cls, task_id: str) -> str:
        return f"{cls.SK_PREFIX}{task_id}#"

    @staticmethod
    def blocked_partition(org_id: str, task_id: str) -> str:
        return f"ORG#{org_id}#DEP#TO#{task_id}"

    def index(self) -> None:
        """Set the GSI1 keys: the blocked task's partition, one entry per blocker."""
        self.GSI1PK, self.GSI1SK = self.blocked_partition(self.org_id, self.blocked_id), self.blocker_id

    def seen_from(self, task_id: str) -> tuple[str, str]:
        """(the other task, how `task_id` relates to it): `blocks` when it is the blocker, else `blocked_by`."""
        return (self.blocked_id, "blocks") if task_id == self.blocker_id else (self.blocker_id, "blocked_by")


# Links never change once made: a deletion leaves a tombstone, `created_at` serves `updated_since` (docs/sync.md).
sync.syncable(Dependency, "dependency", project="blocker_project_id")


class DependencyGraph(Item, discriminator="DEPENDENCY_GRAPH"):
    """The version of an org's dependency graph: each new edge is written on the condition that it did not
    change since the cycle check read the graph, and bumps it (docs/decisions.md)."""

    version = NumberAttribute(default=0)

    SK_VALUE = "DEPGRAPH"

    @classmethod
    def keys(cls, org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", cls.SK_VALUE
