from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from chalicelib.core.schemas import QueryParams
from chalicelib.core.validators import Currency


def _date_or_timestamp(value):
    """`YYYY-MM-DD` is a whole day; anything longer must be an RFC 3339 timestamp (its offset respected)."""
    if isinstance(value, str) and len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value


DateOrTimestamp = Annotated[date | datetime, BeforeValidator(_date_or_timestamp)]


class _Range(QueryParams):
    since: DateOrTimestamp = Field(alias="from")
    until: DateOrTimestamp = Field(alias="to")
    format: Literal["json", "csv"] = "json"


class SummaryQuery(_Range):
    group_by: Literal["project", "client", "user", "tag", "day", "week", "month"] = "project"
    billable: bool | None = None


class TimesheetQuery(_Range):
    group_by: Literal["day", "week", "month", "user", "project"] = "day"
    user_id: str | None = None
    project_id: str | None = None
    client_id: str | None = None
    description: str | None = None
    invoice_id: str | None = None


class UtilizationQuery(_Range):
    user_id: str | None = None
    target_hours: Annotated[float, Field(gt=0, le=24)] = 8


class RevenueQuery(_Range):
    """TRCR's revenue report; a date `to` is the last day counted (decision 70)."""

    group_by: Literal["month", "quarter", "year"] = "month"
    client_id: str | None = None
    currency: Currency | None = None  # default: the org's currency


class ProfitabilityQuery(_Range):
    """TRCR's profitability report; a date `to` is the last day counted (decision 70)."""

    group_by: Literal["project", "client"] = "project"
