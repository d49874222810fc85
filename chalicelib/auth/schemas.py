from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.auth import SCOPES
from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import Email, Name, Password

Token = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Access = Literal["read_write", "read_only"]
Scope = Literal[tuple(SCOPES)]


class Register(RequestBody):
    email: Email
    password: Password
    name: Name


class Login(RequestBody):
    email: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: Password


class RefreshRequest(RequestBody):
    refresh_token: Token


class ForgotPassword(RequestBody):
    email: Email


class ResetPassword(RequestBody):
    token: Token
    password: Password


class VerifyEmail(RequestBody):
    token: Token


class PasswordChange(RequestBody):
    current_password: Password
    new_password: Password


class ApiTokenCreate(RequestBody):
    name: Name
    expires_at: UtcDatetime | None = None
    access: Access = "read_write"
    # Omitted or null: every resource (or, for a token made with a scoped token, that token's scopes).
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(SCOPES))] | None = None


class SessionOut(ResponseModel):
    id: str
    organization_id: str
    user_agent: str | None
    ip_address: str | None
    created_at: UtcDatetime
    last_used_at: UtcDatetime
    current: bool

    @classmethod
    def of(cls, session, current_id: str | None) -> "SessionOut":
        return cls(
            id=session.id,
            organization_id=session.org_id,
            user_agent=session.user_agent,
            ip_address=session.ip_address,
            created_at=session.created_at,
            last_used_at=session.last_used_at,
            current=session.id == current_id,
        )


class ApiTokenOut(ResponseModel):
    id: str
    name: str
    prefix: str
    organization_id: str
    access: Access
    scopes: list[str] | None  # null: every resource
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None
    expires_at: UtcDatetime | None

    @classmethod
    def of(cls, token) -> "ApiTokenOut":
        expires = datetime.fromtimestamp(token.expires_at, UTC) if token.expires_at else None
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            organization_id=token.org_id,
            access=token.access or "read_write",
            scopes=list(token.scopes or []) or None,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            expires_at=expires,
        )
