"""The TataTrack document's bodies: camelCase on the wire, the same strict rules as the native bodies.

Request models accept only the camelCase names (a snake_case name is an unknown field, 400); response models
are built with Stint's snake_case names and dumped in camelCase.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from chalicelib.billing import schemas as billing
from chalicelib.core.schemas import QueryParams, RequestBody, ResponseModel, UtcDatetime
from chalicelib.core.validators import Email, HexColor, Name, Password, Timezone
from chalicelib.kb import schemas as kb
from chalicelib.notifications.schemas import NotificationType
from chalicelib.projects.schemas import Description, Emoji, ProjectName
from chalicelib.tasks.schemas import Markdown, Title
from chalicelib.whiteboards import schemas as whiteboards

Phase = Literal["todo", "in_progress", "done"]
Priority = Literal["low", "medium", "high"]
Role = Literal["admin", "member"]
MAX_LIST_LIMIT = 100
# A data URL of this many bytes is ~955 kB of base64: it fits the 1 MB JSON body limit (core.http).
MAX_AVATAR_BYTES = 700 * 1024
AVATAR_TYPES = ("image/png", "image/jpeg", "image/webp")


def _id_text(value: Any) -> Any:
    """The document shows integer ids; Stint's ids are strings, and an integer is read as its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_id_text), StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


@dataclass(frozen=True)
class AvatarImage:
    content_type: str
    data: bytes


_DATA_URL = re.compile(r"^data:([\w.+-]+/[\w.+-]+);base64,(.*)$", re.DOTALL)


def _avatar(value: Any) -> AvatarImage:
    if not isinstance(value, str):
        raise ValueError("must be a base64 data URL such as data:image/png;base64,...")
    match = _DATA_URL.match(value)
    if not match:
        raise ValueError("must be a base64 data URL such as data:image/png;base64,...")
    content_type = match.group(1).lower().replace("image/jpg", "image/jpeg")
    if content_type not in AVATAR_TYPES:
        raise ValueError("must be a PNG, JPEG or WebP image")
    if len(match.group(2)) > (MAX_AVATAR_BYTES // 3 + 1) * 4:
        raise ValueError(f"must be an image of at most {MAX_AVATAR_BYTES // 1024} KB")
    try:
        data = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("is not valid base64") from error
    if not data:
        raise ValueError("is empty")
    return AvatarImage(content_type, data)


AvatarData = Annotated[AvatarImage, PlainValidator(_avatar)]


class Body(RequestBody):
    """A TataTrack request body: camelCase names only, unknown fields refused, strict types."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False)

    def given(self) -> dict[str, Any]:
        """The fields the client sent, by their Python (snake_case) names."""
        return {name: getattr(self, name) for name in self.model_fields_set}


_TWINS: list[type[BaseModel]] = []


def camel_twin(model: type[BaseModel]) -> type[BaseModel]:
    """The native body `model` read from camelCase names: same fields, same rules, and an instance of `model`."""
    twin = type(
        model.__name__,
        (model,),
        {
            "model_config": ConfigDict(alias_generator=to_camel, populate_by_name=False),
            "__module__": __name__,
            "__doc__": model.__doc__,
        },
    )
    _TWINS.append(twin)
    return twin


def document_fields() -> set[str]:
    """The native names of every multi-word field a TataTrack body has (words an error message may mention)."""
    bodies, found = [Body, *_TWINS], set()
    while bodies:
        model = bodies.pop()
        bodies.extend(model.__subclasses__())
        found.update(name for name in model.model_fields if "_" in name)
    return found


class Query(QueryParams):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False)


class Out(ResponseModel):
    """A TataTrack response: built from snake_case names, rendered in camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def _not_null(value: Any) -> Any:
    """Omit a field to keep it; an explicit null would otherwise be ignored silently."""
    if value is None:
        raise ValueError("may be omitted but not null")
    return value


# --- requests ------------------------------------------------------------------------------------------------


class Login(Body):
    email: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: Password


class Logout(Body):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=512)] | None = None


class SessionRevoke(Body):
    session_id: Id


class WorkspaceCreate(Body):
    name: Name


class WorkspaceSwitch(Body):
    workspace_id: Id


class ProjectCreate(Body):
    name: ProjectName
    description: Description | None = None
    emoji: Emoji | None = None
    color: HexColor | None = None
    start_date: date | None = None
    end_date: date | None = None


class ProjectUpdate(Body):
    name: ProjectName | None = None
    description: Description | None = None
    emoji: Emoji | None = None
    color: HexColor | None = None
    status: Literal["active", "archived"] | None = None
    start_date: date | None = None
    end_date: date | None = None


class TaskCreate(Body):
    title: Title
    project_id: Id
    description: Markdown | None = None
    status: Phase = "todo"
    priority: Priority = "medium"
    assignee_id: Id | None = None
    start_date: date | None = None
    due_date: date | None = None


class TaskUpdate(Body):
    title: Title | None = None
    description: Markdown | None = None
    status: Phase | None = None
    priority: Priority | None = None
    assignee_id: Id | None = None
    start_date: date | None = None
    due_date: date | None = None

    _present_fields_are_not_null = field_validator("title", "status", "priority", mode="before")(_not_null)


