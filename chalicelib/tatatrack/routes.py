"""The TataTrack document's endpoints, registered under `/api`: parse the camelCase body, call the adapter,
render camelCase. Errors leave in the standard envelope (core.http)."""

from chalice import Blueprint

from chalicelib.auth.current import current_principal, request_actor
from chalicelib.billing.schemas import BillingOut, CreatedSubscriptionOut, WebhookOut
from chalicelib.core.http import created, credentials, parse_body, parse_query
from chalicelib.files import service as files
from chalicelib.kb.schemas import KbItemOut
from chalicelib.tatatrack import adapter
from chalicelib.tatatrack import mapping as out
from chalicelib.tatatrack import schemas as tt
from chalicelib.whiteboards.schemas import SharedWhiteboardOut, ShareOut, WhiteboardOut, WhiteboardSummaryOut

bp = Blueprint(__name__)
UPDATE = ["PUT", "PATCH"]
SUCCESS = {"success": True}


def _principal():
    return current_principal(bp.current_request)


def _body(model):
    return parse_body(bp.current_request, model)


def _query(model):
    return parse_query(bp.current_request, model)


# --- auth and sessions ---------------------------------------------------------------------------------------


@bp.route("/auth/login", methods=["POST"])
def login():
    result = adapter.login(body=_body(tt.Login), actor=request_actor(bp.current_request))
    return credentials(out.signed_in_out(result).dump())


@bp.route("/auth/logout", methods=["POST"])
def logout():
    adapter.logout(principal=_principal(), body=_body(tt.Logout))
    return SUCCESS


@bp.route("/auth/sessions", methods=["GET"])
def list_sessions():
    principal = _principal()
    found = adapter.sessions(principal=principal)
    return out.page("sessions", [out.session_out(s, principal.session_id).dump() for s in found], None)


@bp.route("/auth/sessions", methods=["DELETE"])
def revoke_session():
    adapter.revoke_session(principal=_principal(), body=_body(tt.SessionRevoke))
    return SUCCESS


# --- workspaces ----------------------------------------------------------------------------------------------


@bp.route("/workspaces", methods=["GET"])
def list_workspaces():
    principal = _principal()
    found = adapter.workspaces(principal=principal)
    items = [out.workspace_out(org, role, principal.org_id).dump() for org, role in found]
    return out.page("workspaces", items, None, activeWorkspaceId=principal.org_id)


@bp.route("/workspaces/create", methods=["POST"])
def create_workspace():
    principal = _principal()
    org = adapter.create_workspace(principal=principal, body=_body(tt.WorkspaceCreate))
    return created(out.workspace_out(org, "owner", principal.org_id).dump())


@bp.route("/workspaces/switch", methods=["POST"])
def switch_workspace():
    principal = _principal()
    body = _body(tt.WorkspaceSwitch)
    result = adapter.switch_workspace(principal=principal, body=body, actor=request_actor(bp.current_request))
    return credentials(out.signed_in_out(result).dump())


# --- projects ------------------------------------------------------------------------------------------------


@bp.route("/projects", methods=["GET"])
def list_projects():
    page = adapter.list_projects(principal=_principal(), query=_query(tt.ProjectQuery))
    return out.page("projects", [out.project_out(project).dump() for project in page.items], page.next_cursor)


@bp.route("/projects", methods=["POST"])
def create_project():
    project = adapter.create_project(principal=_principal(), body=_body(tt.ProjectCreate))
    return created(out.project_out(project).dump())


@bp.route("/projects/{project_id}", methods=["GET"])
def get_project(project_id):
    detail = adapter.project_detail(principal=_principal(), project_id=project_id)
    return {
        **out.project_out(detail.project).dump(),
        "tasks": [out.task_out(task).dump() for task in detail.tasks.items],
        "hasMoreTasks": detail.tasks.next_cursor is not None,
        "team": [out.project_team_member_out(member, role).dump() for member, role in detail.team],
        "media": [out.media_out(stored, files.links(stored)).dump() for stored in detail.media.items],
        "hasMoreMedia": detail.media.next_cursor is not None,
    }


@bp.route("/projects/{project_id}", methods=UPDATE)
def update_project(project_id):
    principal = _principal()
    project = adapter.update_project(principal=principal, project_id=project_id, body=_body(tt.ProjectUpdate))
    return out.project_out(project).dump()


@bp.route("/projects/{project_id}", methods=["DELETE"])
def delete_project(project_id):
    adapter.delete_project(principal=_principal(), project_id=project_id)
    return SUCCESS


# --- tasks ---------------------------------------------------------------------------------------------------


