from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Markdown = Annotated[str, StringConstraints(max_length=50_000)]
Priority = Literal["low", "medium", "high", "urgent"]
Complexity = Literal[1, 2, 3, 5, 8]
Progress = Annotated[int, Field(ge=0, le=100)]
Hours = Annotated[float, Field(ge=0, le=100_000)]
LabelIds = Annotated[list[str], Field(max_length=50)]


class TaskCreate(RequestBody):
    title: Title
    project_id: str
    description: Markdown | None = None
    assignee_id: str | None = None
    status: str | None = None
    priority: Priority = "medium"
    start_date: date | None = None
    due_date: date | None = None
    label_ids: LabelIds = []
    estimated_hours: Hours | None = None
    group_id: str | None = None
    complexity: Complexity | None = None
    progress: Progress | None = None


class TaskUpdate(RequestBody):
    title: Title | None = None
    description: Markdown | None = None
    status: str | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    start_date: date | None = None
    due_date: date | None = None
    label_ids: LabelIds | None = None
    estimated_hours: Hours | None = None
    group_id: str | None = None
    complexity: Complexity | None = None
    progress: Progress | None = None


class TaskStatusChange(RequestBody):
    status: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class TaskReorder(RequestBody):
    position: Annotated[int, Field(ge=0, le=100_000)]
    group_id: str | None = None


class TaskFilters(CursorPageParams, SyncParams):
    project_id: str | None = None
    assignee_id: str | None = None
    status: str | None = None
    priority: Priority | None = None
    label_ids: str | None = None
    group_id: str | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None
    sort: Literal["created_at", "updated_at", "priority", "position"] = "created_at"
    order: Literal["asc", "desc"] = "desc"


class TaskOut(ResponseModel):
    id: str
    project_id: str
    title: str
    description: str | None
    status: str
    priority: str
    assignee_id: str | None
    reporter_id: str
    start_date: str | None
    due_date: str | None
    label_ids: list[str]
    estimated_hours: float | None
    group_id: str | None
    complexity: int | None
    progress: int | None
    position: str
    recurrence_id: str | None
    completed_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, task) -> "TaskOut":
        return cls(
            id=task.id,
            project_id=task.project_id,
            title=task.title,
            description=task.description,
            status=task.status,
            priority=task.priority,
            assignee_id=task.assignee_id,
            reporter_id=task.reporter_id,
            start_date=task.start_date,
            due_date=task.due_date,
            label_ids=list(task.label_ids or []),
            estimated_hours=task.estimated_hours,
            group_id=task.group_id,
            complexity=int(task.complexity) if task.complexity is not None else None,
            progress=int(task.progress) if task.progress is not None else None,
            position=task.position,
            recurrence_id=task.recurrence_id,
            completed_at=task.completed_at,
            created_at=task.created_at,
            updated_at=task.updated_at,
        )
