from typing import Annotated

from pydantic import StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

MAX_BODY_CHARS = 20_000
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_CHARS)]


class CommentCreate(RequestBody):
    body: CommentText


class CommentUpdate(RequestBody):
    body: CommentText


class CommentFilters(CursorPageParams, SyncParams):
    pass


class CommentOut(ResponseModel):
    id: str
    task_id: str
    author_id: str
    body: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, comment) -> "CommentOut":
        return cls(
            id=comment.id,
            task_id=comment.task_id,
            author_id=comment.author_id,
            body=comment.body,
            created_at=comment.created_at,
            updated_at=comment.updated_at,
        )