@bp.route("/tasks", methods=["GET"])
def list_tasks():
    listing = adapter.list_tasks(principal=_principal(), query=_query(tt.TaskQuery))
    return out.page(
        "tasks",
        [out.task_out(task).dump() for task in listing.page.items],
        listing.page.next_cursor,
        projects=[out.project_out(project).dump() for project in listing.projects.values()],
        users=[out.person_out(member).dump() for member in listing.users.values()],
    )


@bp.route("/tasks", methods=["POST"])
def create_task():
    return created(out.task_out(adapter.create_task(principal=_principal(), body=_body(tt.TaskCreate))).dump())


@bp.route("/tasks/{task_id}", methods=["GET"])
def get_task(task_id):
    return out.task_out(adapter.get_task(principal=_principal(), task_id=task_id)).dump()


@bp.route("/tasks/{task_id}", methods=UPDATE)
def update_task(task_id):
    principal = _principal()
    return out.task_out(adapter.update_task(principal=principal, task_id=task_id, body=_body(tt.TaskUpdate))).dump()


@bp.route("/tasks/{task_id}", methods=["DELETE"])
def delete_task(task_id):
    adapter.delete_task(principal=_principal(), task_id=task_id)
    return SUCCESS


# --- team ----------------------------------------------------------------------------------------------------


@bp.route("/team", methods=["GET"])
def list_team():
    page = adapter.team(principal=_principal(), query=_query(tt.TeamQuery))
    return out.page("members", [out.team_member_out(member).dump() for member in page.items], page.next_cursor)


@bp.route("/team", methods=["POST"])
def invite_member():
    return created(out.team_member_out(adapter.invite(principal=_principal(), body=_body(tt.TeamInvite))).dump())


@bp.route("/team", methods=UPDATE)
def change_member_role():
    return out.team_member_out(adapter.change_role(principal=_principal(), body=_body(tt.TeamRoleChange))).dump()


@bp.route("/team", methods=["DELETE"])
def remove_member():
    adapter.remove_member(principal=_principal(), body=_body(tt.TeamMemberRef))
    return SUCCESS


@bp.route("/team/resend", methods=["POST"])
def resend_invite():
    return out.team_member_out(adapter.resend_invite(principal=_principal(), body=_body(tt.TeamResend))).dump()


# --- profile, preferences, API tokens ------------------------------------------------------------------------


@bp.route("/profile", methods=["GET"])
def get_profile():
    found = adapter.profile(principal=_principal())
    return out.profile_out(found.user, found.org, found.role).dump()


@bp.route("/profile", methods=UPDATE)
def update_profile():
    found = adapter.update_profile(principal=_principal(), body=_body(tt.ProfileUpdate))
    return out.profile_out(found.user, found.org, found.role).dump()


@bp.route("/notification-preferences", methods=["GET"])
def get_preferences():
    found = adapter.preferences(principal=_principal())
    return {"preferences": [out.preference_out(preference).dump() for preference in found]}


@bp.route("/notification-preferences", methods=UPDATE)
def update_preference():
    preference = adapter.update_preference(principal=_principal(), body=_body(tt.PreferenceUpdate))
    return out.preference_out(preference).dump()


@bp.route("/profile/api-tokens", methods=["GET"])
def list_api_tokens():
    found = adapter.api_tokens(principal=_principal())
    return out.page("tokens", [out.api_token_out(token).dump() for token in found], None)


@bp.route("/profile/api-tokens", methods=["POST"])
def create_api_token():
    token, secret = adapter.create_api_token(principal=_principal(), body=_body(tt.ApiTokenCreate))
    return credentials({**out.api_token_out(token).dump(), "token": secret}, 201)


@bp.route("/profile/api-tokens/{token_id}", methods=["DELETE"])
def revoke_api_token(token_id):
    adapter.revoke_api_token(principal=_principal(), token_id=token_id)
    return SUCCESS


# --- search --------------------------------------------------------------------------------------------------


@bp.route("/search", methods=["GET"])
def search():
    principal = _principal()
    query = _query(tt.SearchQuery)
    hits = adapter.search_workspace(principal=principal, query=query)
    return {"results": [out.search_result_out(hit).dump() for hit in hits], "query": query.q}


# --- knowledge base ------------------------------------------------------------------------------------------


@bp.route("/kb", methods=["GET"])
def list_kb():
    page = adapter.list_kb(principal=_principal(), query=_query(tt.KbQuery))
    summaries = [out.camel_keys(KbItemOut.of(item).summary()) for item in page.items]
    return out.page(
        "articles",
        [item for item in summaries if item["type"] == "article"],
        page.next_cursor,
        categories=[item for item in summaries if item["type"] == "category"],
    )


@bp.route("/kb", methods=["POST"])
def create_kb_item():
    item = adapter.create_kb_item(principal=_principal(), body=_body(tt.KbCreate))
    return created(out.camel_keys(KbItemOut.of(item).dump()))


