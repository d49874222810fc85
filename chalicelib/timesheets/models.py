from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db import Item, TimestampAttribute

STATUSES = ("submitted", "approved", "rejected")


class Timesheet(Item, discriminator="TIMESHEET"):
    """A member's time over a period, submitted for approval. `entries` is what was submitted: {id: version}."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    period_from = UnicodeAttribute()  # YYYY-MM-DD, inclusive
    period_to = UnicodeAttribute()  # YYYY-MM-DD, inclusive
    week = UnicodeAttribute(null=True)  # YYYY-Www when submitted as an ISO week
    status = UnicodeAttribute()
    entries = JSONAttribute(default=dict)
    entry_count = NumberAttribute(default=0)
    total_seconds = NumberAttribute(default=0)
    billable_seconds = NumberAttribute(default=0)
    comment = UnicodeAttribute(null=True)  # the reviewer's (required on reject)
    submitted_at = TimestampAttribute()
    decided_at = TimestampAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "TSH#"

    @classmethod
    def keys(cls, org_id: str, timesheet_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{timesheet_id}"

    @staticmethod
    def status_partition(org_id: str, status: str) -> str:
        return f"ORG#{org_id}#TSH#{status}"

    @staticmethod
    def user_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#USER#{user_id}#TSH"

    @staticmethod
    def org_partition(org_id: str) -> str:
        return f"ORG#{org_id}#TSH"

    def index(self) -> None:
        """By status, by user and org-wide, each ordered by the period's first day."""
        order = f"{self.period_from}#{self.id}"
        self.GSI1PK, self.GSI1SK = self.status_partition(self.org_id, self.status), order
        self.GSI2PK, self.GSI2SK = self.user_partition(self.org_id, self.user_id), order
        self.GSI3PK, self.GSI3SK = self.org_partition(self.org_id), order


class TimesheetPeriod(Item, discriminator="TIMESHEET_PERIOD"):
    """One timesheet per user and period: created with the timesheet by a condition, reused on resubmission."""

    timesheet_id = UnicodeAttribute()

    @staticmethod
    def keys(org_id: str, user_id: str, period_from: str, period_to: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"TSHP#{user_id}#{period_from}#{period_to}"
