from pynamodb.attributes import UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


class Recurrence(Item, discriminator="RECURRENCE"):
    """A series of recurring tasks: its pattern, its current (latest) task and when the next one is due.

    Every rule waits in one GSI1 partition sorted by `next_run_at`, so the schedule finds due rules by a Query.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    task_id = UnicodeAttribute()  # the series' latest task: completing it creates the next occurrence
    pattern = UnicodeAttribute()  # daily | weekly | monthly | a 5-field cron expression (UTC)
    anchor = UnicodeAttribute()  # YYYY-MM-DD the daily/weekly/monthly slots count from
    current_due = UnicodeAttribute()  # YYYY-MM-DD the latest task is due (its due date, or the rule's first day)
    next_run_at = TimestampAttribute()  # the next slot: the next occurrence is due on its date
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "RECURRENCE#"
    DUE_PARTITION = "RECURRENCE#DUE"

    @classmethod
    def keys(cls, org_id: str, recurrence_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{recurrence_id}"

    @staticmethod
    def due_key(next_run_at, org_id: str, recurrence_id: str) -> str:
        return f"{to_sortable(next_run_at)}#{org_id}#{recurrence_id}"

    @classmethod
    def due_by(cls, now):
        """The GSI1 range condition that takes in every rule due at or before `now`."""
        return cls.GSI1SK <= f"{to_sortable(now)}#~"  # noqa: SIM300 (a PynamoDB condition, not a comparison)

    def index(self) -> None:
        """Rebuild the due-time GSI keys from `next_run_at`."""
        self.GSI1PK = self.DUE_PARTITION
        self.GSI1SK = self.due_key(self.next_run_at, self.org_id, self.id)


class RecurrenceLink(Item, discriminator="RECURRENCE_TASK"):
    """That a task belongs to a recurrence series: one rule per task, and a task's rule by GetItem."""

    task_id = UnicodeAttribute()
    recurrence_id = UnicodeAttribute()

    SK_PREFIX = "RECTASK#"

    @classmethod
    def keys(cls, org_id: str, task_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{task_id}"
