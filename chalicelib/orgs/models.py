from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Organization(Item, discriminator="ORG"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    settings = JSONAttribute(default=dict)
    status = UnicodeAttribute(default="active")  # active | deleting
    # The logo's object in the files bucket (files domain); `logo_url` is where the API serves it.
    logo_key = UnicodeAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    @staticmethod
    def keys(org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", "ORG"


class SlugClaim(Item, discriminator="SLUG"):
    """Holds a slug for one organization: the uniqueness constraint."""

    org_id = UnicodeAttribute()

    @staticmethod
    def keys(slug: str) -> tuple[str, str]:
        return f"SLUG#{slug}", "SLUG"


class Membership(Item, discriminator="MEMBER"):
    """A user's place in an org. GSI1 lists a user's orgs; GSI2 finds a membership by its `mem_` id."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    name_lower = UnicodeAttribute(null=True)  # for case-insensitive search, like the (lower-case) email
    role = UnicodeAttribute()  # owner | admin | member
    status = UnicodeAttribute()  # active | invited
    invite_digest = UnicodeAttribute(null=True)
    invited_by = UnicodeAttribute(null=True)
    weekly_capacity_hours = NumberAttribute(default=40)
    hourly_rate = NumberAttribute(null=True)  # cents per hour billed for this member's time (time_entries.rates)
    cost_rate = NumberAttribute(null=True)  # cents per hour this member's time costs the org
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "MEMBER#"

    @classmethod
    def keys(cls, org_id: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{user_id}"

    @staticmethod
    def user_partition(user_id: str) -> str:
        return f"USER#{user_id}#ORGS"

    @staticmethod
    def id_partition(member_id: str) -> str:
        return f"MEMBERID#{member_id}"

    def index(self) -> None:
        """Fill in the GSI keys and the searchable name from the fields."""
        self.name_lower = self.name.lower() if self.name else None
        self.GSI1PK, self.GSI1SK = self.user_partition(self.user_id), f"ORG#{self.org_id}"
        self.GSI2PK, self.GSI2SK = self.id_partition(self.id), "MEMBER"


class Invitation(Item, discriminator="INVITE"):
    """A single-use invitation token (stored as its digest), expiring at `expires_at`."""

    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(digest: str) -> tuple[str, str]:
        return f"INVITE#{digest}", "INVITE"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Membership, "member", leaves_org="user_id")  # its user also gets an `organization` one
