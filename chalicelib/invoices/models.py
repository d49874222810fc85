from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Invoice(Item, discriminator="INVOICE"):
    """An invoice to a client. Money in integer cents; percentages and totals are kept as the service computed them.

    By issue date: org-wide on GSI2, per client on GSI3, per status on GSI4. Only while `sent`, GSI1 holds it
    in one partition ordered by due date, so the overdue schedule finds it with a Query.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    number = UnicodeAttribute()  # INV-<year>-<seq, 4+ digits>
    client_id = UnicodeAttribute()
    project_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # draft | sent | paid | overdue | void
    issue_date = UnicodeAttribute()  # YYYY-MM-DD
    due_date = UnicodeAttribute()  # YYYY-MM-DD
    currency = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    tax_rate = UnicodeAttribute(default="0")  # a percentage, as decimal text ("21", "8.875")
    discount = UnicodeAttribute(default="0")  # a percentage, as decimal text
    subtotal = NumberAttribute(default=0)
    discount_amount = NumberAttribute(default=0)
    tax_amount = NumberAttribute(default=0)
    total = NumberAttribute(default=0)
    amount_paid = NumberAttribute(default=0)
    line_count = NumberAttribute(default=0)
    line_seq = NumberAttribute(default=0)  # the last line position handed out
    sent_at = TimestampAttribute(null=True)
    sent_to = ListAttribute(of=UnicodeAttribute, null=True)
    send_id = UnicodeAttribute(null=True)  # the one send job allowed to email this invoice
    emailing_until = TimestampAttribute(null=True)  # a send job's lease while it emails
    emailed_at = TimestampAttribute(null=True)
    paid_at = TimestampAttribute(null=True)
    payment_method = UnicodeAttribute(null=True)
    voided_at = TimestampAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "INVOICE#"
    SENT_PARTITION = "INVOICE#SENT"

    @classmethod
    def keys(cls, org_id: str, invoice_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{invoice_id}"

    @staticmethod
    def org_partition(org_id: str) -> str:
        """GSI2PK: every invoice of the org."""
        return f"ORG#{org_id}#INVOICES"

    @staticmethod
    def client_partition(org_id: str, client_id: str) -> str:
        """GSI3PK: a client's invoices."""
        return f"ORG#{org_id}#CLIENT#{client_id}#INVOICES"

    @staticmethod
    def status_partition(org_id: str, status: str) -> str:
        """GSI4PK: the org's invoices in one status."""
        return f"ORG#{org_id}#INVOICES#{status}"

    @classmethod
    def due_before(cls, day: str):
        """The GSI1 range condition that takes in every sent invoice due before `day` (YYYY-MM-DD)."""
        return cls.GSI1SK < day  # noqa: SIM300 (a PynamoDB condition, not a comparison)

    def index(self) -> None:
        """Rebuild the GSI keys from the fields (sorted by issue date; GSI1 only while sent)."""
        position = f"{self.issue_date}#{self.id}"
        self.GSI2PK, self.GSI2SK = self.org_partition(self.org_id), position
        self.GSI3PK, self.GSI3SK = self.client_partition(self.org_id, self.client_id), position
        self.GSI4PK, self.GSI4SK = self.status_partition(self.org_id, self.status), position
        if self.status == "sent":
            self.GSI1PK, self.GSI1SK = self.SENT_PARTITION, f"{self.due_date}#{self.org_id}#{self.id}"
        else:
            self.GSI1PK = self.GSI1SK = None


class InvoiceLine(Item, discriminator="INVOICE_LINE"):
    """A line of an invoice: quantity (decimal text) × unit price (cents) = amount (cents, rounded half-up).

    Lines made from tracked time keep their entries' ids, project, task and the seconds they add up to.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    description = UnicodeAttribute()
    quantity = UnicodeAttribute()
    unit_price = NumberAttribute()
    amount = NumberAttribute()
    time_entry_ids = ListAttribute(of=UnicodeAttribute, default=list)
    project_id = UnicodeAttribute(null=True)
    task_id = UnicodeAttribute(null=True)
    seconds = NumberAttribute(null=True)
    position = NumberAttribute(default=0)  # lines read in this order
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "INVLINE#"

    @classmethod
    def keys(cls, org_id: str, invoice_id: str, line_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(invoice_id)}{line_id}"

    @classmethod
    def prefix(cls, invoice_id: str) -> str:
        """The SK prefix of one invoice's lines (oldest first)."""
        return f"{cls.SK_PREFIX}{invoice_id}#"


class InvoiceCounter(Item, discriminator="INVOICE_COUNTER"):
    """The last invoice number an org issued in a year; bumped in the transaction that creates an invoice."""

    year = UnicodeAttribute()
    value = NumberAttribute(default=0)

    @staticmethod
    def keys(org_id: str, year: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"INVCOUNTER#{year}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Invoice, "invoice", admins_only=True)
