from typing import Literal

from pydantic import Field

from chalicelib.core.schemas import QueryParams, ResponseModel, UtcDatetime

# Every type whose deletions leave tombstones (core.sync.syncable in each domain's models; a test holds the two
# lists equal). A list of one of these resources takes `updated_since`; docs/sync.md says which list is which.
SyncType = Literal[
    "checklist_item",
    "client",
    "comment",
    "contact",
    "dependency",
    "file",
    "invoice",
    "kb_article",
    "kb_category",
    "label",
    "member",
    "milestone",
    "organization",
    "payment",
    "project",
    "project_member",
    "task",
    "task_group",
    "task_status",
    "time_entry",
    "whiteboard",
]


class DeletionFilters(QueryParams):
    since: UtcDatetime
    type: SyncType
    cursor: str | None = None
    per_page: int = Field(default=100, ge=1, le=100)


class DeletionOut(ResponseModel):
    id: str
    type: str
    deleted_at: UtcDatetime
    project_id: str | None  # the project the item was in, where it had one (a `project_member`'s id is a user's)

    @classmethod
    def of(cls, tombstone) -> "DeletionOut":
        return cls(
            id=tombstone.id, type=tombstone.type, deleted_at=tombstone.deleted_at, project_id=tombstone.project_id
        )


class DeletionPage(ResponseModel):
    """A page of deletions, and the sync point to send next time (see docs/sync.md)."""

    data: list[DeletionOut]
    has_more: bool
    next_cursor: str | None
    per_page: int
    next_since: UtcDatetime

    @classmethod
    def of(cls, page, *, per_page: int) -> "DeletionPage":
        return cls(
            data=[DeletionOut.of(tombstone) for tombstone in page.items],
            has_more=page.next_cursor is not None,
            next_cursor=page.next_cursor,
            per_page=per_page,
            next_since=page.next_since,
        )
