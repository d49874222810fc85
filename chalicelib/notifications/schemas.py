from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, UtcDatetime

# TRCR's five types, then Stint's two: due-date reminders and the daily digest (docs/decisions.md).
NotificationType = Literal[
    "task_assigned",
    "task_commented",
    "task_status_changed",
    "invoice_paid",
    "chat_mentioned",
    "task_due",
    "daily_digest",
    "budget_alert",
]
MAX_MARK_READ_IDS = 100
NotificationIdList = Annotated[list[str], Field(max_length=MAX_MARK_READ_IDS)]


class NotificationFilters(CursorPageParams):
    unread: bool = False


class MarkRead(RequestBody):
    """`ids` absent or null: every unread notification of the caller."""

    ids: NotificationIdList | None = None


class PreferenceUpdate(RequestBody):
    notification_type: NotificationType
    email_enabled: bool | None = None
    push_enabled: bool | None = None
    in_app_enabled: bool | None = None


class NotificationOut(ResponseModel):
    id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    actor_id: str | None
    is_read: bool
    read_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, notification) -> "NotificationOut":
        return cls(
            id=notification.id,
            type=notification.type,
            title=notification.title,
            message=notification.message,
            data=notification.data or {},
            actor_id=notification.actor_id,
            is_read=notification.read_at is not None,
            read_at=notification.read_at,
            created_at=notification.created_at,
            updated_at=notification.updated_at,
        )


class PreferenceOut(ResponseModel):
    notification_type: str
    email_enabled: bool
    push_enabled: bool
    in_app_enabled: bool
    updated_at: UtcDatetime | None

    @classmethod
    def of(cls, preference) -> "PreferenceOut":
        return cls(
            notification_type=preference.notification_type,
            email_enabled=preference.email,
            push_enabled=preference.push,
            in_app_enabled=preference.in_app,
            updated_at=preference.updated_at,
        )
