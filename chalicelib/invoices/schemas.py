from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field, PlainSerializer, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import Cents, Currency, Email

STATUSES = ("draft", "sent", "paid", "overdue", "void")
Status = Literal["draft", "sent", "paid", "overdue", "void"]
PaymentMethod = Literal["bank_transfer", "credit_card", "cash", "other"]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
LineDescription = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Message = Annotated[str, StringConstraints(max_length=10_000)]
# A percentage such as 21 or 8.875 (number or decimal text); at most three decimals.
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=3)]
# Hours or units: a positive decimal (number or text) with at most four decimals.
Quantity = Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=4)]
MAX_LINKED_ENTRIES = 90  # a manual line and its entries are written in one transaction (≤ 100 items)
MAX_RECIPIENTS = 50  # SES's limit per message


def _number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values as integers."""
    return int(value) if value == value.to_integral_value() else float(value)


JsonNumber = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]


class InvoiceCreate(RequestBody):
    client_id: str
    project_id: str | None = None
    due_date: date
    issue_date: date | None = None
    currency: Currency | None = None
    notes: Notes | None = None
    tax_rate: Percent = Decimal(0)
    discount: Percent = Decimal(0)


class InvoiceUpdate(RequestBody):
    """Partial; only drafts. `null` clears notes; the other fields may be omitted but not null."""

    due_date: date | None = None
    issue_date: date | None = None
    notes: Notes | None = None
    tax_rate: Percent | None = None
    discount: Percent | None = None

    NOT_NULL: ClassVar[tuple[str, ...]] = ("due_date", "issue_date", "tax_rate", "discount")


class InvoiceFilters(CursorPageParams, SyncParams):
    """TRCR's list filters: `from`/`to` bound the issue date (both inclusive)."""

    client_id: str | None = None
    status: Status | None = None
    since: date | None = Field(default=None, alias="from")
    until: date | None = Field(default=None, alias="to")


class LineItemCreate(RequestBody):
    description: LineDescription
    quantity: Quantity
    unit_price: Cents
    time_entry_ids: Annotated[list[str], Field(max_length=MAX_LINKED_ENTRIES)] = []


class LineItemUpdate(RequestBody):
    description: LineDescription | None = None
    quantity: Quantity | None = None
    unit_price: Cents | None = None

    # Checked by the service: a "before" validator would make pydantic re-validate JSON text as Python values
    # (a date or decimal string would then be refused in strict mode).
    NOT_NULL: ClassVar[tuple[str, ...]] = ("description", "quantity", "unit_price")


class GenerateRequest(RequestBody):
    """Dates bound the entries' start in UTC: from 00:00 of `from` through the end of `to`."""

    since: date | None = Field(default=None, alias="from")
    until: date | None = Field(default=None, alias="to")


class SendRequest(RequestBody):
    to: Annotated[list[Email], Field(min_length=1, max_length=MAX_RECIPIENTS)] | None = None
    message: Message | None = None


class LineItemOut(ResponseModel):
    id: str
    invoice_id: str
    description: str
    quantity: JsonNumber
    unit_price: int
    amount: int
    time_entry_ids: list[str]
    project_id: str | None
    task_id: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, line) -> "LineItemOut":
        return cls(
            id=line.id,
            invoice_id=line.invoice_id,
            description=line.description,
            quantity=Decimal(line.quantity),
            unit_price=int(line.unit_price),
            amount=int(line.amount),
            time_entry_ids=list(line.time_entry_ids or []),
            project_id=line.project_id,
            task_id=line.task_id,
            created_at=line.created_at,
            updated_at=line.updated_at,
        )


class InvoiceOut(ResponseModel):
    id: str
    number: str
    client_id: str
    project_id: str | None
    status: str
    issue_date: str
    due_date: str
    currency: str
    notes: str | None
    tax_rate: JsonNumber
    discount: JsonNumber
    subtotal: int
    discount_amount: int
    tax_amount: int
    total: int
    amount_paid: int
    balance_due: int
    sent_at: UtcDatetime | None
    paid_at: UtcDatetime | None
    payment_method: str | None
    voided_at: UtcDatetime | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @staticmethod
    def _fields(invoice) -> dict:
        return {
            "id": invoice.id,
            "number": invoice.number,
            "client_id": invoice.client_id,
            "project_id": invoice.project_id,
            "status": invoice.status,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "currency": invoice.currency,
            "notes": invoice.notes,
            "tax_rate": Decimal(invoice.tax_rate),
            "discount": Decimal(invoice.discount),
            "subtotal": int(invoice.subtotal),
            "discount_amount": int(invoice.discount_amount),
            "tax_amount": int(invoice.tax_amount),
            "total": int(invoice.total),
            "amount_paid": int(invoice.amount_paid),
            "balance_due": int(invoice.total) - int(invoice.amount_paid),
            "sent_at": invoice.sent_at,
            "paid_at": invoice.paid_at,
            "payment_method": invoice.payment_method,
            "voided_at": invoice.voided_at,
            "created_by": invoice.created_by,
            "created_at": invoice.created_at,
            "updated_at": invoice.updated_at,
        }

    @classmethod
    def of(cls, invoice) -> "InvoiceOut":
        return cls(**cls._fields(invoice))


class InvoiceDetailOut(InvoiceOut):
    """One invoice with its line items (oldest first)."""

    line_items: list[LineItemOut]

    @classmethod
    def of(cls, invoice, lines=()) -> "InvoiceDetailOut":
        return cls(**cls._fields(invoice), line_items=[LineItemOut.of(line) for line in lines])
