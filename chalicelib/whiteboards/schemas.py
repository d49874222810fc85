from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, QueryParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Permission = Literal["view", "edit"]
Version = Annotated[int, Field(ge=1)]


class WhiteboardCreate(RequestBody):
    title: Title
    scene: dict[str, Any] = {}


class WhiteboardSave(RequestBody):
    """A save replaces the scene (and/or the title); `version` is the one the client loaded."""

    version: Version
    title: Title | None = None
    scene: dict[str, Any] | None = None


class ShareCreate(RequestBody):
    whiteboard_id: str
    permission: Permission = "view"


class WhiteboardFilters(CursorPageParams, SyncParams):
    pass


class ShareLinkParams(QueryParams):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class WhiteboardSummaryOut(ResponseModel):
    id: str
    title: str
    scene_bytes: int
    version: int
    share_count: int
    created_by: str
    updated_by: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, board) -> "WhiteboardSummaryOut":
        return cls(
            id=board.id,
            title=board.title,
            scene_bytes=int(board.scene_bytes),
            version=int(board.version),
            share_count=int(board.share_count or 0),
            created_by=board.created_by,
            updated_by=board.updated_by,
            created_at=board.created_at,
            updated_at=board.updated_at,
        )


class WhiteboardOut(WhiteboardSummaryOut):
    scene: dict[str, Any]

    @classmethod
    def of(cls, board) -> "WhiteboardOut":
        return cls(**WhiteboardSummaryOut.of(board).model_dump(), scene=board.scene_document())


class SharedWhiteboardOut(ResponseModel):
    """What a share link opens: the board, without who made it, and what the link allows."""

    id: str
    title: str
    scene: dict[str, Any]
    version: int
    updated_at: UtcDatetime
    permission: Permission

    @classmethod
    def of(cls, board, share) -> "SharedWhiteboardOut":
        return cls(
            id=board.id,
            title=board.title,
            scene=board.scene_document(),
            version=int(board.version),
            updated_at=board.updated_at,
            permission=share.permission,
        )


class ShareOut(ResponseModel):
    id: str
    whiteboard_id: str
    permission: Permission
    created_by: str
    created_at: UtcDatetime
    token: str | None = None  # only in the answer to its creation
    url: str | None = None

    @classmethod
    def of(cls, share, *, token: str | None = None, url: str | None = None) -> "ShareOut":
        return cls(
            id=share.id,
            whiteboard_id=share.whiteboard_id,
            permission=share.permission,
            created_by=share.created_by,
            created_at=share.created_at,
            token=token,
            url=url,
        )
