from datetime import date
from typing import Literal

from pydantic import model_validator

from chalicelib.core.schemas import QueryParams, RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import Cents

ApplyTo = Literal["new_entries", "unbilled_past"]


class RateChangeCreate(RequestBody):
    """A dated rate: exactly one of hourly_rate or cost_rate (members only); null means no rate at this level."""

    hourly_rate: Cents | None = None
    cost_rate: Cents | None = None
    effective_from: date
    apply_to: ApplyTo = "new_entries"

    @model_validator(mode="after")
    def _one_rate(self) -> "RateChangeCreate":
        given = {"hourly_rate", "cost_rate"} & self.model_fields_set
        if len(given) != 1:
            raise ValueError("provide exactly one of hourly_rate or cost_rate")
        return self

    @property
    def field(self) -> str:
        return "cost_rate" if "cost_rate" in self.model_fields_set else "hourly_rate"

    @property
    def rate(self) -> int | None:
        return getattr(self, self.field)


class RateHistoryQuery(QueryParams):
    field: Literal["hourly_rate", "cost_rate"] | None = None


class RateChangeOut(ResponseModel):
    id: str
    holder_type: str
    holder_id: str
    field: str
    rate: int | None
    effective_from: str | None
    apply_to: str
    opening: bool
    created_by: str | None
    created_at: UtcDatetime

    @classmethod
    def of(cls, change) -> "RateChangeOut":
        return cls(
            id=change.id,
            holder_type=change.holder_type,
            holder_id=change.holder_id,
            field=change.field,
            rate=int(change.rate) if change.rate is not None else None,
            effective_from=change.effective_from,
            apply_to=change.apply_to,
            opening=change.effective_from is None,
            created_by=change.created_by,
            created_at=change.created_at,
        )


class RateHistoryOut(ResponseModel):
    """A holder's dated rates, oldest first, and the rates in force today (list shape, one page)."""

    data: list[RateChangeOut]
    has_more: bool
    next_cursor: str | None
    current: dict[str, int | None]
