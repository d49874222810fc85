from datetime import date, datetime

from pydantic import Field

from chalicelib.core.schemas import CursorPageParams, ResponseModel, UtcDatetime


class AuditFilters(CursorPageParams):
    user_id: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | date | None = Field(default=None, alias="from")
    until: datetime | date | None = Field(default=None, alias="to")


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
