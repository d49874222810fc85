from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


class TimeEntry(Item, discriminator="TIME_ENTRY"):
    """Tracked time. `stop` is empty while the timer runs. Both API styles read and write these fields."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    project_id = UnicodeAttribute(null=True)
    task_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    start = TimestampAttribute()
    stop = TimestampAttribute(null=True)
    billable = BooleanAttribute(default=True)
    hourly_rate = NumberAttribute(null=True)  # cents per hour; overrides project/member/org rates
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    invoice_id = UnicodeAttribute(null=True)  # set once billed: the entry is then locked
    invoice_line_id = UnicodeAttribute(null=True)  # the invoice line that bills it (set and cleared with invoice_id)
    # Frozen when billed (time_entries.billing): the rate, rounded seconds and amount its invoice line counts.
    billed_rate = NumberAttribute(null=True)
    billed_seconds = NumberAttribute(null=True)
    billed_amount = NumberAttribute(null=True)
    timesheet_id = UnicodeAttribute(null=True)  # set once approved in a timesheet: the entry is then locked
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "TE#"

    @classmethod
    def keys(cls, org_id: str, entry_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{entry_id}"

    @staticmethod
    def user_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#USER#{user_id}#TE"

    @staticmethod
    def org_partition(org_id: str) -> str:
        return f"ORG#{org_id}#TE"

    @staticmethod
    def project_partition(org_id: str, project_id: str) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#TE"

    def index(self) -> None:
        """Rebuild the GSI keys: by user, by org and by project, each ordered by start."""
        order = f"{to_sortable(self.start)}#{self.id}"
        self.GSI1PK, self.GSI1SK = self.user_partition(self.org_id, self.user_id), order
        self.GSI2PK, self.GSI2SK = self.org_partition(self.org_id), order
        if self.project_id:
            self.GSI3PK, self.GSI3SK = self.project_partition(self.org_id, self.project_id), order
        else:
            self.GSI3PK = self.GSI3SK = None


class RunningTimer(Item, discriminator="TIMER"):
    """The one running entry of a user: every start/stop swaps it with a condition."""

    entry_id = UnicodeAttribute()
    # What the running entry counts for in project budgets, so a new timer can stop it unread (kept in step).
    project_id = UnicodeAttribute(null=True)
    start = TimestampAttribute(null=True)
    billable = BooleanAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    created_at = TimestampAttribute(null=True)

    @classmethod
    def of(cls, entry: TimeEntry) -> "RunningTimer":
        """The pointer to a running entry, with what it counts for."""
        return cls(
            *cls.keys(entry.org_id, entry.user_id),
            entry_id=entry.id,
            project_id=entry.project_id,
            start=entry.start,
            billable=entry.billable,
            hourly_rate=entry.hourly_rate,
            created_at=entry.created_at,
        )

    @staticmethod
    def keys(org_id: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"TIMER#{user_id}"


class IdempotencyRecord(Item, discriminator="IDEMPOTENCY"):
    """A POST's key, the hash of its body and the response it got; kept 24 h."""

    request_hash = UnicodeAttribute()
    status_code = NumberAttribute()
    entry_id = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(org_id: str, user_id: str, key: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"IDEMPOTENCY#{user_id}#{key}"


class TagUsage(Item, discriminator="TAG"):
    """A tag used on time entries of the org, with how many entries carry it."""

    name = UnicodeAttribute()
    count = NumberAttribute(default=0)

    SK_PREFIX = "TAG#"

    @classmethod
    def keys(cls, org_id: str, name: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{name}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(TimeEntry, "time_entry", project="project_id", owner="user_id")
