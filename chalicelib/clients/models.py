from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


class Client(Item, discriminator="CLIENT"):
    """A client of an org. `reference_count` counts the projects and invoices that point at it."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_lower = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    email_lower = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    address = JSONAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    reference_count = NumberAttribute(default=0)
    created_by = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "CLIENT#"

    @classmethod
    def keys(cls, org_id: str, client_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{client_id}"


class ClientContact(Item, discriminator="CLIENT_CONTACT"):
    """A person at a client; stored in the org partition under its own prefix, oldest first per client."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "CLICONTACT#"

    @classmethod
    def keys(cls, org_id: str, client_id: str, contact_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(client_id)}{contact_id}"

    @classmethod
    def prefix(cls, client_id: str) -> str:
        """The SK prefix of one client's contacts."""
        return f"{cls.SK_PREFIX}{client_id}#"


class ClientActivity(Item, discriminator="CLIENT_ACTIVITY"):
    """A meeting, call, email or note logged for a client: by date on GSI1, by type and date on GSI2."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    type = UnicodeAttribute()  # meeting | call | email | note
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    date = TimestampAttribute()
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "CLIACTIVITY#"

    @classmethod
    def keys(cls, org_id: str, client_id: str, activity_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(client_id)}{activity_id}"

    @classmethod
    def prefix(cls, client_id: str) -> str:
        """The SK prefix of one client's activities."""
        return f"{cls.SK_PREFIX}{client_id}#"

    @staticmethod
    def client_partition(org_id: str, client_id: str) -> str:
        """GSI1PK: every activity of a client."""
        return f"ORG#{org_id}#CLIENT#{client_id}#ACTIVITIES"

    @staticmethod
    def type_partition(org_id: str, client_id: str, activity_type: str) -> str:
        """GSI2PK: a client's activities of one type."""
        return f"ORG#{org_id}#CLIENT#{client_id}#ACTIVITIES#{activity_type}"

    def index(self) -> None:
        """Fill in the GSI keys from the fields (newest first is a descending query on the date)."""
        position = f"{to_sortable(self.date)}#{self.id}"
        self.GSI1PK, self.GSI1SK = self.client_partition(self.org_id, self.client_id), position
        self.GSI2PK, self.GSI2SK = self.type_partition(self.org_id, self.client_id, self.type), position


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Client, "client")
sync.syncable(ClientContact, "contact")
