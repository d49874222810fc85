from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime

MAX_CONTENT_CHARS = 50_000
EXCERPT_CHARS = 280
KbType = Literal["article", "category"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Markdown = Annotated[str, StringConstraints(max_length=MAX_CONTENT_CHARS)]


class KbCreate(RequestBody):
    """TataTrack's `{title, content, type, parentId}`; `is_draft` applies to articles only."""

    type: KbType
    title: Title
    content: Markdown | None = None
    parent_id: str | None = None
    is_draft: bool | None = None


class KbUpdate(RequestBody):
    """A partial update; `parent_id: null` moves to the top level; `version`, if sent, must be the current one."""

    title: Title | None = None
    content: Markdown | None = None
    is_draft: bool | None = None
    parent_id: str | None = None
    version: Annotated[int, Field(ge=1)] | None = None


class KbFilters(CursorPageParams, SyncParams):
    type: KbType | None = None
    parent_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None  # a category or "root"


class KbItemOut(ResponseModel):
    id: str
    type: KbType
    title: str
    content: str | None
    excerpt: str
    parent_id: str | None
    is_draft: bool | None
    child_count: int | None
    author_id: str
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, item) -> "KbItemOut":
        is_article = item.ID_PREFIX == "art"
        content = item.content or ""
        return cls(
            id=item.id,
            type="article" if is_article else "category",
            title=item.title,
            content=item.content,
            excerpt=" ".join(content.split())[:EXCERPT_CHARS],
            parent_id=item.parent_id,
            is_draft=bool(item.is_draft) if is_article else None,
            child_count=None if is_article else int(item.child_count or 0),
            author_id=item.author_id,
            version=int(item.version),
            created_at=item.created_at,
            updated_at=item.updated_at,
        )

    def summary(self) -> dict[str, Any]:
        """The list form: everything but the full content (an excerpt stands for it)."""
        return self.model_dump(mode="json", exclude={"content"})
