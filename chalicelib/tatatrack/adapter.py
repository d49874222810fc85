"""The TataTrack surface over Stint's services: each function turns one documented call into native service
calls and hands back native items. It holds no rules of its own (DESIGN.md §1); the services decide."""

from dataclasses import dataclass
from io import BytesIO

from chalicelib.audit.service import Actor
from chalicelib.auth import schemas as auth_schemas
from chalicelib.auth import service as auth
from chalicelib.billing import service as billing
from chalicelib.core.auth import Principal
from chalicelib.core.errors import NotFound
from chalicelib.core.listing import Page
from chalicelib.files import service as files
from chalicelib.files.form import Upload
from chalicelib.kb import schemas as kb_schemas
from chalicelib.kb import service as kb
from chalicelib.notifications import schemas as notification_schemas
from chalicelib.notifications import service as notifications
from chalicelib.orgs import schemas as org_schemas
from chalicelib.orgs import service as orgs
from chalicelib.projects import schemas as project_schemas
from chalicelib.projects import service as projects
from chalicelib.search import schemas as search_schemas
from chalicelib.search import service as search
from chalicelib.tasks import schemas as task_schemas
from chalicelib.tasks import service as tasks
from chalicelib.tatatrack import schemas as tt
from chalicelib.tatatrack.mapping import PHASE_STATUS, PRIORITY_OUT, document_errors, native
from chalicelib.users import schemas as user_schemas
from chalicelib.users import service as users
from chalicelib.whiteboards import schemas as whiteboard_schemas
from chalicelib.whiteboards import service as whiteboards

PROJECT_TASKS = 50
PROJECT_TEAM = 100
PROJECT_MEDIA = 50

# --- auth and sessions ---------------------------------------------------------------------------------------


def login(*, body: tt.Login, actor: Actor) -> auth.SignedIn:
    """Email and password → tokens for the user's default workspace."""
    with document_errors():
        return auth.login(body=native(auth_schemas.Login, body.given()), actor=actor)


def logout(*, principal: Principal, body: tt.Logout) -> None:
    """End the session of the given refresh token, or else the session of the caller's access token."""
    with document_errors():
        if body.refresh_token is None:
            auth.logout_current(principal=principal)
        else:
            auth.logout(principal=principal, body=native(auth_schemas.RefreshRequest, body.given()))


def sessions(*, principal: Principal) -> list:
    """The caller's live sessions, newest first."""
    return auth.list_sessions(principal=principal)


def revoke_session(*, principal: Principal, body: tt.SessionRevoke) -> None:
    auth.revoke_session(principal=principal, session_id=body.session_id)


# --- workspaces ----------------------------------------------------------------------------------------------


def workspaces(*, principal: Principal) -> list:
    """The workspaces the credential may see, with the caller's role in each."""
    return orgs.list_visible(principal=principal)


def create_workspace(*, principal: Principal, body: tt.WorkspaceCreate):
    with document_errors():
        return orgs.create(principal=principal, body=native(org_schemas.OrgCreate, body.given()))


def switch_workspace(*, principal: Principal, body: tt.WorkspaceSwitch, actor: Actor) -> auth.SignedIn:
    with document_errors({"organization_id": "workspaceId"}):
        return auth.switch_organization(principal=principal, org_id=body.workspace_id, actor=actor)


# --- projects ------------------------------------------------------------------------------------------------


def list_projects(*, principal: Principal, query: tt.ProjectQuery) -> Page:
    filters = native(
        project_schemas.ProjectFilters, {"per_page": query.limit, "cursor": query.cursor, "status": query.status}
    )
    return projects.list_projects(principal=principal, filters=filters)


def create_project(*, principal: Principal, body: tt.ProjectCreate):
    with document_errors():
        return projects.create(principal=principal, body=native(project_schemas.ProjectCreate, body.given()))


def update_project(*, principal: Principal, project_id: str, body: tt.ProjectUpdate):
    with document_errors():
        changes = native(project_schemas.ProjectUpdate, body.given())
        return projects.update(principal=principal, project_id=project_id, changes=changes)


def delete_project(*, principal: Principal, project_id: str) -> None:
    projects.delete(principal=principal, project_id=project_id)


@dataclass
class ProjectDetail:
    project: object
    tasks: Page
    team: list  # (membership, project role or None)
    media: Page


