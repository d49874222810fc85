from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

ItemTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class ChecklistItemCreate(RequestBody):
    title: ItemTitle


class ChecklistFilters(CursorPageParams, SyncParams):
    per_page: int = Field(default=100, ge=1, le=100)


class ChecklistItemOut(ResponseModel):
    id: str
    task_id: str
    title: str
    completed: bool
    position: int
    completed_at: UtcDatetime | None
    completed_by: str | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, item) -> "ChecklistItemOut":
        return cls(
            id=item.id,
            task_id=item.task_id,
            title=item.title,
            completed=bool(item.completed),
            position=int(item.position),
            completed_at=item.completed_at,
            completed_by=item.completed_by,
            created_by=item.created_by,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
