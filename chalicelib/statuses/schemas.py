from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import HexColor

StatusCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class StatusCreate(RequestBody):
    code: StatusCode
    label: Label
    color: HexColor
    is_terminal: bool = False
    supports_progress: bool = False
    progress_editable: bool = False
    on_complete: Literal["auto_advance", "none"] = "none"
    next_status_code: StatusCode | None = None


class StatusUpdate(RequestBody):
    label: Label | None = None
    color: HexColor | None = None
    is_terminal: bool | None = None
    supports_progress: bool | None = None
    progress_editable: bool | None = None
    on_complete: Literal["auto_advance", "none"] | None = None
    next_status_code: StatusCode | None = None


class StatusReorder(RequestBody):
    order: Annotated[list[str], Field(min_length=1, max_length=100)]


class StatusOut(ResponseModel):
    id: str
    code: str
    label: str
    color: str
    position: int
    is_terminal: bool
    supports_progress: bool
    progress_editable: bool
    on_complete: str
    next_status_code: str | None
    is_builtin: bool
    created_at: UtcDatetime | None
    updated_at: UtcDatetime | None

    @classmethod
    def of(cls, status, position: int) -> "StatusOut":
        return cls(
            id=status.id,
            code=status.code,
            label=status.label,
            color=status.color,
            position=position,
            is_terminal=status.is_terminal,
            supports_progress=status.supports_progress,
            progress_editable=status.progress_editable,
            on_complete=status.on_complete,
            next_status_code=status.next_status_code,
            is_builtin=status.builtin,
            created_at=status.created_at,
            updated_at=status.updated_at,
        )
