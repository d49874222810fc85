from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    VersionAttribute,
)

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Project(Item, discriminator="PROJECT"):
    """A project (TRCR) / Space. With explicit members (`member_count` > 0) only they and admins see it."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_lower = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    client_id = UnicodeAttribute(null=True)
    color = UnicodeAttribute(null=True)
    emoji = UnicodeAttribute(null=True)
    billable = BooleanAttribute(default=True)
    hourly_rate = NumberAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    rounding = UnicodeAttribute(null=True)  # "<mode>:<minutes>:<level>" (time_entries.rounding); unset: the org's
    status = UnicodeAttribute(default="active")  # active | archived
    start_date = UnicodeAttribute(null=True)
    end_date = UnicodeAttribute(null=True)
    member_count = NumberAttribute(default=0)
    # Budget (docs/budgets.md): hours budgets count seconds of tracked time, money budgets billable cents.
    budget_type = UnicodeAttribute(null=True)  # hours | money
    budget_amount = NumberAttribute(null=True)  # seconds (hours) or cents in `currency` (money)
    budget_alert_thresholds = ListAttribute(of=NumberAttribute, null=True)  # percents; unset: the defaults
    budget_alerted = NumberSetAttribute(null=True)  # thresholds already alerted for the current amount
    # Usage rollup, kept at write time: seconds of stopped entries (in the entry's transaction) and their
    # billable amount in cents (by the usage subscriber, which knows the rates).
    used_seconds = NumberAttribute(null=True)
    used_cents = NumberAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "PROJECT#"

    @classmethod
    def keys(cls, org_id: str, project_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{project_id}"


class ProjectMember(Item, discriminator="PROJECT_MEMBER"):
    """An explicit member of a project; GSI1 lists a user's projects in an org."""

    project_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    role = UnicodeAttribute()  # manager | member
    created_at = TimestampAttribute()

    SK_PREFIX = "PRJMEMBER#"

    @classmethod
    def keys(cls, org_id: str, project_id: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{project_id}#{user_id}"

    @staticmethod
    def user_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#USER#{user_id}#PROJECTS"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Project, "project", project="id")
# Explicit members are added and removed, never changed: `created_at` serves `updated_since`.
sync.syncable(ProjectMember, "project_member", id_attribute="user_id", project="project_id")
