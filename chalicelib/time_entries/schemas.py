"""Both documents' shapes of one TimeEntry: TrackingTabs (`start/stop`) and TRCR (`started_at/stopped_at`)."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, field_validator

from chalicelib.core.schemas import (
    MAX_PAGE_OFFSET,
    CursorPageParams,
    QueryParams,
    RequestBody,
    ResponseModel,
    SyncParams,
    UtcDatetime,
)
from chalicelib.core.validators import Cents

Description = Annotated[str, StringConstraints(max_length=2000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Tags = Annotated[list[Tag], Field(max_length=20)]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class EntryCreate(RequestBody):
    """TrackingTabs POST /entries."""

    description: Description | None = None
    project_id: str | None = None
    task_id: str | None = None
    tags: Tags = []
    start: UtcDatetime
    stop: UtcDatetime | None = None
    billable: bool | None = None
    hourly_rate: Cents | None = None
    idempotency_key: IdempotencyKey | None = None


class TimerStart(RequestBody):
    """POST /entries/start and /time-entries/start: a timer starting now."""

    description: Description | None = None
    project_id: str | None = None
    task_id: str | None = None
    tags: Tags = []
    billable: bool | None = None


class EntryPatch(RequestBody):
    """TrackingTabs PATCH /entries/{id}; `null` clears project_id/task_id."""

    description: Description | None = None
    project_id: str | None = None
    task_id: str | None = None
    tags: Tags | None = None
    start: UtcDatetime | None = None
    stop: UtcDatetime | None = None
    billable: bool | None = None
    hourly_rate: Cents | None = None


class TimeEntryCreate(RequestBody):
    """TRCR POST /time-entries: a manual entry, both ends required."""

    project_id: str | None = None
    task_id: str | None = None
    description: Description | None = None
    started_at: UtcDatetime
    stopped_at: UtcDatetime
    billable: bool | None = None
    hourly_rate: Cents | None = None
    tags: Tags = []


class TimeEntryUpdate(RequestBody):
    """TRCR PUT /time-entries/{id}; `null` clears project_id/task_id."""

    description: Description | None = None
    project_id: str | None = None
    task_id: str | None = None
    started_at: UtcDatetime | None = None
    stopped_at: UtcDatetime | None = None
    billable: bool | None = None
    hourly_rate: Cents | None = None
    tags: Tags | None = None


class EntryFilters(SyncParams):
    """Both documents' list filters; `from` inclusive, `to` exclusive, on the start; `updated_since` (sync)."""

    since: UtcDatetime | None = Field(default=None, alias="from")
    until: UtcDatetime | None = Field(default=None, alias="to")
    project_id: str | None = None
    user_id: str | None = None
    billable: bool | None = None
    running: bool | None = None


def _day_start(value):
    """TrackingTabs bounds may be plain dates (`2026-05-24`): that day's 00:00 UTC, so `to` stays exclusive."""
    if isinstance(value, str) and len(value) == 10:
        return f"{value}T00:00:00Z"
    return value


TrackingTabsBound = Annotated[UtcDatetime, BeforeValidator(_day_start)]


class TrackingTabsPaging(EntryFilters):
    since: TrackingTabsBound | None = Field(default=None, alias="from")
    until: TrackingTabsBound | None = Field(default=None, alias="to")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_PAGE_OFFSET)] = 0
    cursor: str | None = None


class TagsQuery(QueryParams):
    """GET /tags: the document lists "all tags"; pages of up to 200 (its page maximum) keep it bounded."""

    limit: Annotated[int, Field(ge=1, le=200)] = 200
    cursor: str | None = None


def _whole_day(value: object, *, end: bool) -> object:
    """A TRCR `YYYY-MM-DD` bound is a whole UTC day: `from` its first instant, `to` the next day's (decision 73)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return value  # the timestamp check names the field
        return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=UTC)
    return value


class TrcrPaging(EntryFilters, CursorPageParams):
    """TRCR's list: `from`/`to` also take dates (the document's example), `to` being the last day listed."""

    @field_validator("since", mode="before")
    @classmethod
    def _from_day(cls, value: object) -> object:
        return _whole_day(value, end=False)

    @field_validator("until", mode="before")
    @classmethod
    def _to_day(cls, value: object) -> object:
        return _whole_day(value, end=True)


def _duration(entry) -> int | None:
    return int((entry.stop - entry.start).total_seconds()) if entry.stop else None


class _EntryBase(ResponseModel):
    """What both documents show of an entry under the same names."""

    id: str
    user_id: str
    project_id: str | None
    task_id: str | None
    description: str | None
    tags: list[str]
    billable: bool
    hourly_rate: int | None
    invoice_id: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @staticmethod
    def _shared(entry) -> dict:
        return {
            "id": entry.id,
            "user_id": entry.user_id,
            "project_id": entry.project_id,
            "task_id": entry.task_id,
            "description": entry.description,
            "tags": list(entry.tags or []),
            "billable": entry.billable,
            "hourly_rate": int(entry.hourly_rate) if entry.hourly_rate is not None else None,
            "invoice_id": entry.invoice_id,
            "created_at": entry.created_at,
            "updated_at": entry.updated_at,
        }


class EntryOut(_EntryBase):
    """TrackingTabs shape."""

    start: UtcDatetime
    stop: UtcDatetime | None
    duration: int | None
    running: bool

    @classmethod
    def of(cls, entry) -> "EntryOut":
        return cls(
            **cls._shared(entry),
            start=entry.start,
            stop=entry.stop,
            duration=_duration(entry),
            running=entry.stop is None,
        )


class TimeEntryOut(_EntryBase):
    """TRCR shape."""

    started_at: UtcDatetime
    stopped_at: UtcDatetime | None
    duration_seconds: int | None
    is_running: bool

    @classmethod
    def of(cls, entry) -> "TimeEntryOut":
        return cls(
            **cls._shared(entry),
            started_at=entry.start,
            stopped_at=entry.stop,
            duration_seconds=_duration(entry),
            is_running=entry.stop is None,
        )


# --- bulk (decision 84) --------------------------------------------------------------------------------------


class BulkTimeEntryUpdate(RequestBody):
    """PATCH /time-entries/bulk: the same change applied to each listed entry (at most 100 ids)."""

    ids: list[str]
    changes: TimeEntryUpdate


class BulkTimeEntryDelete(RequestBody):
    """DELETE /time-entries/bulk: the listed entries (at most 100 ids)."""

    ids: list[str]


class BulkError(ResponseModel):
    code: str
    message: str
    details: list[dict] | None = None


class BulkItemOut(ResponseModel):
    """One id's outcome: the status its single-entry request would have answered, and the entry or error."""

    id: str
    status: int
    time_entry: TimeEntryOut | None
    error: BulkError | None


class BulkResultOut(ResponseModel):
    data: list[BulkItemOut]
    succeeded: int
    failed: int

    @classmethod
    def of(cls, outcomes) -> "BulkResultOut":
        items = [
            BulkItemOut(
                id=outcome.id,
                status=outcome.status,
                time_entry=TimeEntryOut.of(outcome.entry) if outcome.entry is not None else None,
                error=BulkError(**outcome.error) if outcome.error else None,
            )
            for outcome in outcomes
        ]
        succeeded = sum(1 for outcome in outcomes if outcome.status < 400)
        return cls(data=items, succeeded=succeeded, failed=len(outcomes) - succeeded)
