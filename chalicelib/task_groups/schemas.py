from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime

GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MAX_COLLAPSED = 200  # TRCR: "Maximum 200 group IDs"


class TaskGroupCreate(RequestBody):
    name: GroupName


class TaskGroupUpdate(RequestBody):
    name: GroupName | None = None


class TaskGroupReorder(RequestBody):
    order: Annotated[list[str], Field(max_length=1000)]


class CollapsedBulk(RequestBody):
    group_ids: Annotated[list[str], Field(max_length=MAX_COLLAPSED)]


class TaskGroupOut(ResponseModel):
    id: str
    project_id: str
    name: str
    position: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, group) -> "TaskGroupOut":
        return cls(
            id=group.id,
            project_id=group.project_id,
            name=group.name,
            position=group.position,
            created_at=group.created_at,
            updated_at=group.updated_at,
        )


class CollapsedOut(ResponseModel):
    project_id: str
    group_ids: list[str]


class ToggleOut(ResponseModel):
    project_id: str
    group_id: str
    collapsed: bool
    group_ids: list[str]
