import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

PaymentMethod = Literal["bank_transfer", "credit_card", "cash", "other"]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
# Integer cents, at least one; strict models refuse floats, so `1.5` is a 400, never rounded.
Amount = Annotated[int, Field(ge=1, le=100_000_000_00)]


def _timestamp_or_date(value):
    """`2026-03-28` means the start of that day in UTC; other text must be an RFC 3339 timestamp."""
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value = f"{value}T00:00:00Z"
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError("must be an RFC 3339 timestamp or a YYYY-MM-DD date") from error


PaidAt = Annotated[UtcDatetime, BeforeValidator(_timestamp_or_date)]


def _not_null(value):
    if value is None:
        raise ValueError("may be omitted but not null")
    return value


class PaymentCreate(RequestBody):
    invoice_id: str
    amount: Amount
    method: PaymentMethod | None = None
    paid_at: PaidAt | None = None
    notes: Notes | None = None


class PaymentUpdate(RequestBody):
    """Partial: `null` clears method or notes; amount may be omitted but not null."""

    amount: Amount | None = None
    method: PaymentMethod | None = None
    notes: Notes | None = None

    _amount_not_null = field_validator("amount", mode="before")(_not_null)


class MarkPaid(RequestBody):
    paid_at: PaidAt | None = None
    payment_method: PaymentMethod | None = None


class PaymentFilters(CursorPageParams, SyncParams):
    """TRCR's filters; `from`/`to` bound the payment date (both inclusive, UTC days)."""

    client_id: str | None = None
    invoice_id: str | None = None
    since: date | None = Field(default=None, alias="from")
    until: date | None = Field(default=None, alias="to")


class PaymentOut(ResponseModel):
    id: str
    invoice_id: str
    client_id: str
    amount: int
    currency: str
    method: str | None
    paid_at: UtcDatetime
    notes: str | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, payment) -> "PaymentOut":
        return cls(
            id=payment.id,
            invoice_id=payment.invoice_id,
            client_id=payment.client_id,
            amount=int(payment.amount),
            currency=payment.currency,
            method=payment.method,
            paid_at=payment.paid_at,
            notes=payment.notes,
            created_by=payment.created_by,
            created_at=payment.created_at,
            updated_at=payment.updated_at,
        )
