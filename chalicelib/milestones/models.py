from pynamodb.attributes import UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Milestone(Item, discriminator="MILESTONE"):
    """A named date marker on a project's Gantt chart. GSI1 lists a project's milestones by target date."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    title = UnicodeAttribute()
    target_date = UnicodeAttribute()  # YYYY-MM-DD
    color = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "MILESTONE#"

    @classmethod
    def keys(cls, org_id: str, milestone_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{milestone_id}"

    @staticmethod
    def project_partition(org_id: str, project_id: str) -> str:
        return f"ORG#{org_id}#PRJ#{project_id}#MILESTONES"

    @staticmethod
    def date_key(target_date: str, milestone_id: str) -> str:
        """GSI1SK: by target date, then creation (ids are ULIDs)."""
        return f"{target_date}#{milestone_id}"

    def index(self) -> None:
        """Rebuild the GSI keys from the fields."""
        self.GSI1PK = self.project_partition(self.org_id, self.project_id)
        self.GSI1SK = self.date_key(self.target_date, self.id)


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Milestone, "milestone", project="project_id")
