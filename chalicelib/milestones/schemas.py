from datetime import date
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import HexColor

DEFAULT_COLOR = "#6366f1"


def _calendar_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("must be a calendar date in the form YYYY-MM-DD") from error
    return value


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
TargetDate = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-\d{2}-\d{2}$"),
    AfterValidator(_calendar_date),
]
Description = Annotated[str, StringConstraints(max_length=10_000)]


class MilestoneCreate(RequestBody):
    title: Title
    target_date: TargetDate
    color: HexColor = DEFAULT_COLOR
    description: Description | None = None


class MilestoneUpdate(RequestBody):
    title: Title | None = None
    target_date: TargetDate | None = None
    color: HexColor | None = None
    description: Description | None = None


class MilestoneFilters(CursorPageParams, SyncParams):
    pass


class MilestoneOut(ResponseModel):
    id: str
    org_id: str
    project_id: str
    title: str
    target_date: str
    color: str
    description: str | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, milestone) -> "MilestoneOut":
        return cls(
            id=milestone.id,
            org_id=milestone.org_id,
            project_id=milestone.project_id,
            title=milestone.title,
            target_date=milestone.target_date,
            color=milestone.color,
            description=milestone.description,
            created_by=milestone.created_by,
            created_at=milestone.created_at,
            updated_at=milestone.updated_at,
        )