class TeamInvite(Body):
    full_name: Name | None = None
    email: Email
    role: Role = "member"


class TeamRoleChange(Body):
    user_id: Id
    role: Role


class TeamMemberRef(Body):
    user_id: Id


class TeamResend(Body):
    """The pending member by `userId` or by `email`."""

    user_id: Id | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _one_of(self) -> "TeamResend":
        if (self.user_id is None) == (self.email is None):
            raise ValueError("send exactly one of userId, email")
        return self


class ProfileUpdate(Body):
    full_name: Name | None = None
    timezone: Timezone | None = None
    avatar_data: AvatarData | None = None  # null removes the avatar

    _present_fields_are_not_null = field_validator("full_name", "timezone", mode="before")(_not_null)


class PreferenceUpdate(Body):
    notification_type: NotificationType
    email_enabled: bool | None = None
    push_enabled: bool | None = None
    in_app_enabled: bool | None = None


class ApiTokenCreate(Body):
    name: Name
    expires_at: UtcDatetime | None = None


# The knowledge base, whiteboards and billing take their native bodies as they are, in camelCase.
KbCreate = camel_twin(kb.KbCreate)
KbUpdate = camel_twin(kb.KbUpdate)
WhiteboardCreate = camel_twin(whiteboards.WhiteboardCreate)
WhiteboardSave = camel_twin(whiteboards.WhiteboardSave)
ShareCreate = camel_twin(whiteboards.ShareCreate)
SubscriptionCreate = camel_twin(billing.SubscriptionCreate)
SubscriptionCancel = camel_twin(billing.SubscriptionCancel)


# --- queries -------------------------------------------------------------------------------------------------


class Paging(Query):
    limit: int = Field(default=50, ge=1, le=MAX_LIST_LIMIT)
    cursor: str | None = None


class ProjectQuery(Paging):
    status: Literal["active", "archived"] | None = None


class TaskQuery(Paging):
    project_id: str | None = None
    assignee_id: str | None = None
    status: Phase | None = None
    priority: Priority | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None


class TeamQuery(Paging):
    role: Literal["owner", "admin", "member"] | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None


class KbQuery(Paging):
    type: Literal["article", "category"] | None = None
    parent_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class ShareLink(Query):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SearchQuery(Query):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    type: Literal["task", "project", "client", "comment", "time_entry", "invoice", "article"] | None = None
    limit: int = Field(default=20, ge=1, le=50)


# --- responses -----------------------------------------------------------------------------------------------


class UserOut(Out):
    id: str
    full_name: str
    email: str
    avatar_url: str | None
    timezone: str
    email_verified: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class CompanyOut(Out):
    id: str
    name: str
    slug: str
    logo_url: str | None


class WorkspaceOut(Out):
    id: str
    name: str
    slug: str
    role: str | None
    logo_url: str | None
    is_active: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class SessionOut(Out):
    id: str
    workspace_id: str
    user_agent: str | None
    ip_address: str | None
    current: bool
    created_at: UtcDatetime
    last_used_at: UtcDatetime


class SignedInOut(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    user: UserOut
    workspace: WorkspaceOut


class ProjectOut(Out):
    id: str
    name: str
    description: str | None
    emoji: str | None
    color: str | None
    status: str
    start_date: str | None
    end_date: str | None
    restricted: bool
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime


class TaskOut(Out):
    id: str
    title: str
    description: str | None
    status: Phase
    workflow_status: str
    priority: Priority
    project_id: str
    assignee_id: str | None
    reporter_id: str
    start_date: str | None
    due_date: str | None
    completed_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class TeamMemberOut(Out):
    user_id: str
    member_id: str
    full_name: str | None
    email: str
    role: str
    status: str
    invite_status: Literal["accepted", "pending"]
    created_at: UtcDatetime
    updated_at: UtcDatetime


class PersonOut(Out):
    """Someone a task refers to (assignee, reporter), as a member of the workspace."""

    id: str
    full_name: str | None
    email: str
    role: str


class ProjectTeamMemberOut(Out):
    user_id: str
    full_name: str | None
    email: str | None
    role: str
    project_role: str | None


class MediaOut(Out):
    id: str
    task_id: str | None
    filename: str
    content_type: str
    size: int
    url: str | None
    thumbnail_url: str | None
    url_expires_at: UtcDatetime | None
    uploaded_by: str
    created_at: UtcDatetime


class ProfileOut(UserOut):
    role: str
    company: CompanyOut


class SearchResultOut(Out):
    type: str
    id: str
    title: str
    project_id: str | None
    parent_id: str | None


class PreferenceOut(Out):
    notification_type: str
    email_enabled: bool
    push_enabled: bool
    in_app_enabled: bool
    updated_at: UtcDatetime | None


class ApiTokenOut(Out):
    id: str
    name: str
    prefix: str
    workspace_id: str
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None
    expires_at: UtcDatetime | None
