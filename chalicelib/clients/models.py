from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db import Item, TimestampAttribute


class Client(Item, discriminator="CLIENT"):
    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    address = JSONAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "CLIENT#"

    @classmethod
    def keys(cls, org_id: str, client_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{client_id}"
