from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


class AuditEntry(Item, discriminator="AUDIT"):
    """One change to an org's data: newest first in the org's partition, by entity on GSI1, by user on GSI2."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    user_name = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute(null=True)
    changes = JSONAttribute(default=dict)
    ip_address = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()

    SK_PREFIX = "AUDIT#"

    @classmethod
    def build(cls, **fields) -> "AuditEntry":
        """An entry with its keys filled in from its fields."""
        entry = cls(**fields)
        org, at, log = entry.org_id, to_sortable(entry.created_at), entry.id
        entry.PK, entry.SK = f"ORG#{org}", f"{cls.SK_PREFIX}{at}#{log}"
        if entry.entity_id:
            entry.GSI1PK, entry.GSI1SK = cls.entity_partition(org, entry.entity_id), f"{at}#{log}"
        if entry.user_id:
            entry.GSI2PK, entry.GSI2SK = cls.user_partition(org, entry.user_id), f"{at}#{log}"
        return entry

    @staticmethod
    def org_partition(org_id: str) -> str:
        return f"ORG#{org_id}"

    @staticmethod
    def entity_partition(org_id: str, entity_id: str) -> str:
        return f"ORG#{org_id}#AUDIT_ENTITY#{entity_id}"

    @staticmethod
    def user_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#AUDIT_USER#{user_id}"
