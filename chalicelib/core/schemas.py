"""Pydantic bases: strict request bodies, lenient query strings, and the list (page) response."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.timeutil import to_rfc3339

# Page-number (and offset) paging skips items to reach a page; past this many, follow `next_cursor` instead.
MAX_PAGE_OFFSET = 10_000


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be an RFC 3339 timestamp with a timezone, e.g. 2026-03-28T09:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:  # e.g. 0001-01-01T00:00:00+01:00 is before the first UTC instant
        raise ValueError("is out of range") from error


# Accepted with any offset, stored and rendered in UTC with a `Z`.
UtcDatetime = Annotated[
    datetime, AfterValidator(_require_utc), PlainSerializer(to_rfc3339, return_type=str, when_used="json")
]


class RequestBody(BaseModel):
    """A JSON request body: unknown fields are refused and types are strict (`"5"` is not an integer)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)


class QueryParams(BaseModel):
    """Query-string parameters arrive as text, so they are coerced; unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)


class ResponseModel(BaseModel):
    """A resource as the API renders it."""

    model_config = ConfigDict(from_attributes=True, defer_build=True)

    def dump(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return self.model_dump(mode="json")


class SyncParams(QueryParams):
    """`updated_since` on a list of a syncable resource: only items changed at or after it (docs/sync.md)."""

    updated_since: UtcDatetime | None = None

    @model_validator(mode="after")
    def _since_within_retention(self) -> "SyncParams":
        from chalicelib.core.sync import check_since  # the table's code loads with the route, not the schemas

        check_since(self.updated_since)
        return self


class CursorPageParams(QueryParams):
    """Native cursor paging, with TRCR's `page/per_page` accepted for compatibility."""

    cursor: str | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=25, ge=1, le=100)

    @property
    def offset(self) -> int:
        """Items to skip: page-number paging is served by skipping, cursor paging by resuming."""
        return 0 if self.cursor else (self.page - 1) * self.per_page

    @model_validator(mode="after")
    def _page_within_reach(self) -> "CursorPageParams":
        if self.offset > MAX_PAGE_OFFSET:
            raise ValidationFailed.field(
                "page", f"page numbers reach the first {MAX_PAGE_OFFSET} items; follow next_cursor for later ones"
            )
        return self

    def response(self, items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
        """The list shape, echoing the paging fields used."""
        return page_response(items, next_cursor=next_cursor, page=self.page, per_page=self.per_page)


def page_response(items: list[dict[str, Any]], *, next_cursor: str | None, **paging: Any) -> dict[str, Any]:
    """DESIGN.md §2 list shape: data, has_more, next_cursor, plus the paging fields the request used."""
    return {"data": items, "has_more": next_cursor is not None, "next_cursor": next_cursor, **paging}
