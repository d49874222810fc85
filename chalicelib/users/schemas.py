from pydantic import field_validator

from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import Name, Timezone


class ProfileUpdate(RequestBody):
    name: Name | None = None
    timezone: Timezone | None = None

    @field_validator("name", "timezone", mode="before")
    @classmethod
    def _not_null(cls, value):
        """Omit a field to keep it; an explicit null would otherwise be ignored silently."""
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class UserOut(ResponseModel):
    id: str
    email: str
    name: str
    timezone: str
    avatar_url: str | None
    email_verified: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, user) -> "UserOut":
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            avatar_url=user.avatar_url,
            email_verified=user.email_verified_at is not None,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
