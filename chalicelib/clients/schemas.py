import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import Cents, Currency, Email, Name

Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
AddressLine = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ContactRole = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=10_000)]
ActivityType = Literal["meeting", "call", "email", "note"]
Search = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def _timestamp_or_date(value):
    """`2026-03-28` means the start of that day in UTC; other text must be an ISO 8601 timestamp."""
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value = f"{value}T00:00:00Z"
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError("must be an RFC 3339 timestamp or a YYYY-MM-DD date") from error


# TRCR's activity `date`: an RFC 3339 timestamp (with an offset) or a plain `YYYY-MM-DD`.
ActivityDate = Annotated[UtcDatetime, BeforeValidator(_timestamp_or_date)]


class Address(RequestBody):
    street: AddressLine | None = None
    city: AddressLine | None = None
    state: AddressLine | None = None
    zip: AddressLine | None = None
    country: AddressLine | None = None


class ClientCreate(RequestBody):
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    currency: Currency | None = None
    hourly_rate: Cents | None = None
    notes: Notes | None = None
    archived: bool = False


class ClientUpdate(RequestBody):
    """Partial: absent fields are kept, `null` clears an optional one; `address` is replaced whole."""

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    currency: Currency | None = None
    hourly_rate: Cents | None = None
    notes: Notes | None = None
    archived: bool | None = None


class ClientFilters(CursorPageParams, SyncParams):
    search: Search | None = None
    archived: bool = False


class ClientOut(ResponseModel):
    id: str
    name: str
    email: str | None
    phone: str | None
    address: dict | None
    currency: str | None
    hourly_rate: int | None
    notes: str | None
    archived: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, client) -> "ClientOut":
        return cls(
            id=client.id,
            name=client.name,
            email=client.email,
            phone=client.phone,
            address=client.address,
            currency=client.currency,
            hourly_rate=int(client.hourly_rate) if client.hourly_rate is not None else None,
            notes=client.notes,
            archived=bool(client.archived),
            created_at=client.created_at,
            updated_at=client.updated_at,
        )


class ContactCreate(RequestBody):
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    role: ContactRole | None = None


class ContactUpdate(RequestBody):
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    role: ContactRole | None = None


class ContactOut(ResponseModel):
    id: str
    client_id: str
    name: str
    email: str | None
    phone: str | None
    role: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, contact) -> "ContactOut":
        return cls(
            id=contact.id,
            client_id=contact.client_id,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            role=contact.role,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
        )


class ContactFilters(CursorPageParams, SyncParams):
    pass


class ActivityCreate(RequestBody):
    type: ActivityType
    title: Title
    description: Description | None = None
    date: ActivityDate | None = None


class ActivityFilters(CursorPageParams):
    type: ActivityType | None = None


class ActivityOut(ResponseModel):
    id: str
    client_id: str
    type: str
    title: str
    description: str | None
    date: UtcDatetime
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, activity) -> "ActivityOut":
        return cls(
            id=activity.id,
            client_id=activity.client_id,
            type=activity.type,
            title=activity.title,
            description=activity.description,
            date=activity.date,
            created_by=activity.created_by,
            created_at=activity.created_at,
            updated_at=activity.updated_at,
        )
