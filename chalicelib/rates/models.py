from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute

OPENING = "0000-00-00"  # the effective_from slot of a history's opening record: in force since always


class RateChange(Item, discriminator="RATE_CHANGE"):
    """One dated rate of a member, project or client (docs/rates.md); never edited, only added.

    The org's whole history sits under one SK prefix, so a RateCard reads it with one Query; a holder's own
    history is the narrower prefix `RATE#<holder_type>#<holder_id>#<field>#`, sorted by effective date.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    holder_type = UnicodeAttribute()  # member | project | client
    holder_id = UnicodeAttribute()  # the user id of a member (entries name users), else the project/client id
    field = UnicodeAttribute()  # hourly_rate | cost_rate (members only)
    rate = NumberAttribute(null=True)  # cents per hour; null: no rate at this level from that date
    effective_from = UnicodeAttribute(null=True)  # YYYY-MM-DD; null for the opening record
    apply_to = UnicodeAttribute()  # new_entries | unbilled_past
    created_by = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()

    SK_PREFIX = "RATE#"

    @classmethod
    def holder_prefix(cls, holder_type: str, holder_id: str, field: str) -> str:
        return f"{cls.SK_PREFIX}{holder_type}#{holder_id}#{field}#"

    @classmethod
    def keys(
        cls, org_id: str, holder_type: str, holder_id: str, field: str, effective_from: str | None, change_id: str
    ) -> tuple[str, str]:
        slot = effective_from or OPENING
        return f"ORG#{org_id}", f"{cls.holder_prefix(holder_type, holder_id, field)}{slot}#{change_id}"

    @classmethod
    def opening_keys(cls, org_id: str, holder_type: str, holder_id: str, field: str) -> tuple[str, str]:
        """One fixed key per history: two first changes at once cannot both open it."""
        return f"ORG#{org_id}", f"{cls.holder_prefix(holder_type, holder_id, field)}{OPENING}#opening"
