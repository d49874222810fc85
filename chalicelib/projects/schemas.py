from datetime import date
from typing import Annotated, Literal

from pydantic import StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import Cents, Currency, HexColor

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=10_000)]
Emoji = Annotated[str, StringConstraints(min_length=1, max_length=16)]


class ProjectCreate(RequestBody):
    """A new project; the order of start_date and end_date is checked by the service (documented message)."""

    name: ProjectName
    description: Description | None = None
    client_id: str | None = None
    color: HexColor | None = None
    emoji: Emoji | None = None
    billable: bool = True
    hourly_rate: Cents | None = None
    currency: Currency | None = None
    start_date: date | None = None
    end_date: date | None = None


class ProjectUpdate(RequestBody):
    name: ProjectName | None = None
    description: Description | None = None
    status: Literal["active", "archived"] | None = None
    client_id: str | None = None
    color: HexColor | None = None
    emoji: Emoji | None = None
    billable: bool | None = None
    hourly_rate: Cents | None = None
    currency: Currency | None = None
    start_date: date | None = None
    end_date: date | None = None


class ProjectFilters(CursorPageParams, SyncParams):
    status: Literal["active", "archived"] | None = None
    archived: bool | None = None
    client_id: str | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None


class ProjectMemberAdd(RequestBody):
    user_id: str
    role: Literal["manager", "member"] = "member"


class ProjectOut(ResponseModel):
    id: str
    name: str
    description: str | None
    client_id: str | None
    color: str | None
    emoji: str | None
    billable: bool
    hourly_rate: int | None
    currency: str | None
    status: str
    archived: bool
    start_date: str | None
    end_date: str | None
    restricted: bool
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, project) -> "ProjectOut":
        return cls(
            id=project.id,
            name=project.name,
            description=project.description,
            client_id=project.client_id,
            color=project.color,
            emoji=project.emoji,
            billable=project.billable,
            hourly_rate=int(project.hourly_rate) if project.hourly_rate is not None else None,
            currency=project.currency,
            status=project.status,
            archived=project.status == "archived",
            start_date=project.start_date,
            end_date=project.end_date,
            restricted=project.member_count > 0,
            created_by=project.created_by,
            created_at=project.created_at,
            updated_at=project.updated_at,
        )


class ProjectMemberOut(ResponseModel):
    project_id: str
    user_id: str
    role: str
    created_at: UtcDatetime

    @classmethod
    def of(cls, member) -> "ProjectMemberOut":
        return cls(project_id=member.project_id, user_id=member.user_id, role=member.role, created_at=member.created_at)