def project_detail(*, principal: Principal, project_id: str) -> ProjectDetail:
    """A project with its newest tasks, its team (explicit members, else the workspace's) and its tasks' files."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    task_filters = native(task_schemas.TaskFilters, {"project_id": project.id, "per_page": PROJECT_TASKS})
    task_page = tasks.list_tasks(principal=principal, filters=task_filters)
    explicit = projects.list_members(principal=principal, project_id=project.id)[:PROJECT_TEAM]
    if explicit:
        members = orgs.memberships(org_id=principal.org_id, user_ids={m.user_id for m in explicit})
        team = [(members[m.user_id], m.role) for m in explicit if m.user_id in members]
    else:
        everyone = orgs.list_members(principal=principal, filters=org_schemas.MemberFilters(), limit=PROJECT_TEAM)
        team = [(member, None) for member in everyone.items if member.status == "active"]
    media = files.list_project_media(principal=principal, project_id=project.id, limit=PROJECT_MEDIA)
    return ProjectDetail(project, task_page, team, media)


# --- tasks ---------------------------------------------------------------------------------------------------


@dataclass
class TaskListing:
    page: Page
    projects: dict  # id → project, for the tasks on the page
    users: dict  # user id → membership, for the tasks' assignees and reporters


def list_tasks(*, principal: Principal, query: tt.TaskQuery) -> TaskListing:
    """A page of tasks with the projects and people they refer to."""
    fields = {
        "project_id": query.project_id,
        "assignee_id": query.assignee_id,
        "priority": query.priority,
        "search": query.search,
        "per_page": query.limit,
        "cursor": query.cursor,
    }
    with document_errors():
        filters = native(task_schemas.TaskFilters, fields)
        page = tasks.list_tasks(principal=principal, filters=filters, phase=query.status)
    project_ids = {task.project_id for task in page.items}
    user_ids = {user for task in page.items for user in (task.assignee_id, task.reporter_id) if user}
    return TaskListing(
        page,
        projects.find_many(org_id=principal.org_id, project_ids=project_ids),
        orgs.memberships(org_id=principal.org_id, user_ids=user_ids),
    )


def get_task(*, principal: Principal, task_id: str):
    return tasks.get_visible(principal=principal, task_id=task_id)


def create_task(*, principal: Principal, body: tt.TaskCreate):
    fields = body.model_dump()
    fields["status"] = PHASE_STATUS[body.status]
    with document_errors():
        return tasks.create(principal=principal, body=native(task_schemas.TaskCreate, fields))


def update_task(*, principal: Principal, task_id: str, body: tt.TaskUpdate):
    """A partial update; a status or priority the task already shows (in the document's terms) is no change."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    fields = body.given()
    if fields.get("status") == tasks.phase_of(task):
        del fields["status"]
    elif "status" in fields:
        fields["status"] = PHASE_STATUS[fields["status"]]
    if fields.get("priority") == PRIORITY_OUT.get(task.priority, task.priority):
        del fields["priority"]
    with document_errors():
        changes = native(task_schemas.TaskUpdate, fields)
        return tasks.update_if_unchanged(principal=principal, task=task, changes=changes)


def delete_task(*, principal: Principal, task_id: str) -> None:
    tasks.delete(principal=principal, task_id=task_id)


# --- team ----------------------------------------------------------------------------------------------------


def team(*, principal: Principal, query: tt.TeamQuery) -> Page:
    """The workspace's members and pending invitations, oldest first."""
    filters = native(org_schemas.MemberFilters, {"role": query.role, "search": query.search})
    return orgs.list_members(principal=principal, filters=filters, limit=query.limit, cursor=query.cursor)


def invite(*, principal: Principal, body: tt.TeamInvite):
    fields = {"email": body.email, "role": body.role, "name": body.full_name}
    with document_errors():
        return orgs.invite(principal=principal, body=native(org_schemas.MemberInvite, fields))


def change_role(*, principal: Principal, body: tt.TeamRoleChange):
    member = orgs.member_for_user(principal=principal, user_id=body.user_id)
    with document_errors():
        changes = native(org_schemas.MemberUpdate, {"role": body.role})
        return orgs.update_member(principal=principal, member_id=member.id, body=changes)


def remove_member(*, principal: Principal, body: tt.TeamMemberRef) -> None:
    member = orgs.member_for_user(principal=principal, user_id=body.user_id)
    orgs.remove(principal=principal, member_id=member.id)


def resend_invite(*, principal: Principal, body: tt.TeamResend):
    user_id = body.user_id
    if user_id is None:
        user = users.find_by_email(email=body.email)
        if user is None:
            raise NotFound("Member not found.")
        user_id = user.id
    member = orgs.member_for_user(principal=principal, user_id=user_id)
    return orgs.resend_invite(principal=principal, member_id=member.id)


# --- profile -------------------------------------------------------------------------------------------------


@dataclass
class Profile:
    user: object
    org: object
    role: str


def profile(*, principal: Principal) -> Profile:
    org, role = orgs.get(principal=principal, org_id=principal.org_id)
    return Profile(users.get(user_id=principal.user_id), org, role)


def update_profile(*, principal: Principal, body: tt.ProfileUpdate) -> Profile:
    """Name and timezone through the users service, the avatar through the files service (checked there)."""
    fields = body.given()
    if "avatar_data" in fields:
        fields.pop("avatar_data")
        image = body.avatar_data
        if image is None:
            files.remove_avatar(principal=principal)
        else:
            upload = Upload(filename="avatar", declared_type=image.content_type, content=BytesIO(image.data))
            with document_errors():
                files.set_avatar(principal=principal, upload=upload, field="avatar_data")
    if fields:
        changes = {"name": fields.get("full_name"), "timezone": fields.get("timezone")}
        changes = native(user_schemas.ProfileUpdate, {k: v for k, v in changes.items() if v is not None})
        users.update_profile(principal=principal, changes=changes)
    return profile(principal=principal)


# --- search, notification preferences, API tokens ------------------------------------------------------------


def search_workspace(*, principal: Principal, query: tt.SearchQuery) -> list[dict]:
    with document_errors():
        return search.search(principal=principal, query=native(search_schemas.SearchQuery, query.model_dump()))


def preferences(*, principal: Principal) -> list:
    return notifications.preferences(principal=principal)


def update_preference(*, principal: Principal, body: tt.PreferenceUpdate):
    with document_errors():
        changes = native(notification_schemas.PreferenceUpdate, body.given())
        return notifications.update_preference(principal=principal, body=changes)


def api_tokens(*, principal: Principal) -> list:
    return auth.list_api_tokens(principal=principal)


def create_api_token(*, principal: Principal, body: tt.ApiTokenCreate) -> tuple[object, str]:
    """A personal API token, its secret shown once in the document's `tt_live_` spelling."""
    with document_errors():
        wanted = native(auth_schemas.ApiTokenCreate, body.given())
        token, secret = auth.create_api_token(principal=principal, body=wanted)
    return token, auth.api_token_alias(secret)


def revoke_api_token(*, principal: Principal, token_id: str) -> None:
    auth.revoke_api_token(principal=principal, token_id=token_id)


# --- knowledge base ------------------------------------------------------------------------------------------


def list_kb(*, principal: Principal, query: tt.KbQuery) -> Page:
    fields = {"type": query.type, "parent_id": query.parent_id, "per_page": query.limit, "cursor": query.cursor}
    with document_errors():
        return kb.list_items(principal=principal, filters=native(kb_schemas.KbFilters, fields))


def create_kb_item(*, principal: Principal, body):
    with document_errors():
        return kb.create(principal=principal, body=body)


def get_kb_item(*, principal: Principal, item_id: str):
    return kb.get(principal=principal, item_id=item_id)


def update_kb_item(*, principal: Principal, item_id: str, body):
    with document_errors():
        return kb.update(principal=principal, item_id=item_id, changes=body)


def delete_kb_item(*, principal: Principal, item_id: str) -> None:
    kb.delete(principal=principal, item_id=item_id)


# --- whiteboards ---------------------------------------------------------------------------------------------


def list_whiteboards(*, principal: Principal, query: tt.Paging) -> Page:
    filters = native(whiteboard_schemas.WhiteboardFilters, {"per_page": query.limit, "cursor": query.cursor})
    return whiteboards.list_boards(principal=principal, filters=filters)


def create_whiteboard(*, principal: Principal, body):
    with document_errors():
        return whiteboards.create(principal=principal, body=body)


def get_whiteboard(*, principal: Principal, whiteboard_id: str):
    return whiteboards.get(principal=principal, whiteboard_id=whiteboard_id)


def save_whiteboard(*, principal: Principal, whiteboard_id: str, body):
    with document_errors():
        return whiteboards.save(principal=principal, whiteboard_id=whiteboard_id, body=body)


def delete_whiteboard(*, principal: Principal, whiteboard_id: str) -> None:
    whiteboards.delete(principal=principal, whiteboard_id=whiteboard_id)


def share_whiteboard(*, principal: Principal, body) -> tuple[object, str, str]:
    """A share link of a board: the share, its token (shown once) and the link to open."""
    with document_errors():
        share, token = whiteboards.create_share(principal=principal, body=body)
    return share, token, whiteboards.share_url(token)


def open_shared_whiteboard(*, query: tt.ShareLink) -> tuple:
    return whiteboards.open_shared(token=query.token)


def save_shared_whiteboard(*, query: tt.ShareLink, body, actor: Actor) -> tuple:
    with document_errors():
        return whiteboards.save_shared(token=query.token, body=body, ip=actor.ip, user_agent=actor.user_agent)


# --- billing -------------------------------------------------------------------------------------------------


def billing_state(*, principal: Principal):
    return billing.get_state(principal=principal)


def create_subscription(*, principal: Principal, body):
    with document_errors():
        return billing.create_subscription(principal=principal, body=body)


def cancel_subscription(*, principal: Principal, body):
    with document_errors():
        return billing.cancel_subscription(principal=principal, body=body)


def receive_billing_webhook(*, headers: dict[str, str], body: bytes, actor: Actor) -> tuple[str, bool]:
    return billing.receive_webhook(headers=headers, body=body, actor=actor)
