from typing import Annotated

from pydantic import StringConstraints

from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import HexColor

LabelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class LabelCreate(RequestBody):
    name: LabelName
    color: HexColor


class LabelUpdate(RequestBody):
    name: LabelName | None = None
    color: HexColor | None = None


class LabelOut(ResponseModel):
    id: str
    name: str
    color: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, label) -> "LabelOut":
        return cls(
            id=label.id, name=label.name, color=label.color, created_at=label.created_at, updated_at=label.updated_at
        )
