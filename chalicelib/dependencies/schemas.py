from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

DependencyType = Literal["blocks", "blocked_by"]


class DependencyCreate(RequestBody):
    depends_on_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    dependency_type: DependencyType


class DependencyFilters(CursorPageParams, SyncParams):
    per_page: int = Field(default=100, ge=1, le=100)


class DependencyTaskOut(ResponseModel):
    """The task on the other end of a dependency, as the per-task list nests it."""

    id: str
    title: str
    status: str
    priority: str
    project_id: str
    assignee_id: str | None
    start_date: str | None
    due_date: str | None
    progress: int | None
    completed_at: UtcDatetime | None

    @classmethod
    def of(cls, task) -> "DependencyTaskOut":
        return cls(
            id=task.id,
            title=task.title,
            status=task.status,
            priority=task.priority,
            project_id=task.project_id,
            assignee_id=task.assignee_id,
            start_date=task.start_date,
            due_date=task.due_date,
            progress=int(task.progress) if task.progress is not None else None,
            completed_at=task.completed_at,
        )


class DependencyEdgeOut(ResponseModel):
    """A dependency worded from one of its tasks: `task_id` blocks / is blocked by `depends_on_id`."""

    id: str
    task_id: str
    depends_on_id: str
    dependency_type: DependencyType
    created_at: UtcDatetime

    @classmethod
    def of(cls, edge, *, task_id: str | None = None) -> "DependencyEdgeOut":
        """Worded from `task_id` (default: the task the link was created on)."""
        task_id = task_id or edge.task_id
        depends_on_id, dependency_type = edge.seen_from(task_id)
        return cls(
            id=edge.id,
            task_id=task_id,
            depends_on_id=depends_on_id,
            dependency_type=dependency_type,
            created_at=edge.created_at,
        )


class DependencyOut(DependencyEdgeOut):
    depends_on: DependencyTaskOut

    @classmethod
    def with_task(cls, edge, *, task_id: str, depends_on) -> "DependencyOut":
        """Worded from `task_id`, nesting the task on the other end."""
        edge_out = DependencyEdgeOut.of(edge, task_id=task_id)
        return cls(**edge_out.model_dump(), depends_on=DependencyTaskOut.of(depends_on))
