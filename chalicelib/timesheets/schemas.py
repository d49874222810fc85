"""Timesheets: submitting a period, reviewing it, the org's lock date and the weekly grid."""

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.schemas import CursorPageParams, QueryParams, RequestBody, ResponseModel, UtcDatetime

MAX_PERIOD_DAYS = 31


def _calendar_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("must be a calendar date in the form YYYY-MM-DD") from error
    return value


def _iso_week(value: str) -> str:
    year, week = int(value[:4]), int(value[6:])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"{year} has no ISO week {week}") from error
    return value


CalendarDate = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_calendar_date)
]
IsoWeek = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-W\d{2}$"), AfterValidator(_iso_week)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def week_bounds(week: str) -> tuple[date, date]:
    """The Monday and Sunday of an ISO week `YYYY-Www`."""
    monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class TimesheetSubmit(RequestBody):
    """POST /timesheets: the caller's own time over an ISO `week`, or `from`..`to` (inclusive days, ≤ 31)."""

    week: IsoWeek | None = None
    from_: CalendarDate | None = Field(default=None, alias="from")
    to: CalendarDate | None = None

    def period(self) -> tuple[date, date, str | None]:
        """(first day, last day, week label) of the period asked for; 400 naming the field otherwise."""
        if self.week:
            if self.from_ or self.to:
                raise ValidationFailed.field("week", "give either week or from/to, not both")
            return (*week_bounds(self.week), self.week)
        if not self.from_ or not self.to:
            raise ValidationFailed.field("from" if not self.from_ else "to", "is required when week is not given")
        first, last = date.fromisoformat(self.from_), date.fromisoformat(self.to)
        if last < first:
            raise ValidationFailed.field("to", "must be on or after from")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationFailed.field("to", f"a timesheet covers at most {MAX_PERIOD_DAYS} days")
        return first, last, None


class TimesheetApprove(RequestBody):
    """POST /timesheets/{id}/approve: an optional note to the member."""

    comment: Comment | None = None


class TimesheetReject(RequestBody):
    """POST /timesheets/{id}/reject: why, for the member (required)."""

    comment: Comment


class TimesheetFilters(CursorPageParams):
    """GET /timesheets: `status`, `user_id` (admins), and `from`/`to` on the period's first day (inclusive)."""

    status: Literal["submitted", "approved", "rejected"] | None = None
    user_id: str | None = None
    from_: CalendarDate | None = Field(default=None, alias="from")
    to: CalendarDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "TimesheetFilters":
        if self.from_ and self.to and self.to < self.from_:
            raise ValidationFailed.field("to", "must be on or after from")
        return self


class TimesheetOut(ResponseModel):
    id: str
    org_id: str
    user_id: str
    week: str | None
    period_from: str
    period_to: str
    status: str
    entry_count: int
    total_seconds: int
    billable_seconds: int
    time_entry_ids: list[str]
    comment: str | None
    submitted_at: UtcDatetime
    decided_at: UtcDatetime | None
    decided_by: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, timesheet) -> "TimesheetOut":
        return cls(
            id=timesheet.id,
            org_id=timesheet.org_id,
            user_id=timesheet.user_id,
            week=timesheet.week,
            period_from=timesheet.period_from,
            period_to=timesheet.period_to,
            status=timesheet.status,
            entry_count=int(timesheet.entry_count),
            total_seconds=int(timesheet.total_seconds),
            billable_seconds=int(timesheet.billable_seconds),
            time_entry_ids=sorted(timesheet.entries or {}),
            comment=timesheet.comment,
            submitted_at=timesheet.submitted_at,
            decided_at=timesheet.decided_at,
            decided_by=timesheet.decided_by,
            created_at=timesheet.created_at,
            updated_at=timesheet.updated_at,
        )


class LockUpdate(RequestBody):
    """PUT /time-lock: time starting before this UTC day is locked; `null` unlocks everything."""

    lock_date: CalendarDate | None


class LockOut(ResponseModel):
    lock_date: str | None

    @classmethod
    def of(cls, value: date | None) -> "LockOut":
        return cls(lock_date=value.isoformat() if value else None)


class GridQuery(QueryParams):
    """GET /timesheets/grid: an ISO week (default: the current one) and, for admins, one user or all."""

    week: IsoWeek | None = None
    user_id: str | None = None


class GridRow(ResponseModel):
    user_id: str
    project_id: str | None
    seconds: list[int]  # one per day of `days`
    total_seconds: int


class GridTotals(ResponseModel):
    seconds: list[int]
    total_seconds: int


class GridOut(ResponseModel):
    week: str
    days: list[str]
    rows: list[GridRow]
    totals: GridTotals
