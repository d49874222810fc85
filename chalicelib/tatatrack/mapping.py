"""Names and shapes between the TataTrack document and Stint: native bodies from camelCase ones, camelCase
resources from native items, and error details that name the fields the client sent. No rules live here."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from chalicelib.auth import service as auth
from chalicelib.core.errors import UnsupportedMediaType, ValidationFailed
from chalicelib.core.http import validation_failed
from chalicelib.tasks import service as tasks
from chalicelib.tatatrack.schemas import (
    ApiTokenOut,
    CompanyOut,
    MediaOut,
    PersonOut,
    PreferenceOut,
    ProfileOut,
    ProjectOut,
    ProjectTeamMemberOut,
    SearchResultOut,
    SessionOut,
    SignedInOut,
    TaskOut,
    TeamMemberOut,
    UserOut,
    WorkspaceOut,
    document_fields,
)

Native = TypeVar("Native", bound=BaseModel)

# Native field → the document's name, where it is not simply the camelCase of the native one.
RENAMED = {"name": "fullName", "organization_id": "workspaceId"}
# The document's statuses → the workflow's built-in codes (decision 52); reading goes through tasks.phase_of.
PHASE_STATUS = {"todo": "open", "in_progress": "in_progress", "done": "done"}
# The document has three priorities; Stint's fourth, `urgent`, reads as the highest of them.
PRIORITY_OUT = {"urgent": "high"}


def document_name(native: str, renamed: dict[str, str] | None = None) -> str:
    """What the document calls a native field (`assignee_id` → `assigneeId`)."""
    renamed = {**RENAMED, **(renamed or {})}
    return renamed.get(native) or to_camel(native)


def _renamed_error(error: ValidationFailed, renamed: dict[str, str] | None) -> ValidationFailed:
    details = []
    for detail in error.details or []:
        native = detail.get("field", "")
        details.append({**detail, "field": document_name(native, renamed) if native and native != "body" else native})
    words = document_fields() | {detail.get("field", "") for detail in error.details or []} - {"", "body"}
    message = re.sub(
        r"\b[a-z][a-z0-9_]*\b",
        lambda word: document_name(word[0], renamed) if word[0] in words else word[0],
        error.message,
    )
    return ValidationFailed(message, details=details or None, headers=error.headers)


@contextmanager
def document_errors(renamed: dict[str, str] | None = None) -> Iterator[None]:
    """Errors of the services inside name the document's fields; 415 is a 400, as the document's table has it."""
    try:
        yield
    except ValidationFailed as error:
        raise _renamed_error(error, renamed) from error
    except UnsupportedMediaType as error:
        raise _renamed_error(ValidationFailed(error.message, details=error.details), renamed) from error


def native(model: type[Native], fields: dict[str, Any]) -> Native:
    """A native request body from already-validated fields (a 400 naming the document's field if it disagrees)."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise _renamed_error(validation_failed(error), None) from error


# --- resources -----------------------------------------------------------------------------------------------


def user_out(user) -> UserOut:
    return UserOut(
        id=user.id,
        full_name=user.name,
        email=user.email,
        avatar_url=user.avatar_url,
        timezone=user.timezone,
        email_verified=user.email_verified_at is not None,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def workspace_out(org, role: str | None, active_id: str | None) -> WorkspaceOut:
    return WorkspaceOut(
        id=org.id,
        name=org.name,
        slug=org.slug,
        role=role,
        logo_url=org.logo_url,
        is_active=org.id == active_id,
        created_at=org.created_at,
        updated_at=org.updated_at,
    )


def signed_in_out(result) -> SignedInOut:
    return SignedInOut(
        access_token=result.access_token,
        refresh_token=result.refresh_token,
        expires_in=result.expires_in,
        user=user_out(result.user),
        workspace=workspace_out(result.org, result.role, result.org.id),
    )


def session_out(session, current_id: str | None) -> SessionOut:
    return SessionOut(
        id=session.id,
        workspace_id=session.org_id,
        user_agent=session.user_agent,
        ip_address=session.ip_address,
        current=session.id == current_id,
        created_at=session.created_at,
        last_used_at=session.last_used_at,
    )


def project_out(project) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=project.name,
        description=project.description,
        emoji=project.emoji,
        color=project.color,
        status=project.status,
        start_date=project.start_date,
        end_date=project.end_date,
        restricted=project.member_count > 0,
        created_by=project.created_by,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )


def task_out(task) -> TaskOut:
    return TaskOut(
        id=task.id,
        title=task.title,
        description=task.description,
        status=tasks.phase_of(task),
        workflow_status=task.status,
        priority=PRIORITY_OUT.get(task.priority, task.priority),
        project_id=task.project_id,
        assignee_id=task.assignee_id,
        reporter_id=task.reporter_id,
        start_date=task.start_date,
        due_date=task.due_date,
        completed_at=task.completed_at,
        created_at=task.created_at,
        updated_at=task.updated_at,
    )


def team_member_out(member) -> TeamMemberOut:
    return TeamMemberOut(
        user_id=member.user_id,
        member_id=member.id,
        full_name=member.name,
        email=member.email,
        role=member.role,
        status=member.status,
        invite_status="accepted" if member.status == "active" else "pending",
        created_at=member.created_at,
        updated_at=member.updated_at,
    )


def person_out(member) -> PersonOut:
    return PersonOut(id=member.user_id, full_name=member.name, email=member.email, role=member.role)


def project_team_member_out(member, project_role: str | None) -> ProjectTeamMemberOut:
    return ProjectTeamMemberOut(
        user_id=member.user_id,
        full_name=member.name,
        email=member.email,
        role=member.role,
        project_role=project_role,
    )


def media_out(stored, links) -> MediaOut:
    return MediaOut(
        id=stored.id,
        task_id=stored.task_id,
        filename=stored.filename,
        content_type=stored.content_type,
        size=int(stored.size),
        url=links.url,
        thumbnail_url=links.thumbnail_url,
        url_expires_at=links.expires_at,
        uploaded_by=stored.uploaded_by,
        created_at=stored.created_at,
    )


def profile_out(user, org, role: str) -> ProfileOut:
    return ProfileOut(
        **user_out(user).model_dump(),
        role=role,
        company=CompanyOut(id=org.id, name=org.name, slug=org.slug, logo_url=org.logo_url),
    )


def search_result_out(hit: dict) -> SearchResultOut:
    return SearchResultOut(**hit)


def preference_out(preference) -> PreferenceOut:
    return PreferenceOut(
        notification_type=preference.notification_type,
        email_enabled=preference.email,
        push_enabled=preference.push,
        in_app_enabled=preference.in_app,
        updated_at=preference.updated_at,
    )


def api_token_out(token) -> ApiTokenOut:
    return ApiTokenOut(
        id=token.id,
        name=token.name,
        prefix=auth.api_token_alias(token.prefix),
        workspace_id=token.org_id,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=datetime.fromtimestamp(token.expires_at, UTC) if token.expires_at else None,
    )


def page(name: str, items: list[dict], next_cursor: str | None, **extra: Any) -> dict[str, Any]:
    """A bounded list in the document's style: the items under their resource name, then the paging."""
    return {name: items, **extra, "hasMore": next_cursor is not None, "nextCursor": next_cursor}


def camel_keys(value: Any, *, opaque: tuple[str, ...] = ()) -> Any:
    """A native JSON body with every key in camelCase; the values of `opaque` keys (client documents such as a
    whiteboard's scene) are kept exactly as they are."""
    if isinstance(value, dict):
        return {
            to_camel(key): item if key in opaque else camel_keys(item, opaque=opaque) for key, item in value.items()
        }
    if isinstance(value, list):
        return [camel_keys(item, opaque=opaque) for item in value]
    return value
