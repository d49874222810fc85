from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


class Payment(Item, discriminator="PAYMENT"):
    """Money received against an invoice, in the invoice's currency. By payment date: org-wide on GSI2, per
    invoice on GSI3, per client on GSI4."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    amount = NumberAttribute()  # cents, > 0
    currency = UnicodeAttribute()
    method = UnicodeAttribute(null=True)  # bank_transfer | credit_card | cash | other
    paid_at = TimestampAttribute()
    notes = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "PAYMENT#"

    @classmethod
    def keys(cls, org_id: str, payment_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{payment_id}"

    @staticmethod
    def org_partition(org_id: str) -> str:
        """GSI2PK: every payment of the org."""
        return f"ORG#{org_id}#PAYMENTS"

    @staticmethod
    def invoice_partition(org_id: str, invoice_id: str) -> str:
        """GSI3PK: an invoice's payments."""
        return f"ORG#{org_id}#INVOICE#{invoice_id}#PAYMENTS"

    @staticmethod
    def client_partition(org_id: str, client_id: str) -> str:
        """GSI4PK: a client's payments."""
        return f"ORG#{org_id}#CLIENT#{client_id}#PAYMENTS"

    def index(self) -> None:
        """Rebuild the GSI keys from the fields, each ordered by payment date."""
        position = f"{to_sortable(self.paid_at)}#{self.id}"
        self.GSI2PK, self.GSI2SK = self.org_partition(self.org_id), position
        self.GSI3PK, self.GSI3SK = self.invoice_partition(self.org_id, self.invoice_id), position
        self.GSI4PK, self.GSI4SK = self.client_partition(self.org_id, self.client_id), position


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Payment, "payment", admins_only=True)