@bp.route("/kb/{item_id}", methods=["GET"])
def get_kb_item(item_id):
    return out.camel_keys(KbItemOut.of(adapter.get_kb_item(principal=_principal(), item_id=item_id)).dump())


@bp.route("/kb/{item_id}", methods=UPDATE)
def update_kb_item(item_id):
    principal = _principal()
    item = adapter.update_kb_item(principal=principal, item_id=item_id, body=_body(tt.KbUpdate))
    return out.camel_keys(KbItemOut.of(item).dump())


@bp.route("/kb/{item_id}", methods=["DELETE"])
def delete_kb_item(item_id):
    adapter.delete_kb_item(principal=_principal(), item_id=item_id)
    return SUCCESS


# --- whiteboards ---------------------------------------------------------------------------------------------

_SCENE = ("scene",)  # the board's drawing is the client's own document: its keys are kept as sent


@bp.route("/whiteboards", methods=["GET"])
def list_whiteboards():
    page = adapter.list_whiteboards(principal=_principal(), query=_query(tt.Paging))
    boards = [out.camel_keys(WhiteboardSummaryOut.of(board).dump()) for board in page.items]
    return out.page("whiteboards", boards, page.next_cursor)


@bp.route("/whiteboards", methods=["POST"])
def create_whiteboard():
    board = adapter.create_whiteboard(principal=_principal(), body=_body(tt.WhiteboardCreate))
    return created(out.camel_keys(WhiteboardOut.of(board).dump(), opaque=_SCENE))


@bp.route("/whiteboards/share", methods=["POST"])
def share_whiteboard():
    share, token, url = adapter.share_whiteboard(principal=_principal(), body=_body(tt.ShareCreate))
    return created(out.camel_keys(ShareOut.of(share, token=token, url=url).dump()))


@bp.route("/whiteboards/share", methods=["GET"])
def open_shared_whiteboard():
    """A share link opens the board without a bearer credential: the token in the query is the credential."""
    board, share = adapter.open_shared_whiteboard(query=_query(tt.ShareLink))
    return out.camel_keys(SharedWhiteboardOut.of(board, share).dump(), opaque=_SCENE)


@bp.route("/whiteboards/share", methods=UPDATE)
def save_shared_whiteboard():
    request = bp.current_request
    query, body = _query(tt.ShareLink), _body(tt.WhiteboardSave)
    board, share = adapter.save_shared_whiteboard(query=query, body=body, actor=request_actor(request))
    return out.camel_keys(SharedWhiteboardOut.of(board, share).dump(), opaque=_SCENE)


@bp.route("/whiteboards/{whiteboard_id}", methods=["GET"])
def get_whiteboard(whiteboard_id):
    board = adapter.get_whiteboard(principal=_principal(), whiteboard_id=whiteboard_id)
    return out.camel_keys(WhiteboardOut.of(board).dump(), opaque=_SCENE)


@bp.route("/whiteboards/{whiteboard_id}", methods=UPDATE)
def save_whiteboard(whiteboard_id):
    principal = _principal()
    board = adapter.save_whiteboard(principal=principal, whiteboard_id=whiteboard_id, body=_body(tt.WhiteboardSave))
    return out.camel_keys(WhiteboardOut.of(board).dump(), opaque=_SCENE)


@bp.route("/whiteboards/{whiteboard_id}", methods=["DELETE"])
def delete_whiteboard(whiteboard_id):
    adapter.delete_whiteboard(principal=_principal(), whiteboard_id=whiteboard_id)
    return SUCCESS


# --- billing -------------------------------------------------------------------------------------------------


@bp.route("/billing", methods=["GET"])
def get_billing():
    return out.camel_keys(BillingOut.of(adapter.billing_state(principal=_principal())).dump())


@bp.route("/billing/create-subscription", methods=["POST"])
def create_subscription():
    subscription = adapter.create_subscription(principal=_principal(), body=_body(tt.SubscriptionCreate))
    body = CreatedSubscriptionOut(
        subscription_id=subscription.subscription_id,
        plan=subscription.plan,
        status="approval_pending",
        approval_url=subscription.approval_url,
    )
    return created(out.camel_keys(body.dump()))


@bp.route("/billing/cancel-subscription", methods=["POST"])
def cancel_subscription():
    state = adapter.cancel_subscription(principal=_principal(), body=_body(tt.SubscriptionCancel))
    return out.camel_keys(BillingOut.of(state).dump())


@bp.route("/billing/webhook", methods=["POST"])
def paypal_webhook():
    """PayPal's deliveries: no bearer credential; the billing service verifies each event with PayPal."""
    request = bp.current_request
    event_id, processed = adapter.receive_billing_webhook(
        headers=dict(request.headers or {}), body=request.raw_body or b"", actor=request_actor(request)
    )
    return out.camel_keys(WebhookOut(event_id=event_id, processed=processed).dump())
