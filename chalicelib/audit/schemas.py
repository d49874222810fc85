from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import Field, PlainValidator

from chalicelib.core.schemas import CursorPageParams, ResponseModel, UtcDatetime

_DAY_OR_INSTANT = "must be a date (2026-03-01) or an RFC 3339 timestamp with a timezone (2026-03-01T09:00:00Z)"


def _day_or_instant(value: object) -> date | datetime:
    """`2026-03-01` is a whole day; anything longer must be an RFC 3339 instant with a timezone."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        instant = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as error:
        raise ValueError(_DAY_OR_INSTANT) from error
    if instant.tzinfo is None:
        raise ValueError(_DAY_OR_INSTANT)
    return instant.astimezone(UTC)


# A date bound covers its whole day (UTC): `to=2026-03-28` includes entries made on the 28th.
DayOrInstant = Annotated[date | datetime, PlainValidator(_day_or_instant)]


class AuditFilters(CursorPageParams):
    user_id: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: DayOrInstant | None = Field(default=None, alias="from")
    until: DayOrInstant | None = Field(default=None, alias="to")


class AuditEntryOut(ResponseModel):
    id: str
    user_id: str | None
    user_name: str | None
    action: str
    entity_type: str
    entity_id: str | None
    changes: dict
    ip_address: str | None
    created_at: UtcDatetime

    @classmethod
    def of(cls, entry, names: dict[str, str]) -> "AuditEntryOut":
        return cls(
            id=entry.id,
            user_id=entry.user_id,
            user_name=names.get(entry.user_id or ""),
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            changes=entry.changes or {},
            ip_address=entry.ip_address,
            created_at=entry.created_at,
        )
