from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, QueryParams, RequestBody, ResponseModel, SyncParams, UtcDatetime


class UploadParams(QueryParams):
    task_id: str | None = None


class UploadStart(RequestBody):
    """The presigned-POST flow's first step: what is about to be uploaded."""

    filename: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    content_type: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    size: int = Field(ge=1)
    task_id: str | None = None


class AttachmentFilters(CursorPageParams, SyncParams):
    pass


class ContentParams(QueryParams):
    ticket: str | None = None
    token: str | None = None


class Links(ResponseModel):
    url: str | None
    thumbnail_url: str | None
    expires_at: UtcDatetime | None


class FileOut(ResponseModel):
    id: str
    task_id: str | None
    filename: str
    content_type: str
    size: int
    status: str
    uploaded_by: str
    url: str | None
    thumbnail_url: str | None
    url_expires_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, stored, links: Links | None = None) -> "FileOut":
        return cls(
            id=stored.id,
            task_id=stored.task_id,
            filename=stored.filename,
            content_type=stored.content_type,
            size=int(stored.size),
            status=stored.status,
            uploaded_by=stored.uploaded_by,
            url=links.url if links else None,
            thumbnail_url=links.thumbnail_url if links else None,
            url_expires_at=links.expires_at if links else None,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class FileUrlOut(ResponseModel):
    id: str
    url: str
    thumbnail_url: str | None
    expires_at: UtcDatetime


class PresignedPostOut(ResponseModel):
    method: str = "POST"
    url: str
    fields: dict[str, str]
    expires_at: UtcDatetime
    max_size: int


class UploadStartOut(ResponseModel):
    file: FileOut
    upload: PresignedPostOut


class ViewTicketOut(ResponseModel):
    ticket: str
    expires_in: int
    expires_at: UtcDatetime

    @classmethod
    def of(cls, ticket: str, expires_at: datetime, expires_in: int) -> "ViewTicketOut":
        return cls(ticket=ticket, expires_at=expires_at, expires_in=expires_in)
